// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

func testSCIM(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

	// Tokens: one per org, replaced, found by hash.
	check(t, s.SetSCIMToken(ctx, acme.ID, "hash-1", now))
	check(t, s.SetSCIMToken(ctx, acme.ID, "hash-2", now.Add(time.Minute)))
	_, err := s.SCIMTokenOrg(ctx, "hash-1", now)
	mustNotFound(t, "a replaced SCIM token", err)
	if id := must(s.SCIMTokenOrg(ctx, "hash-2", now)); id != acme.ID {
		t.Errorf("SCIMTokenOrg = %q", id)
	}
	if at := must(s.SCIMTokenCreated(ctx, beta.ID)); !at.IsZero() {
		t.Errorf("beta has no token, created %v", at)
	}

	// A SCIM user joins an existing member by email, or makes one.
	existing := must(s.CreateMember(ctx, store.Member{OrgID: acme.ID, Email: "pat@acme.example", Role: "manager"}))
	pat := must(s.PutSCIMUser(ctx, store.SCIMUser{OrgID: acme.ID, UserName: "pat@acme.example", Email: "Pat@acme.example", Active: true}, "viewer"))
	if pat.MemberID != existing.ID || pat.Version != 1 {
		t.Errorf("pat = %+v, want linked to the existing member", pat)
	}
	sam := must(s.PutSCIMUser(ctx, store.SCIMUser{OrgID: acme.ID, UserName: "sam", Email: "sam@acme.example", Active: true}, "viewer"))
	if m := must(s.GetMember(ctx, sam.MemberID)); m.Role != "viewer" || m.Deactivated || m.Email != "sam@acme.example" {
		t.Errorf("sam's member = %+v", m)
	}
	_, err = s.PutSCIMUser(ctx, store.SCIMUser{OrgID: acme.ID, UserName: "SAM", Email: "other@acme.example", Active: true}, "viewer")
	mustConflict(t, "a taken userName", err)
	_, err = s.PutSCIMUser(ctx, store.SCIMUser{OrgID: acme.ID, UserName: "sam2", Email: "sam@acme.example", Active: true}, "viewer")
	mustConflict(t, "another SCIM user's email", err)
	// The same userName in another org is another person.
	must(s.PutSCIMUser(ctx, store.SCIMUser{OrgID: beta.ID, UserName: "sam", Email: "sam@acme.example", Active: true}, "viewer"))

	// Deactivation: the member is deactivated and its sessions end, in
	// the same transaction; reactivation and an email change follow.
	check(t, s.CreateSession(ctx, store.Session{ID: "scim-s1", Realm: store.RealmWorkspace, UserID: sam.MemberID, OrgID: acme.ID, ExpiresAt: now.Add(time.Hour)}))
	sam.Active = false
	sam = must(s.PutSCIMUser(ctx, sam, "viewer"))
	if m := must(s.GetMember(ctx, sam.MemberID)); !m.Deactivated || sam.Version != 2 {
		t.Errorf("after active false: member %+v, version %d", m, sam.Version)
	}
	if _, err := s.GetSession(ctx, "scim-s1", now); err == nil {
		t.Error("a deactivated member's session survived")
	}
	sam.Active, sam.Email = true, "samuel@acme.example"
	sam = must(s.PutSCIMUser(ctx, sam, "viewer"))
	if m := must(s.GetMember(ctx, sam.MemberID)); m.Deactivated || m.Email != "samuel@acme.example" {
		t.Errorf("after reactivation and a new email: %+v", m)
	}
	_, err = s.PutSCIMUser(ctx, store.SCIMUser{ID: sam.ID, OrgID: beta.ID, UserName: "x", Email: "x@beta.example", Active: true}, "viewer")
	mustNotFound(t, "another org's SCIM user", err)

	// Groups: members must be the org's users.
	g := must(s.PutSCIMGroup(ctx, store.SCIMGroup{OrgID: acme.ID, DisplayName: "Admins", Members: []string{sam.ID, pat.ID, sam.ID}}))
	if got := must(s.GetSCIMGroup(ctx, acme.ID, g.ID)); len(got.Members) != 2 {
		t.Errorf("group members = %v", got.Members)
	}
	betaUsers := must(s.ListSCIMUsers(ctx, beta.ID))
	_, err = s.PutSCIMGroup(ctx, store.SCIMGroup{OrgID: acme.ID, DisplayName: "Mixed", Members: []string{betaUsers[0].ID}})
	mustNotFound(t, "another org's user in a group", err)
	_, err = s.PutSCIMGroup(ctx, store.SCIMGroup{OrgID: acme.ID, DisplayName: "admins"})
	mustConflict(t, "a taken group name", err)
	if names := must(s.SCIMUserGroups(ctx, acme.ID, sam.ID)); len(names) != 1 || names[0] != "Admins" {
		t.Errorf("sam's groups = %v", names)
	}
	g.Members = []string{pat.ID}
	must(s.PutSCIMGroup(ctx, g))
	if names := must(s.SCIMUserGroups(ctx, acme.ID, sam.ID)); len(names) != 0 {
		t.Errorf("sam's groups after removal = %v", names)
	}

	// Deleting a SCIM user deactivates its member and leaves its groups.
	check(t, s.DeleteSCIMUser(ctx, acme.ID, pat.ID))
	if m := must(s.GetMember(ctx, pat.MemberID)); !m.Deactivated {
		t.Error("a deleted SCIM user's member is still active")
	}
	if got := must(s.GetSCIMGroup(ctx, acme.ID, g.ID)); len(got.Members) != 0 {
		t.Errorf("a deleted user stayed in a group: %v", got.Members)
	}
	mustNotFound(t, "delete twice", s.DeleteSCIMUser(ctx, acme.ID, pat.ID))
	mustNotFound(t, "delete another org's group", s.DeleteSCIMGroup(ctx, beta.ID, g.ID))
	check(t, s.DeleteSCIMGroup(ctx, acme.ID, g.ID))
	if list := must(s.ListSCIMGroups(ctx, acme.ID)); len(list) != 0 {
		t.Errorf("groups left: %v", list)
	}
}
