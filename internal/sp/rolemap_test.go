// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// TestRolesFromIdPGroups: an org admin maps two groups to roles on the
// settings page; moving pat between groups at the IdP changes pat's role
// at the next sign-in, up and down; leaving every group gives the default
// role; the attempts log and the audit log say which rule applied.
func TestRolesFromIdPGroups(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	admin := w.admin(w.acme)
	const roles = "/orgs/acme/settings/sso/roles"
	for _, rule := range []url.Values{
		{"value": {"0b3c5e1f-aaaa-4f00-9e4c-000000000001"}, "label": {"Analytics admins"}, "role": {"admin"}},
		{"value": {"analysts"}, "role": {"manager"}},
	} {
		if r := admin.Do("POST", roles+"/rules", rule); r.Status != http.StatusSeeOther {
			t.Fatalf("add rule = %d\n%s", r.Status, excerpt(r.Body))
		}
	}
	if r := admin.Do("POST", roles, url.Values{"attribute": {"memberOf"}, "default_role": {"viewer"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("defaults = %d", r.Status)
	}
	page := admin.Do("GET", "/orgs/acme/settings/sso", nil)
	if !strings.Contains(page.Body, "Analytics admins") || !strings.Contains(page.Body, `value="memberOf"`) {
		t.Errorf("the page does not show the mapping:\n%s", excerpt(page.Body))
	}

	signInWith := func(groups ...string) store.Member {
		t.Helper()
		r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) {
			p.Attributes = append(p.Attributes, saml.Attribute{Name: "http://schemas.xmlsoap.org/claims/Group", FriendlyName: "memberOf",
				NameFormat: saml.AttrNameFormatURI, Values: groups})
		}), "")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in with groups %v = %d\n%s", groups, r.Status, excerpt(r.Body))
		}
		m, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "pat@corp.example")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, step := range []struct {
		groups   []string
		role     string
		attempts string
	}{
		{[]string{"analysts"}, "manager", "Role changed from member to manager (group “analysts”)"},
		{[]string{"analysts", "0b3c5e1f-aaaa-4f00-9e4c-000000000001"}, "admin", "(group “Analytics admins” (0b3c5e1f-aaaa-4f00-9e4c-000000000001))"},
		{[]string{"analysts"}, "manager", "Role changed from admin to manager"},
		{[]string{"everyone"}, "viewer", "no group rule matched, so the default role"},
		{[]string{"everyone"}, "viewer", "Role viewer from no group rule matched"},
	} {
		if m := signInWith(step.groups...); m.Role != step.role {
			t.Errorf("groups %v: role %s, want %s", step.groups, m.Role, step.role)
		}
		if a := w.lastAttempt(w.acme); !strings.Contains(a.Message, step.attempts) {
			t.Errorf("groups %v: attempt says %q, want %q", step.groups, a.Message, step.attempts)
		}
	}
	events, _, err := w.st.ListAudit(t.Context(), store.RealmWorkspace, w.acme.ID, store.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	for _, e := range events {
		if e.Action == "member.role" && strings.Contains(e.Detail, "by the IdP group mapping") {
			changes++
		}
	}
	if changes != 4 {
		t.Errorf("%d role changes audited, want 4", changes)
	}

	// Priorities: raise "analysts" above the admins' group.
	admin.Do("POST", roles+"/rules/1/raise", nil)
	if m := signInWith("analysts", "0b3c5e1f-aaaa-4f00-9e4c-000000000001"); m.Role != "manager" {
		t.Errorf("after raising analysts: %s, want manager", m.Role)
	}
	// Bad input is refused with a message and changes nothing.
	for _, bad := range []url.Values{
		{"value": {"analysts"}, "role": {"viewer"}},
		{"value": {""}, "role": {"viewer"}},
		{"value": {"ops"}, "role": {"owner"}},
		{"value": {"ops\u202e"}, "role": {"viewer"}},
	} {
		if r := admin.Do("POST", roles+"/rules", bad); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "The role mapping was not saved") {
			t.Errorf("add %v = %d", bad, r.Status)
		}
	}
	if r := admin.Do("POST", roles+"/rules/7/delete", nil); r.Status != http.StatusNotFound {
		t.Errorf("delete a rule that does not exist = %d", r.Status)
	}
	if m, _ := w.st.GetRoleMapping(t.Context(), w.acme.ID); len(m.Rules) != 2 || m.Rules[0].Value != "analysts" {
		t.Errorf("mapping after refused changes = %+v", m)
	}
	// Removing every rule hands roles back to the admins: no change at sign-in.
	admin.Do("POST", roles+"/rules/0/delete", nil)
	admin.Do("POST", roles+"/rules/0/delete", nil)
	if m := signInWith("0b3c5e1f-aaaa-4f00-9e4c-000000000001"); m.Role != "manager" {
		t.Errorf("with no rules the role changed to %s", m.Role)
	}
	// Another org's admin cannot edit acme's mapping.
	if r := w.admin(w.beta).Do("POST", roles+"/rules", url.Values{"value": {"x"}, "role": {"admin"}}); r.Status == http.StatusSeeOther && !strings.Contains(r.Location, "/login") {
		t.Errorf("beta's admin edited acme's mapping: %d %s", r.Status, r.Location)
	}
}

// TestRoleMappingKeepsTheLastAdmin: the mapping never leaves the org
// without an admin, and a Test sign-in only says what would change.
func TestRoleMappingKeepsTheLastAdmin(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	if _, err := w.svc.RoleMappings().Save(t.Context(), "admin", w.acme, "groups", "viewer",
		[]store.RoleRule{{Value: "staff", Role: "member"}}); err != nil {
		t.Fatal(err)
	}
	r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) {
		p.NameID, p.Attributes[0].Values = "admin@acme.example", []string{"admin@acme.example"}
		p.Attributes = append(p.Attributes, saml.Attribute{Name: "groups", Values: []string{"staff"}})
	}), "")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d\n%s", r.Status, excerpt(r.Body))
	}
	if m, _ := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "admin@acme.example"); m.Role != "admin" {
		t.Errorf("the last admin became %s", m.Role)
	}
	if a := w.lastAttempt(w.acme); !strings.Contains(a.Message, "the organization needs an admin") {
		t.Errorf("attempt = %q", a.Message)
	}
}
