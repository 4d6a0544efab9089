// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestProvisioningSurvivesAWorkspaceOutage: an Identity Center and a
// Workspace run as separate deployments, each with its own database. With
// provisioning on, the Workspace is stopped; meanwhile the Identity
// Center's admin assigns a new person, changes two emails (one twice), and
// assigns a group then takes its only member out of it. The Provisioning
// tab shows that the application cannot be reached. When the Workspace
// is back, the directory arrives as it now is: each person once, with
// their latest email, and nobody who was only briefly assigned.
func TestProvisioningSurvivesAWorkspaceOutage(t *testing.T) {
	ws := startSignet(t, "sqlite:"+filepath.Join(t.TempDir(), "workspace.db"))
	ic := startSignet(t, "sqlite:"+filepath.Join(t.TempDir(), "identity-center.db"))
	ws.cli("", "sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth", "--admin-email", "admin@acme.example")
	token := ws.cli("", "sp", "scim", "token", "--org", "acme")
	spMD := filepath.Join(t.TempDir(), "sp.xml")
	writeFile(t, spMD, harness.NewBrowser(t).Get(ws.SP+"/saml/acme/metadata").Body)

	ic.cli("plum-garden-rocket\n", "idp", "user", "add", "--username", "ida", "--email", "ida@example.test", "--admin", "--password-stdin")
	ann := ic.cli("", "idp", "user", "add", "--username", "ann", "--email", "ann@example.test", "--given-name", "Ann", "--family-name", "Lee")
	ben := ic.cli("", "idp", "user", "add", "--username", "ben", "--email", "ben@example.test", "--given-name", "Ben", "--family-name", "Ng")
	cat := ic.cli("", "idp", "user", "add", "--username", "cat", "--email", "cat@example.test")
	app := ic.cli("", "idp", "app", "add", "--name", "Acme Analytics", "--sp-metadata", spMD)
	ic.cli("", "idp", "app", "assign", "--app", "Acme Analytics", "--user", "ann")
	ic.cli(token+"\n", "idp", "app", "provisioning", "--app", "Acme Analytics", "--scim-url", ws.SP+"/scim/v2/acme", "--token-stdin")
	scimAt := scimIdP{t: t, base: ws.SP + "/scim/v2/acme", token: token}
	users := func() []string {
		list := scimAt.send(http.StatusOK, "GET", "/Users", "")
		var out []string
		for _, r := range list["Resources"].([]any) {
			u := r.(map[string]any)
			emails := u["emails"].([]any)
			out = append(out, emails[0].(map[string]any)["value"].(string)+" active="+boolString(u["active"]))
		}
		slices.Sort(out)
		return out
	}
	waitFor(t, "ann provisioned", func() bool { return slices.Equal(users(), []string{"ann@example.test active=true"}) })

	ws.Stop()
	console := harness.NewBrowser(t)
	console.Post(ic.IdP+"/admin/login", url.Values{"username": {"ida"}, "password": {"plum-garden-rocket"}})
	setEmail := func(id, username, email, given, family string) {
		t.Helper()
		p := console.Post(ic.IdP+"/admin/users/"+id, url.Values{"username": {username}, "email": {email},
			"given_name": {given}, "family_name": {family}, "active": {"1"}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, email) {
			t.Fatalf("changing %s's email: %d\n%.1500s", username, p.Status, p.Body)
		}
	}
	ic.cli("", "idp", "app", "assign", "--app", "Acme Analytics", "--user", "ben")
	setEmail(ann, "ann", "ann.lee@example.test", "Ann", "Lee")
	setEmail(ben, "ben", "benjamin@example.test", "Ben", "Ng")
	group := ic.cli("", "idp", "group", "add", "--name", "Night shift")
	ic.cli("", "idp", "group", "add-member", "--group", "Night shift", "--user", "cat")
	ic.cli("", "idp", "app", "assign", "--app", "Acme Analytics", "--group", "Night shift")
	time.Sleep(2500 * time.Millisecond) // at least one push attempt while the Workspace is down
	setEmail(ben, "ben", "ben.ng@example.test", "Ben", "Ng")
	console.Post(ic.IdP+"/admin/groups/"+group+"/members/"+cat+"/remove", nil)
	if p := console.Get(ic.IdP + "/admin/applications/" + app + "/provisioning"); !strings.Contains(p.Body, "could not be reached") {
		t.Errorf("the Provisioning tab does not say the application is unreachable:\n%.3000s", p.Body)
	}

	ws.Restart()
	want := []string{"ann.lee@example.test active=true", "ben.ng@example.test active=true"}
	var got []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if got = users(); slices.Equal(got, want) {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("after the outage the Workspace has %v, want %v", got, want)
	}
	groups := scimAt.send(http.StatusOK, "GET", "/Groups", "")
	if groups["totalResults"] != float64(1) {
		t.Errorf("groups after the outage: %v", groups)
	} else if g := groups["Resources"].([]any)[0].(map[string]any); g["displayName"] != "Night shift" || len(asList(g["members"])) != 0 {
		t.Errorf("the group after the outage: %v", g)
	}
}

func boolString(v any) string {
	if b, ok := v.(bool); ok && b {
		return "true"
	}
	return "false"
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
