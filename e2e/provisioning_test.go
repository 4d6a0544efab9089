// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestIdentityCenterProvisionsTheWorkspace: the host app's back end
// registers a webhook for acme's events through the API; acme's admin
// makes a SCIM token on the Workspace's settings page and maps the group
// "Analytics admins" to the admin role; the Identity Center's admin turns
// provisioning on in the application's Provisioning tab with that URL and
// token. Within seconds carol (in the group) is an admin member and bob
// (assigned directly) a member. Carol signs in with SSO; the Identity
// Center's admin removes her from the group (her only assignment): her
// Workspace session ends at once and she cannot sign in again. Bob's email
// changes in the console and his membership follows. Every change is in
// the event log read through the API, and at the webhook receiver, each
// delivery signed with the secret the API gave (checked here with nothing
// but crypto/hmac).
func TestIdentityCenterProvisionsTheWorkspace(t *testing.T) {
	w := newHostAppWorld(t)
	api := newAPIClient(t, w.s, w.s.cli("", "sp", "apikey", "add", "--name", "host app back end"))
	hooks := newHookReceiver(t)
	earlier := len(readEvents(t, api, "acme")) // setting acme up made events before the webhook existed
	status, hook := api.do("POST", "/webhooks", map[string]any{"url": hooks.URL + "/signet-events", "organization": "acme"})
	secret, _ := hook["secret"].(string)
	if status != http.StatusCreated || secret == "" {
		t.Fatalf("register the webhook: %d %v", status, hook)
	}
	admin, scimURL, token := scimTokenFromPage(t, w)
	admin.Post(w.s.SP+"/orgs/acme/settings/sso/roles/rules", url.Values{"value": {"Analytics admins"}, "role": {"admin"}})

	w.s.cli("plum-garden-rocket\n", "idp", "user", "add", "--username", "ida", "--email", "ida@example.test", "--admin", "--password-stdin")
	carol := w.s.cli("velvet-harbor-lantern\n", "idp", "user", "add", "--username", "carol", "--email", "carol@example.test", "--password-stdin")
	group := w.s.cli("", "idp", "group", "add", "--name", "Analytics admins")
	w.s.cli("", "idp", "group", "add-member", "--group", "Analytics admins", "--user", "carol")
	w.s.cli("", "idp", "app", "assign", "--app", "Acme Analytics", "--group", "Analytics admins")
	ic := harness.NewBrowser(t)
	ic.Post(w.s.IdP+"/admin/login", url.Values{"username": {"ida"}, "password": {"plum-garden-rocket"}})
	p := ic.Post(w.s.IdP+"/admin/applications/"+w.app+"/provisioning", url.Values{"scim_url": {scimURL}, "token": {token}})
	if !strings.Contains(p.Body, "Automatic provisioning is on") {
		t.Fatalf("turning provisioning on: %d\n%.2000s", p.Status, p.Body)
	}
	members := func() string { return admin.Get(w.s.SP + "/orgs/acme").Body }
	// Users are pushed before groups (as Okta and Entra ID do), so carol is
	// first a member with the default role and becomes an admin when her
	// group arrives: wait for that, not only for her row.
	carolRow := func(m string) string {
		i := strings.Index(m, "carol@example.test")
		if i < 0 {
			return ""
		}
		row, _, _ := strings.Cut(m[i:], "</tr>")
		return row
	}
	waitFor(t, "carol provisioned as an admin and bob as a member", func() bool {
		m := members()
		return strings.Contains(carolRow(m), `value="admin" selected`) && strings.Contains(m, "bob@example.test")
	})
	if page := ic.Get(w.s.IdP + "/admin/applications/" + w.app + "/provisioning"); !strings.Contains(page.Body, "Provisioned") {
		t.Errorf("the Provisioning tab:\n%.3000s", page.Body)
	}
	if page := admin.Get(w.s.SP + "/orgs/acme/settings/sso"); !strings.Contains(page.Body, "Recent SCIM requests") || !strings.Contains(page.Body, "POST /Users") {
		t.Errorf("the settings page does not show the SCIM requests:\n%.3000s", page.Body)
	}

	// Carol signs in with SSO, then leaves the group.
	carolB := harness.NewBrowser(t)
	p = carolB.FollowSAML(carolB.SignInToPortal(carolB.Get(w.s.SP+"/saml/acme/login"), "carol", "velvet-harbor-lantern"))
	if !strings.Contains(p.Body, "You are signed in to <strong>Acme</strong> as <strong>carol@example.test</strong>") {
		t.Fatalf("carol did not sign in: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	ic.Post(w.s.IdP+"/admin/groups/"+group+"/members/"+carol+"/remove", nil)
	waitFor(t, "carol deactivated", func() bool {
		m := members()
		i := strings.Index(m, "carol@example.test")
		return i >= 0 && strings.Contains(m[i:min(len(m), i+200)], "Deactivated")
	})
	if p := carolB.Get(w.s.SP + "/orgs/acme"); strings.Contains(p.Body, "You are signed in to") {
		t.Error("carol's Workspace session survived her deactivation")
	}
	if p := carolB.FollowSAML(carolB.Get(w.s.SP + "/saml/acme/login")); strings.Contains(p.Body, "You are signed in to") {
		t.Errorf("carol signed in again after leaving the group: %s", p.URL)
	}

	// Bob's email changes in the Identity Center's console.
	users := ic.Get(w.s.IdP + "/admin/users?q=bob").Body
	bobID := regexp.MustCompile(`href="/admin/users/([^"]+)">bob<`).FindStringSubmatch(users)
	if bobID == nil {
		t.Fatalf("bob is not on the users page:\n%.2000s", users)
	}
	p = ic.Post(w.s.IdP+"/admin/users/"+bobID[1], url.Values{"username": {"bob"}, "email": {"robert@example.test"},
		"given_name": {"Bob"}, "family_name": {"Builder"}, "active": {"1"}})
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "robert@example.test") {
		t.Fatalf("changing bob's email: %d\n%.1500s", p.Status, p.Body)
	}
	waitFor(t, "bob's new email in the Workspace", func() bool { return strings.Contains(members(), "robert@example.test") })

	// The event log through the API, read with the cursor a page at a time.
	want := []string{"dsync.user.created", "dsync.group.created", "dsync.group.user_added", "sso.signin.succeeded",
		"dsync.user.deactivated", "dsync.user.updated"}
	var log []map[string]any
	waitFor(t, "the events in the API", func() bool {
		log = readEvents(t, api, "acme")
		return hasTypes(log, want)
	})
	for _, e := range log {
		data, _ := e["data"].(map[string]any)
		if e["type"] == "dsync.user.updated" && data["email"] == "robert@example.test" && data["previous_email"] != "bob@example.test" {
			t.Errorf("the email change event: %v", e)
		}
	}
	// The same events at the webhook receiver, once each, signed.
	log = log[earlier:]
	waitFor(t, "the webhook deliveries", func() bool { return hooks.count() >= len(log) })
	hooks.check(t, secret, log)
	status, deliveries := api.do("GET", "/webhooks/"+hook["id"].(string)+"/deliveries", nil)
	if list, _ := deliveries["data"].([]any); status != http.StatusOK || len(list) < len(log) {
		t.Errorf("delivery log: %d %v", status, deliveries)
	}
}

// readEvents reads an org's whole event log through the API, following
// next_cursor until has_more is false.
func readEvents(t *testing.T, api *apiClient, org string) []map[string]any {
	t.Helper()
	var out []map[string]any
	cursor := ""
	for {
		status, page := api.do("GET", "/events?organization="+org+"&limit=5&cursor="+cursor, nil)
		if status != http.StatusOK {
			t.Fatalf("GET /events: %d %v", status, page)
		}
		data, _ := page["data"].([]any)
		for _, e := range data {
			out = append(out, e.(map[string]any))
		}
		cursor, _ = page["next_cursor"].(string)
		if more, _ := page["has_more"].(bool); !more {
			return out
		}
	}
}

func hasTypes(events []map[string]any, types []string) bool {
	for _, want := range types {
		if !slices.ContainsFunc(events, func(e map[string]any) bool { return e["type"] == want }) {
			return false
		}
	}
	return true
}

// hookReceiver is a host app's webhook endpoint that records deliveries.
type hookReceiver struct {
	*httptest.Server
	mu         sync.Mutex
	deliveries []hookDelivery
}

type hookDelivery struct {
	signature, id string
	body          []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.deliveries = append(h.deliveries, hookDelivery{signature: r.Header.Get("Signet-Signature"), id: r.Header.Get("Signet-Event-Id"), body: body})
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.deliveries)
}

// check verifies every delivery's signature as a receiver must (HMAC-SHA256
// of "<t>.<body>" with the secret; t recent), and that the receiver got
// exactly the events of the log, in its order.
func (h *hookReceiver) check(t *testing.T, secret string, log []map[string]any) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	var ids []string
	for _, d := range h.deliveries {
		var ts, sig string
		for part := range strings.SplitSeq(d.signature, ",") {
			if v, ok := strings.CutPrefix(part, "t="); ok {
				ts = v
			} else if v, ok := strings.CutPrefix(part, "v1="); ok {
				sig = v
			}
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(ts + "."))
		mac.Write(d.body)
		got, _ := hex.DecodeString(sig)
		sec, _ := strconv.ParseInt(ts, 10, 64)
		if !hmac.Equal(got, mac.Sum(nil)) || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
			t.Errorf("delivery %s: the signature %q does not verify", d.id, d.signature)
		}
		var e map[string]any
		if err := json.Unmarshal(d.body, &e); err != nil || e["id"] != d.id {
			t.Errorf("delivery %s: body %s", d.id, d.body)
		}
		ids = append(ids, d.id)
	}
	var want []string
	for _, e := range log {
		want = append(want, e["id"].(string))
	}
	if !slices.Equal(ids, want) {
		t.Errorf("webhook deliveries %v\nwant the log's order %v", ids, want)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for range 100 {
		if ok() {
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
	t.Fatalf("waited 15 s for %s", what)
}
