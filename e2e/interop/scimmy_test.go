// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/e2e/harness"
)

// scimPeer reads (and seeds) a third-party SCIM server with its token.
type scimPeer struct {
	t           *testing.T
	base, token string
}

func (c scimPeer) call(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// users is the server's users as "userName email active=…", sorted, and
// their IDs by userName.
func (c scimPeer) users() ([]string, map[string]string) {
	c.t.Helper()
	_, list := c.call("GET", "/Users", "")
	var out []string
	ids := map[string]string{}
	for _, r := range asAny(list["Resources"]) {
		u := r.(map[string]any)
		email := ""
		if es := asAny(u["emails"]); len(es) > 0 {
			email, _ = es[0].(map[string]any)["value"].(string)
		}
		out = append(out, fmt.Sprintf("%s %s active=%v", u["userName"], email, u["active"]))
		ids[u["userName"].(string)] = u["id"].(string)
	}
	slices.Sort(out)
	return out, ids
}

// group is the named group's member IDs, sorted (nil when it is absent).
func (c scimPeer) group(name string) []string {
	c.t.Helper()
	_, list := c.call("GET", "/Groups", "")
	for _, r := range asAny(list["Resources"]) {
		g := r.(map[string]any)
		if g["displayName"] != name {
			continue
		}
		members := []string{}
		for _, m := range asAny(g["members"]) {
			members = append(members, m.(map[string]any)["value"].(string))
		}
		slices.Sort(members)
		return members
	}
	return nil
}

func asAny(v any) []any {
	l, _ := v.([]any)
	return l
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for range 100 {
		if ok() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("waited 20 s for %s", what)
}

// TestProvisioningIntoSCIMMY: the Identity Center provisions an
// application whose SCIM service is SCIMMY (npm scimmy + scimmy-routers):
// assigned people (directly and through a group) and the group arrive; a
// person SCIMMY knew already is adopted, not duplicated; an email change,
// a removal from the group and a deletion from the directory follow.
func TestProvisioningIntoSCIMMY(t *testing.T) {
	need(t, "SCIMMY (npm scimmy, scimmy-routers)", haveNodeModule("scimmy-routers"))
	s := signet(t)
	p := newPeer(t)
	const token = "scimmy-interop-token"
	startPeer(t, p, "/healthz", "node", nodeScript("scimmy_server.mjs"), p.Port, token)
	peer := scimPeer{t: t, base: p.Base + "/scim/v2", token: token}
	// SCIMMY knows carol already (the application had accounts before).
	if st, out := peer.call("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"carol@example.com",
		"emails":[{"value":"carol@example.com","type":"work","primary":true}],"active":true}`); st != http.StatusCreated {
		t.Fatalf("seed carol: %d %v", st, out)
	}

	s.CLI("plum-garden-rocket\n", "idp", "user", "add", "--username", "ida", "--email", "ida@example.com", "--admin", "--password-stdin")
	bob := s.CLI("", "idp", "user", "add", "--username", "bob", "--email", "bob@example.com", "--given-name", "Bob", "--family-name", "Stone")
	s.CLI("", "idp", "user", "add", "--username", "carol", "--email", "carol@example.com")
	s.CLI("", "idp", "group", "add-member", "--group", "Interop", "--user", "carol")
	app := s.CLI("", "idp", "app", "add", "--name", "SCIMMY app", "--acs-url", "https://scimmy.example/acs", "--audience", "https://scimmy.example")
	s.CLI("", "idp", "app", "assign", "--app", app, "--group", "Interop")
	s.CLI("", "idp", "app", "assign", "--app", app, "--user", "bob")
	s.CLI(token+"\n", "idp", "app", "provisioning", "--app", app, "--scim-url", peer.base, "--token-stdin")

	want := []string{"alice@example.com alice@example.com active=true", "bob@example.com bob@example.com active=true",
		"carol@example.com carol@example.com active=true"}
	var ids map[string]string
	eventually(t, "alice, bob and carol at SCIMMY, each once", func() bool {
		var got []string
		got, ids = peer.users()
		return slices.Equal(got, want)
	})
	members := []string{ids["alice@example.com"], ids["carol@example.com"]}
	slices.Sort(members)
	eventually(t, "the Interop group with alice and carol", func() bool { return slices.Equal(peer.group("Interop"), members) })

	// Changes in the console.
	console := harness.NewBrowser(t)
	console.Post(s.IdP+"/admin/login", url.Values{"username": {"ida"}, "password": {"plum-garden-rocket"}})
	if r := console.Post(s.IdP+"/admin/users/"+bob, url.Values{"username": {"bob"}, "email": {"robert@example.com"},
		"given_name": {"Bob"}, "family_name": {"Stone"}, "active": {"1"}}); r.Status != http.StatusOK {
		t.Fatalf("change bob's email: %d", r.Status)
	}
	groups := console.Get(s.IdP + "/admin/groups").Body
	interop := regexp.MustCompile(`href="/admin/groups/([^"]+)">Interop<`).FindStringSubmatch(groups)
	carol := regexp.MustCompile(`href="/admin/users/([^"]+)">carol<`).FindStringSubmatch(console.Get(s.IdP + "/admin/users?q=carol").Body)
	if interop == nil || carol == nil {
		t.Fatalf("the console does not list the Interop group or carol")
	}
	console.Post(s.IdP+"/admin/groups/"+interop[1]+"/members/"+carol[1]+"/remove", nil)
	eventually(t, "bob's new email, and carol deactivated and out of the group", func() bool {
		got, _ := peer.users()
		return slices.Equal(got, []string{"alice@example.com alice@example.com active=true", "carol@example.com carol@example.com active=false",
			"robert@example.com robert@example.com active=true"}) && slices.Equal(peer.group("Interop"), []string{ids["alice@example.com"]})
	})
	if _, after := peer.users(); after["robert@example.com"] != ids["bob@example.com"] {
		t.Errorf("bob's email change made a new SCIMMY user instead of updating %s", ids["bob@example.com"])
	}
	console.Post(s.IdP+"/admin/users/"+bob+"/delete", nil)
	eventually(t, "bob deleted at SCIMMY", func() bool {
		st, _ := peer.call("GET", "/Users/"+ids["bob@example.com"], "")
		return st == http.StatusNotFound
	})
	record(row{Peer: "SCIMMY (npm scimmy + scimmy-routers)", Version: npmVersion("scimmy") + " / " + npmVersion("scimmy-routers"),
		Direction: "Signet Identity Center → SCIM server",
		Flows:     "create users and group, adopt an existing user (409), email change (PUT), unassign (active false), group membership, delete",
		Modes:     "bearer token", Result: resultOf(t)})
}
