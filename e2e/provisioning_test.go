// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestIdentityCenterProvisionsTheWorkspace: acme's admin makes a SCIM token
// on the Workspace's settings page and maps the group "Analytics admins" to
// the admin role; the Identity Center's admin turns provisioning on in
// the application's Provisioning tab with that URL and token. Within
// seconds the assigned person (bob) is a member with the mapped role;
// removing him from the group (his only assignment) deactivates him.
func TestIdentityCenterProvisionsTheWorkspace(t *testing.T) {
	w := newHostAppWorld(t)
	admin, scimURL, token := scimTokenFromPage(t, w)
	admin.Post(w.s.SP+"/orgs/acme/settings/sso/roles/rules", url.Values{"value": {"Analytics admins"}, "role": {"admin"}})

	w.s.cli("plum-garden-rocket\n", "idp", "user", "add", "--username", "ida", "--email", "ida@example.test", "--admin", "--password-stdin")
	carol := w.s.cli("", "idp", "user", "add", "--username", "carol", "--email", "carol@example.test")
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
	waitFor(t, "carol provisioned as an admin and bob as a member", func() bool {
		m := members()
		return strings.Contains(m, "carol@example.test") && strings.Contains(m, "bob@example.test")
	})
	m := members()
	row := m[strings.Index(m, "carol@example.test"):]
	if row = row[:strings.Index(row, "</tr>")]; !strings.Contains(row, `value="admin" selected`) {
		t.Errorf("carol's role is not admin by the group mapping: %s", row)
	}
	if page := ic.Get(w.s.IdP + "/admin/applications/" + w.app + "/provisioning"); !strings.Contains(page.Body, "Provisioned") {
		t.Errorf("the Provisioning tab:\n%.3000s", page.Body)
	}
	ic.Post(w.s.IdP+"/admin/groups/"+group+"/members/"+carol+"/remove", nil)
	waitFor(t, "carol deactivated", func() bool {
		m := members()
		i := strings.Index(m, "carol@example.test")
		return i >= 0 && strings.Contains(m[i:min(len(m), i+200)], "Deactivated")
	})
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
