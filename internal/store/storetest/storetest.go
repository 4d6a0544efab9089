// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/signet-sso/signet/internal/store"
)

// Run runs every conformance test against stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Users", testUsers},
		{"UserList", testUserList},
		{"Groups", testGroups},
		{"Apps", testApps},
		{"AttributeMappings", testAttributeMappings},
		{"DraftApps", testDraftApps},
		{"Assignments", testAssignments},
		{"SigningKeys", testSigningKeys},
		{"Orgs", testOrgs},
		{"Members", testMembers},
		{"SSOConnections", testSSOConnections},
		{"AuthnRequests", testAuthnRequests},
		{"SignInAttempts", testSignInAttempts},
		{"Invites", testInvites},
		{"SPKeys", testSPKeys},
		{"LastAdmin", testLastAdmin},
		{"ReplayCache", testReplayCache},
		{"SignInRecordReplay", testSignInRecordReplay},
		{"Sessions", testSessions},
		{"SessionsOfAnOrg", testOrgSessions},
		{"RateLimits", testRateLimits},
		{"Audit", testAudit},
		{"TransactionsAllOrNothing", testTransactions},
		{"ConcurrentReplayInsert", testConcurrentReplay},
		{"ConcurrentRequestConsume", testConcurrentConsume},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"SchemaVersion", testSchemaVersion},
		{"OAuthClients", testOAuthClients},
		{"OAuthRequests", testOAuthRequests},
		{"ConcurrentCodeRedemption", testConcurrentCodeRedemption},
		{"APIKeys", testAPIKeys},
		{"SetupLinks", testSetupLinks},
		{"Domains", testDomains},
		{"RoleMappings", testRoleMappings},
		{"SignInSetup", testSignInSetup},
		{"LookUpSignIn", testLookUpSignIn},
		{"SetupVersion", testSetupVersion},
		{"EndSSOSessions", testEndSSOSessions},
		{"SCIM", testSCIM},
		{"Provisioning", testProvisioning},
		{"SSOParticipants", testSSOParticipants},
		{"Events", testEvents},
		{"ConcurrentEvents", testConcurrentEvents},
		{"Webhooks", testWebhooks},
		{"SCIMRequests", testSCIMRequests},
		{"MFA", testMFA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					f, ok := r.(failure)
					if !ok {
						panic(r)
					}
					t.Fatalf("unexpected error: %v", f.err)
				}
			}()
			tt.fn(t, newStore(t))
		})
	}
}

var ignoreTimes = cmpopts.IgnoreFields(store.User{}, "CreatedAt", "UpdatedAt")

func mustNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: err = %v, want ErrNotFound", what, err)
	}
}

func mustConflict(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("%s: err = %v, want ErrConflict", what, err)
	}
}

// failure carries an unexpected error from must to the recover in Run.
type failure struct{ err error }

// must returns v, or ends the test (through the recover in Run) on err.
// It lets table-free checks read as one line: u := must(s.GetUser(ctx, id)).
func must[T any](v T, err error) T {
	if err != nil {
		panic(failure{err})
	}
	return v
}

// check ends the test on an unexpected error.
func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testUsers(t *testing.T, s store.Store) {
	ctx := t.Context()
	in := store.User{Username: "Alice", Email: "alice@example.com", GivenName: "Alice", FamilyName: "Liddell",
		DisplayName: "Alice Liddell", PasswordHash: "$argon2id$x", Active: true}
	u := must(s.CreateUser(ctx, in))
	if u.ID == "" || u.CreatedAt.IsZero() {
		t.Fatalf("CreateUser did not fill ID and CreatedAt: %+v", u)
	}
	got := must(s.GetUser(ctx, u.ID))
	if diff := cmp.Diff(u, got, ignoreTimes); diff != "" {
		t.Errorf("GetUser (-want +got):\n%s", diff)
	}
	byName := must(s.GetUserByUsername(ctx, "alice"))
	if byName.ID != u.ID {
		t.Errorf("GetUserByUsername is not case-insensitive: got %q", byName.ID)
	}
	_, err := s.CreateUser(ctx, store.User{Username: "ALICE"})
	mustConflict(t, "duplicate username", err)

	upd := must(s.UpdateUser(ctx, u.ID, func(u *store.User) error { u.Email = ""; u.Admin = true; return nil }))
	if upd.Email != "" || !upd.Admin {
		t.Errorf("UpdateUser = %+v", upd)
	}
	if got := must(s.GetUser(ctx, u.ID)); got.Email != "" || !got.Admin {
		t.Errorf("after update, GetUser = %+v", got)
	}
	bob := must(s.CreateUser(ctx, store.User{Username: "bob"}))
	_, err = s.UpdateUser(ctx, bob.ID, func(u *store.User) error { u.Username = "alice"; return nil })
	mustConflict(t, "rename onto existing username", err)
	boom := errors.New("boom")
	if _, err := s.UpdateUser(ctx, bob.ID, func(u *store.User) error { u.Email = "x@y"; return boom }); !errors.Is(err, boom) {
		t.Errorf("UpdateUser closure error = %v, want boom", err)
	}
	if got := must(s.GetUser(ctx, bob.ID)); got.Email != "" {
		t.Errorf("a failed closure still changed the user: %+v", got)
	}

	_, err = s.GetUser(ctx, "usr_missing")
	mustNotFound(t, "GetUser missing", err)
	_, err = s.UpdateUser(ctx, "usr_missing", func(*store.User) error { return nil })
	mustNotFound(t, "UpdateUser missing", err)
	mustNotFound(t, "DeleteUser missing", s.DeleteUser(ctx, "usr_missing"))
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetUser(ctx, u.ID)
	mustNotFound(t, "GetUser after delete", err)
}

func testUserList(t *testing.T, s store.Store) {
	ctx := t.Context()
	for i := range 7 {
		must(s.CreateUser(ctx, store.User{Username: fmt.Sprintf("user%02d", i), Email: fmt.Sprintf("u%d@corp.example", i)}))
	}
	must(s.CreateUser(ctx, store.User{Username: "100%_special"}))
	page, total := mustList(t)(s.ListUsers(ctx, store.ListOptions{Limit: 3, Offset: 3}))
	if total != 8 || len(page) != 3 || page[0].Username != "user02" {
		t.Errorf("ListUsers page 2 = %d users starting %q, total %d; want 3 starting user02, total 8", len(page), first(page), total)
	}
	found, total := mustList(t)(s.ListUsers(ctx, store.ListOptions{Query: "U3@CORP"}))
	if total != 1 || len(found) != 1 || found[0].Username != "user03" {
		t.Errorf("ListUsers search by email = %v (total %d)", found, total)
	}
	found, total = mustList(t)(s.ListUsers(ctx, store.ListOptions{Query: "%_"}))
	if total != 1 || found[0].Username != "100%_special" {
		t.Errorf("ListUsers with wildcard characters must match them literally, got %d users", total)
	}
}

func first(us []store.User) string {
	if len(us) == 0 {
		return ""
	}
	return us[0].Username
}

func mustList(t *testing.T) func([]store.User, int, error) ([]store.User, int) {
	return func(us []store.User, n int, err error) ([]store.User, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return us, n
	}
}

func testGroups(t *testing.T, s store.Store) {
	ctx := t.Context()
	g := must(s.CreateGroup(ctx, store.Group{Name: "Analysts", Description: "data people"}))
	_, err := s.CreateGroup(ctx, store.Group{Name: "analysts"})
	mustConflict(t, "duplicate group name", err)
	if got := must(s.GetGroupByName(ctx, "ANALYSTS")); got.ID != g.ID || got.Description != "data people" {
		t.Errorf("GetGroupByName = %+v", got)
	}
	u1 := must(s.CreateUser(ctx, store.User{Username: "u1"}))
	u2 := must(s.CreateUser(ctx, store.User{Username: "u2"}))
	for range 2 { // idempotent
		if err := s.AddGroupMember(ctx, g.ID, u1.ID); err != nil {
			t.Fatal(err)
		}
	}
	check(t, s.AddGroupMember(ctx, g.ID, u2.ID))
	mustNotFound(t, "AddGroupMember unknown user", s.AddGroupMember(ctx, g.ID, "usr_missing"))
	members := must(s.ListGroupMembers(ctx, g.ID))
	if len(members) != 2 || members[0].Username != "u1" {
		t.Errorf("ListGroupMembers = %v", members)
	}
	groups := must(s.ListUserGroups(ctx, u2.ID))
	if len(groups) != 1 || groups[0].ID != g.ID {
		t.Errorf("ListUserGroups = %v", groups)
	}
	check(t, s.RemoveGroupMember(ctx, g.ID, u2.ID))
	mustNotFound(t, "RemoveGroupMember twice", s.RemoveGroupMember(ctx, g.ID, u2.ID))
	all, total, err := s.ListGroups(ctx, store.ListOptions{Query: "anal"})
	if err != nil || total != 1 || len(all) != 1 {
		t.Errorf("ListGroups = %v, %d, %v", all, total, err)
	}
	check(t, s.DeleteUser(ctx, u1.ID))
	if members := must(s.ListGroupMembers(ctx, g.ID)); len(members) != 0 {
		t.Errorf("deleting a user must remove the membership, got %v", members)
	}
	check(t, s.DeleteGroup(ctx, g.ID))
	_, err = s.GetGroup(ctx, g.ID)
	mustNotFound(t, "GetGroup after delete", err)
	mustNotFound(t, "DeleteGroup twice", s.DeleteGroup(ctx, g.ID))
}

func newApp(t *testing.T, s store.Store, name string) store.App {
	t.Helper()
	a := store.App{Name: name, Description: "d", ACSURL: "https://sp.example/acs", Audience: "https://sp.example",
		SessionDuration: time.Hour, SubjectValue: "${user:subject}", SubjectFormat: "persistent"}
	return must(s.CreateApp(t.Context(), a, testKey("k1")))
}

func testKey(cert string) store.SigningKey {
	return store.SigningKey{CertificatePEM: cert, PrivateKey: []byte("sealed:" + cert),
		NotAfter: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func testApps(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := newApp(t, s, "Amplitude")
	got := must(s.GetApp(ctx, a.ID))
	if diff := cmp.Diff(a, got, cmpopts.IgnoreFields(store.App{}, "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("GetApp (-want +got):\n%s", diff)
	}
	if got := must(s.GetAppByName(ctx, "amplitude")); got.ID != a.ID {
		t.Errorf("GetAppByName = %q", got.ID)
	}
	_, err := s.CreateApp(ctx, store.App{Name: "AMPLITUDE", SubjectValue: "x", SubjectFormat: "persistent"}, testKey("k"))
	mustConflict(t, "duplicate app name", err)
	keys := must(s.ListSigningKeys(ctx, a.ID))
	if len(keys) != 1 || !keys[0].Active || string(keys[0].PrivateKey) != "sealed:k1" {
		t.Errorf("CreateApp must store one active key, got %+v", keys)
	}
	upd := must(s.UpdateApp(ctx, a.ID, func(a *store.App) error { a.RelayState = "/home"; a.SessionDuration = 8 * time.Hour; return nil }))
	if got := must(s.GetApp(ctx, a.ID)); got.RelayState != "/home" || got.SessionDuration != 8*time.Hour || upd.RelayState != "/home" {
		t.Errorf("UpdateApp did not persist: %+v", got)
	}
	apps, total, err := s.ListApps(ctx, store.ListOptions{Query: "ampl"})
	if err != nil || total != 1 || len(apps) != 1 {
		t.Errorf("ListApps = %v %d %v", apps, total, err)
	}
	check(t, s.DeleteApp(ctx, a.ID))
	_, err = s.GetApp(ctx, a.ID)
	mustNotFound(t, "GetApp after delete", err)
	if keys := must(s.ListSigningKeys(ctx, a.ID)); len(keys) != 0 {
		t.Errorf("DeleteApp left keys behind: %v", keys)
	}
	mustNotFound(t, "DeleteApp twice", s.DeleteApp(ctx, a.ID))
}

func testDraftApps(t *testing.T, s store.Store) {
	ctx := t.Context()
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var drafts []store.App
	for range 2 { // drafts have no name yet, and may coexist
		drafts = append(drafts, must(s.CreateApp(ctx, store.App{Status: store.AppDraft, SubjectValue: "${user:subject}",
			SubjectFormat: "persistent", CreatedAt: old}, testKey("d"))))
	}
	active := newApp(t, s, "Active")
	if apps, total, _ := s.ListApps(ctx, store.ListOptions{}); total != 1 || apps[0].ID != active.ID {
		t.Errorf("ListApps shows drafts: %v", apps)
	}
	u := must(s.CreateUser(ctx, store.User{Username: "u"}))
	check(t, s.Assign(ctx, store.Assignment{AppID: drafts[0].ID, PrincipalKind: store.PrincipalUser, PrincipalID: u.ID}))
	if must(s.IsAssigned(ctx, drafts[0].ID, u.ID)) || len(must(s.AppsForUser(ctx, u.ID))) != 0 {
		t.Error("a draft app must not be usable")
	}
	must(s.UpdateApp(ctx, drafts[1].ID, func(a *store.App) error { a.Name, a.Status = "Submitted", store.AppActive; return nil }))
	if n := must(s.PruneDraftApps(ctx, old.Add(time.Hour))); n != 1 {
		t.Errorf("PruneDraftApps removed %d, want 1", n)
	}
	if _, err := s.GetApp(ctx, drafts[1].ID); err != nil {
		t.Errorf("the submitted app was pruned: %v", err)
	}
}

func testAttributeMappings(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := newApp(t, s, "App")
	want := []store.AttributeMapping{
		{Name: "email", Value: "${user:email}", Format: "basic"},
		{Name: "groups", Value: "${user:groups}", Format: "unspecified"},
	}
	check(t, s.SetAttributeMappings(ctx, a.ID, "${user:email}", "emailAddress", want))
	if diff := cmp.Diff(want, must(s.ListAttributeMappings(ctx, a.ID))); diff != "" {
		t.Errorf("ListAttributeMappings (-want +got):\n%s", diff)
	}
	if got := must(s.GetApp(ctx, a.ID)); got.SubjectValue != "${user:email}" || got.SubjectFormat != "emailAddress" {
		t.Errorf("subject mapping not saved: %+v", got)
	}
	// Replacing is whole: fewer rows afterwards.
	check(t, s.SetAttributeMappings(ctx, a.ID, "${user:subject}", "persistent", want[1:]))
	if got := must(s.ListAttributeMappings(ctx, a.ID)); len(got) != 1 || got[0].Name != "groups" {
		t.Errorf("after replace: %v", got)
	}
	mustNotFound(t, "SetAttributeMappings unknown app", s.SetAttributeMappings(ctx, "app_missing", "x", "persistent", nil))
}

func testAssignments(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := newApp(t, s, "App")
	other := newApp(t, s, "Other")
	direct := must(s.CreateUser(ctx, store.User{Username: "direct"}))
	viaGroup := must(s.CreateUser(ctx, store.User{Username: "viagroup"}))
	nobody := must(s.CreateUser(ctx, store.User{Username: "nobody"}))
	g := must(s.CreateGroup(ctx, store.Group{Name: "g"}))
	check(t, s.AddGroupMember(ctx, g.ID, viaGroup.ID))
	for range 2 {
		check(t, s.Assign(ctx, store.Assignment{AppID: a.ID, PrincipalKind: store.PrincipalUser, PrincipalID: direct.ID}))
	}
	check(t, s.Assign(ctx, store.Assignment{AppID: a.ID, PrincipalKind: store.PrincipalGroup, PrincipalID: g.ID}))
	mustNotFound(t, "Assign unknown user", s.Assign(ctx, store.Assignment{AppID: a.ID, PrincipalKind: store.PrincipalUser, PrincipalID: "usr_x"}))
	mustNotFound(t, "Assign unknown app", s.Assign(ctx, store.Assignment{AppID: "app_x", PrincipalKind: store.PrincipalUser, PrincipalID: direct.ID}))
	if got := must(s.ListAssignments(ctx, a.ID)); len(got) != 2 {
		t.Errorf("ListAssignments = %v, want 2", got)
	} else if got[0].PrincipalName != "g" || got[1].PrincipalName != "direct" {
		t.Errorf("ListAssignments names = %q, %q, want the group's and the user's", got[0].PrincipalName, got[1].PrincipalName)
	}
	for _, tt := range []struct {
		user store.User
		app  store.App
		want bool
	}{{direct, a, true}, {viaGroup, a, true}, {nobody, a, false}, {direct, other, false}} {
		if got := must(s.IsAssigned(ctx, tt.app.ID, tt.user.ID)); got != tt.want {
			t.Errorf("IsAssigned(%s, %s) = %v, want %v", tt.app.Name, tt.user.Username, got, tt.want)
		}
	}
	if apps := must(s.AppsForUser(ctx, viaGroup.ID)); len(apps) != 1 || apps[0].ID != a.ID {
		t.Errorf("AppsForUser(viagroup) = %v", apps)
	}
	if apps := must(s.AppsForUser(ctx, nobody.ID)); len(apps) != 0 {
		t.Errorf("AppsForUser(nobody) = %v", apps)
	}
	check(t, s.DeleteGroup(ctx, g.ID))
	if must(s.IsAssigned(ctx, a.ID, viaGroup.ID)) {
		t.Error("deleting the group must remove its assignment")
	}
	check(t, s.Unassign(ctx, a.ID, store.PrincipalUser, direct.ID))
	mustNotFound(t, "Unassign twice", s.Unassign(ctx, a.ID, store.PrincipalUser, direct.ID))
}

func testSigningKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := newApp(t, s, "App")
	first := must(s.ActiveSigningKey(ctx, a.ID))
	second := must(s.AddSigningKey(ctx, store.SigningKey{AppID: a.ID, CertificatePEM: "k2", PrivateKey: []byte("p2")}))
	if second.Active {
		t.Error("a new inactive key came back active")
	}
	_, err := s.AddSigningKey(ctx, store.SigningKey{AppID: a.ID, CertificatePEM: "k3"})
	mustConflict(t, "third key", err)
	_, err = s.AddSigningKey(ctx, store.SigningKey{AppID: "app_missing", CertificatePEM: "k"})
	mustNotFound(t, "key for unknown app", err)
	mustConflict(t, "delete active key", s.DeleteSigningKey(ctx, a.ID, first.ID))
	check(t, s.ActivateSigningKey(ctx, a.ID, second.ID))
	if got := must(s.ActiveSigningKey(ctx, a.ID)); got.ID != second.ID {
		t.Errorf("active key = %s, want %s", got.ID, second.ID)
	}
	active := 0
	for _, k := range must(s.ListSigningKeys(ctx, a.ID)) {
		if k.Active {
			active++
		}
	}
	if active != 1 {
		t.Errorf("%d active keys, want exactly 1", active)
	}
	check(t, s.DeleteSigningKey(ctx, a.ID, first.ID))
	mustNotFound(t, "activate deleted key", s.ActivateSigningKey(ctx, a.ID, first.ID))
	other := newApp(t, s, "Other")
	mustNotFound(t, "activate another app's key", s.ActivateSigningKey(ctx, other.ID, second.ID))
}

func testOrgs(t *testing.T, s store.Store) {
	ctx := t.Context()
	admin := &store.Member{Email: "admin@acme.example", Role: "admin", PasswordHash: "h"}
	o := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, admin))
	if admin.ID == "" || admin.OrgID != o.ID {
		t.Errorf("CreateOrg did not fill the admin: %+v", admin)
	}
	if got := must(s.GetOrgBySlug(ctx, "acme")); got.ID != o.ID || got.Plan != "growth" {
		t.Errorf("GetOrgBySlug = %+v", got)
	}
	// A failing admin insert rolls the org back.
	dup := &store.Member{Email: "x@y", Role: "admin"}
	_, err := s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Again", Plan: "starter"}, dup)
	mustConflict(t, "duplicate slug", err)
	upd := must(s.UpdateOrg(ctx, o.ID, func(o *store.Org) error { o.Plan = "enterprise"; return nil }))
	if upd.Plan != "enterprise" || must(s.GetOrg(ctx, o.ID)).Plan != "enterprise" {
		t.Errorf("UpdateOrg did not persist")
	}
	_, err = s.GetOrg(ctx, "org_missing")
	mustNotFound(t, "GetOrg missing", err)
	orgs, total, err := s.ListOrgs(ctx, store.ListOptions{})
	if err != nil || total != 1 || len(orgs) != 1 {
		t.Errorf("ListOrgs = %v %d %v", orgs, total, err)
	}
	// External IDs: optional (many orgs without one), unique when set.
	must(s.CreateOrg(ctx, store.Org{Slug: "plain", Name: "Plain", Plan: "starter"}, nil))
	ext := must(s.CreateOrg(ctx, store.Org{Slug: "ext", Name: "Ext", Plan: "growth", ExternalID: "cust_42"}, nil))
	if got := must(s.GetOrgByExternalID(ctx, "cust_42")); got.ID != ext.ID || got.ExternalID != "cust_42" {
		t.Errorf("GetOrgByExternalID = %+v", got)
	}
	_, err = s.CreateOrg(ctx, store.Org{Slug: "ext2", Name: "Ext2", Plan: "growth", ExternalID: "cust_42"}, nil)
	mustConflict(t, "duplicate external ID", err)
	_, err = s.GetOrgByExternalID(ctx, "")
	mustNotFound(t, "GetOrgByExternalID empty", err)
	page := must(s.ListOrgsAfter(ctx, "", 2))
	if len(page) != 2 || page[0].Slug != "acme" || page[1].Slug != "ext" {
		t.Errorf("ListOrgsAfter first page = %+v", page)
	}
	if page = must(s.ListOrgsAfter(ctx, "ext", 2)); len(page) != 1 || page[0].Slug != "plain" {
		t.Errorf("ListOrgsAfter second page = %+v", page)
	}
	check(t, s.DeleteOrg(ctx, ext.ID))
	mustNotFound(t, "DeleteOrg twice", s.DeleteOrg(ctx, ext.ID))
	_, err = s.GetOrg(ctx, ext.ID)
	mustNotFound(t, "deleted org", err)
}

func testMembers(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "starter"}, nil))
	m := must(s.CreateMember(ctx, store.Member{OrgID: acme.ID, Email: "Pat@Example.com", Role: "member"}))
	_, err := s.CreateMember(ctx, store.Member{OrgID: acme.ID, Email: "pat@example.com", Role: "viewer"})
	mustConflict(t, "same email twice in one org", err)
	must(s.CreateMember(ctx, store.Member{OrgID: beta.ID, Email: "pat@example.com", Role: "viewer"}))
	_, err = s.CreateMember(ctx, store.Member{OrgID: "org_missing", Email: "a@b", Role: "viewer"})
	mustNotFound(t, "member of unknown org", err)
	if got := must(s.GetMemberByEmail(ctx, acme.ID, "PAT@example.COM")); got.ID != m.ID {
		t.Errorf("GetMemberByEmail = %+v", got)
	}
	if got := must(s.MembershipsByEmail(ctx, "pat@example.com")); len(got) != 2 {
		t.Errorf("MembershipsByEmail = %v, want 2", got)
	}
	upd := must(s.UpdateMember(ctx, m.ID, func(m *store.Member) error { m.Role = "admin"; m.OrgID = beta.ID; return nil }))
	if upd.Role != "admin" || upd.OrgID != acme.ID {
		t.Errorf("UpdateMember = %+v: role must change, org must not", upd)
	}
	list, total, err := s.ListMembers(ctx, acme.ID, store.ListOptions{})
	if err != nil || total != 1 || len(list) != 1 {
		t.Errorf("ListMembers = %v %d %v", list, total, err)
	}
	must(s.CreateMember(ctx, store.Member{OrgID: acme.ID, Email: "second-admin@example.com", Role: "admin"})) // m may go: acme keeps an admin
	check(t, s.DeleteMember(ctx, m.ID))
	_, err = s.GetMember(ctx, m.ID)
	mustNotFound(t, "GetMember after delete", err)
	mustNotFound(t, "DeleteMember twice", s.DeleteMember(ctx, m.ID))
}

func testSSOConnections(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	_, err := s.GetSSOConnection(ctx, o.ID, "")
	mustNotFound(t, "GetSSOConnection before set", err)
	c := must(s.PutSSOConnection(ctx, store.SSOConnection{OrgID: o.ID, Name: "AWS", Provider: "aws", MetadataXML: "<md/>",
		IdPEntityID: "https://idp", CertificatesPEM: "PEM", AllowIdPInitiated: true, JITRole: "member"}))
	if c.ID == "" || !c.Primary {
		t.Fatalf("first connection = %+v, want an ID and primary", c)
	}
	c.Provider, c.JITRole, c.Primary = "okta", "", false
	must(s.PutSSOConnection(ctx, c))
	got := must(s.GetSSOConnection(ctx, o.ID, ""))
	if got.ID != c.ID || got.Provider != "okta" || got.JITRole != "" || !got.AllowIdPInitiated || got.MetadataXML != "<md/>" || !got.Primary {
		t.Errorf("PutSSOConnection replace: %+v (primary must stay)", got)
	}
	verified := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	must(s.UpdateSSOConnection(ctx, o.ID, c.ID, func(c *store.SSOConnection) error {
		c.RequireSSO, c.VerifiedAt, c.DomainsOnly, c.JITDomainsOnly = true, verified, true, true
		c.Primary, c.OrgID = false, "org_other"
		return nil
	}))
	if got := must(s.GetSSOConnection(ctx, o.ID, c.ID)); !got.RequireSSO || !got.VerifiedAt.Equal(verified) || !got.DomainsOnly || !got.JITDomainsOnly || !got.Primary {
		t.Errorf("UpdateSSOConnection did not persist, or changed what it may not: %+v", got)
	}

	// A second connection: not primary; the same IdP or name twice conflicts.
	second := must(s.PutSSOConnection(ctx, store.SSOConnection{OrgID: o.ID, Name: "Contractors", Provider: "entra",
		MetadataXML: "<md2/>", IdPEntityID: "https://sts.windows.net/x/"}))
	if second.Primary || second.ID == c.ID {
		t.Errorf("second connection = %+v", second)
	}
	_, err = s.PutSSOConnection(ctx, store.SSOConnection{OrgID: o.ID, Name: "Again", IdPEntityID: "https://idp"})
	mustConflict(t, "same IdP twice in an org", err)
	_, err = s.PutSSOConnection(ctx, store.SSOConnection{OrgID: o.ID, Name: "contractors", IdPEntityID: "https://third"})
	mustConflict(t, "same name twice in an org", err)
	if list := must(s.ListSSOConnections(ctx, o.ID)); len(list) != 2 || list[0].ID != c.ID || list[1].ID != second.ID {
		t.Errorf("ListSSOConnections = %+v, want primary first", list)
	}
	// Primary moves with Require SSO; deleting the primary promotes the
	// other, which takes Require SSO along.
	check(t, s.SetPrimarySSOConnection(ctx, o.ID, second.ID))
	if p := must(s.GetSSOConnection(ctx, o.ID, "")); p.ID != second.ID || !p.RequireSSO {
		t.Errorf("after SetPrimary: primary = %+v", p)
	}
	if old := must(s.GetSSOConnection(ctx, o.ID, c.ID)); old.Primary || old.RequireSSO {
		t.Errorf("old primary = %+v", old)
	}
	mustNotFound(t, "SetPrimary of another org's connection", s.SetPrimarySSOConnection(ctx, o.ID, "conn_missing"))
	check(t, s.DeleteSSOConnection(ctx, o.ID, second.ID))
	if p := must(s.GetSSOConnection(ctx, o.ID, "")); p.ID != c.ID || !p.RequireSSO {
		t.Errorf("after deleting the primary: primary = %+v", p)
	}

	// Connections from a metadata URL are listed for refresh, oldest first.
	b := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))
	cc := must(s.CreateOrg(ctx, store.Org{Slug: "gamma", Name: "Gamma", Plan: "growth"}, nil))
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	bc := must(s.PutSSOConnection(ctx, store.SSOConnection{OrgID: b.ID, Name: "Entra", Provider: "entra", MetadataXML: "<md/>", MetadataURL: "https://idp.example/md", RefreshedAt: t0.Add(time.Hour)}))
	gc := must(s.PutSSOConnection(ctx, store.SSOConnection{OrgID: cc.ID, Name: "Okta", Provider: "okta", MetadataXML: "<md/>", MetadataURL: "https://okta.example/md", RefreshedAt: t0}))
	if ids := must(s.SSOConnectionsToRefresh(ctx, t0.Add(2*time.Hour), 10)); !cmp.Equal(ids, []store.ConnectionRef{{OrgID: cc.ID, ID: gc.ID}, {OrgID: b.ID, ID: bc.ID}}) {
		t.Errorf("to refresh = %v, want gamma then beta (acme has no URL)", ids)
	}
	if ids := must(s.SSOConnectionsToRefresh(ctx, t0.Add(time.Minute), 10)); len(ids) != 1 || ids[0].ID != gc.ID {
		t.Errorf("to refresh before beta's time = %v, want gamma only", ids)
	}
	must(s.UpdateSSOConnection(ctx, cc.ID, gc.ID, func(c *store.SSOConnection) error {
		c.RefreshedAt, c.RefreshError = t0.Add(3*time.Hour), "HTTP 500"
		return nil
	}))
	if got := must(s.GetSSOConnection(ctx, cc.ID, "")); got.MetadataURL != "https://okta.example/md" || got.RefreshError != "HTTP 500" || !got.RefreshedAt.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("refresh fields = %q %q %s", got.MetadataURL, got.RefreshError, got.RefreshedAt)
	}
	_, err = s.GetSSOConnection(ctx, b.ID, gc.ID)
	mustNotFound(t, "another org's connection by ID", err)
	_, err = s.UpdateSSOConnection(ctx, b.ID, gc.ID, func(*store.SSOConnection) error { return nil })
	mustNotFound(t, "update another org's connection", err)
	mustNotFound(t, "delete another org's connection", s.DeleteSSOConnection(ctx, b.ID, gc.ID))
	_, err = s.PutSSOConnection(ctx, store.SSOConnection{OrgID: "org_missing", Name: "X", Provider: "other"})
	mustNotFound(t, "connection for unknown org", err)
	check(t, s.DeleteSSOConnection(ctx, o.ID, c.ID))
	mustNotFound(t, "DeleteSSOConnection twice", s.DeleteSSOConnection(ctx, o.ID, c.ID))
	if list := must(s.ListSSOConnections(ctx, o.ID)); len(list) != 0 {
		t.Errorf("connections left: %+v", list)
	}
}

func testSignInAttempts(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := must(s.CreateOrg(ctx, store.Org{Slug: "a", Name: "A", Plan: "growth"}, nil))
	other := must(s.CreateOrg(ctx, store.Org{Slug: "b", Name: "B", Plan: "growth"}, nil))
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	check(t, s.AppendSignInAttempt(ctx, store.SignInAttempt{OrgID: o.ID, At: base, OK: false, Code: "email_placeholder",
		Email: "", Flow: "idp-initiated", Message: "m", Hint: "h", Assertion: `{"issuer":"x"}`}))
	check(t, s.AppendSignInAttempt(ctx, store.SignInAttempt{OrgID: o.ID, At: base.Add(time.Second), OK: true, Email: "pat@x.example", Flow: "sp-initiated"}))
	check(t, s.AppendSignInAttempt(ctx, store.SignInAttempt{OrgID: other.ID, At: base, OK: true}))
	list, total, err := s.ListSignInAttempts(ctx, o.ID, store.ListOptions{})
	if err != nil || total != 2 || !list[0].OK || list[1].Code != "email_placeholder" || list[1].Assertion != `{"issuer":"x"}` {
		t.Errorf("ListSignInAttempts = %+v, %d, %v; want the org's two, newest first", list, total, err)
	}
	if _, total, _ := s.ListSignInAttempts(ctx, o.ID, store.ListOptions{Query: "placeholder"}); total != 1 {
		t.Errorf("search by code found %d", total)
	}

	// Unverified attempts are listed apart and pruned sooner; the fields
	// of this release round-trip.
	check(t, s.AppendSignInAttempt(ctx, store.SignInAttempt{OrgID: o.ID, At: base.Add(2 * time.Second), Code: "signature_invalid", Unverified: true}))
	check(t, s.AppendSignInAttempt(ctx, store.SignInAttempt{OrgID: o.ID, At: base.Add(3 * time.Second), OK: true, Test: true, Certificate: "AA:BB"}))
	if u := must(s.RecentSignInAttempts(ctx, o.ID, true, 10)); len(u) != 1 || !u[0].Unverified || u[0].Code != "signature_invalid" {
		t.Errorf("RecentSignInAttempts(unverified) = %+v", u)
	}
	if v := must(s.RecentSignInAttempts(ctx, o.ID, false, 2)); len(v) != 2 || !v[0].Test || v[0].Certificate != "AA:BB" || !v[1].OK {
		t.Errorf("RecentSignInAttempts(verified, 2) = %+v, want the newest two, newest first", v)
	}
	if n := must(s.PruneSignInAttempts(ctx, base.Add(time.Second), base.Add(time.Hour))); n != 3 {
		t.Errorf("PruneSignInAttempts removed %d, want 3 (the two oldest, of both orgs, and the unverified one)", n)
	}
	if _, total, _ := s.ListSignInAttempts(ctx, o.ID, store.ListOptions{}); total != 2 {
		t.Errorf("after pruning the org has %d attempts, want 2", total)
	}
}

func testInvites(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := must(s.CreateOrg(ctx, store.Org{Slug: "a", Name: "A", Plan: "growth"}, nil))
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	check(t, s.CreateInvite(ctx, store.Invite{ID: "h1", OrgID: o.ID, Email: "new@x.example", Role: "member", ExpiresAt: now.Add(time.Hour)}))
	check(t, s.CreateInvite(ctx, store.Invite{ID: "h2", OrgID: o.ID, Email: "old@x.example", Role: "member", ExpiresAt: now.Add(-time.Hour)}))
	if list := must(s.ListInvites(ctx, o.ID, now)); len(list) != 1 {
		t.Errorf("ListInvites = %v, want the unexpired one", list)
	}
	if inv := must(s.GetInvite(ctx, "h1", now)); inv.Email != "new@x.example" {
		t.Errorf("GetInvite = %+v", inv)
	}
	_, err := s.ConsumeInvite(ctx, "h2", now)
	mustNotFound(t, "expired invite", err)
	if inv := must(s.ConsumeInvite(ctx, "h1", now)); inv.Role != "member" {
		t.Errorf("ConsumeInvite = %+v", inv)
	}
	_, err = s.ConsumeInvite(ctx, "h1", now)
	mustNotFound(t, "invite used twice", err)

	// An SSO sign-in accepts the newest unexpired invite of its email,
	// case-insensitively, and closes the others; a revoked one is gone.
	check(t, s.CreateInvite(ctx, store.Invite{ID: "p1", OrgID: o.ID, Email: "pat@x.example", Role: "viewer", CreatedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}))
	check(t, s.CreateInvite(ctx, store.Invite{ID: "p2", OrgID: o.ID, Email: "pat@x.example", Role: "manager", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	_, _, err = s.JoinByInvite(ctx, o.ID, "old@x.example", now)
	mustNotFound(t, "join by an expired invite", err)
	m, inv, err := s.JoinByInvite(ctx, o.ID, "PAT@x.example", now)
	check(t, err)
	if m.Role != "manager" || inv.ID != "p2" || m.Email != "pat@x.example" {
		t.Errorf("JoinByInvite = %+v, %+v; want the newest invite's role", m, inv)
	}
	if _, err := s.GetInvite(ctx, "p1", now); err == nil {
		t.Error("the older invite of the same email stayed open after the person joined")
	}
	_, _, err = s.JoinByInvite(ctx, o.ID, "pat@x.example", now)
	mustNotFound(t, "join twice", err)

	check(t, s.CreateInvite(ctx, store.Invite{ID: "r1", OrgID: o.ID, Email: "rev@x.example", Role: "member", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	other := must(s.CreateOrg(ctx, store.Org{Slug: "inv-other", Name: "Other", Plan: "growth"}, nil))
	mustNotFound(t, "revoke another org's invite", s.DeleteInvite(ctx, other.ID, "r1"))
	check(t, s.DeleteInvite(ctx, o.ID, "r1"))
	_, _, err = s.JoinByInvite(ctx, o.ID, "rev@x.example", now)
	mustNotFound(t, "join by a revoked invite", err)

	// A member created another way (JIT, the CLI) closes their invite.
	check(t, s.CreateInvite(ctx, store.Invite{ID: "j1", OrgID: o.ID, Email: "jit@x.example", Role: "member", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	must(s.CreateMember(ctx, store.Member{OrgID: o.ID, Email: "jit@x.example", Role: "viewer"}))
	if _, err := s.GetInvite(ctx, "j1", now); err == nil {
		t.Error("creating the member left their invite open")
	}
}

func testLastAdmin(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := must(s.CreateOrg(ctx, store.Org{Slug: "la", Name: "LA", Plan: "growth"}, &store.Member{Email: "a@x.example", Role: "admin"}))
	b := must(s.CreateMember(ctx, store.Member{OrgID: o.ID, Email: "b@x.example", Role: "admin"}))
	a := must(s.GetMemberByEmail(ctx, o.ID, "a@x.example"))
	// The two admins demote each other at once: exactly one may succeed.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []string{a.ID, b.ID} {
		wg.Go(func() {
			_, errs[i] = s.UpdateMember(ctx, id, func(m *store.Member) error { m.Role = "member"; return nil })
		})
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(errors.Join(errs...), store.ErrLastAdmin) {
		t.Fatalf("concurrent demotions = %v, %v; want one success and one ErrLastAdmin", errs[0], errs[1])
	}
	admins := 0
	members, _, err := s.ListMembers(ctx, o.ID, store.ListOptions{})
	check(t, err)
	var last store.Member
	for _, m := range members {
		if m.Role == "admin" {
			admins, last = admins+1, m
		}
	}
	if admins != 1 {
		t.Fatalf("%d admins left, want 1", admins)
	}
	if err := s.DeleteMember(ctx, last.ID); !errors.Is(err, store.ErrLastAdmin) {
		t.Errorf("deleting the last admin = %v, want ErrLastAdmin", err)
	}
	if _, err := s.GetMember(ctx, last.ID); err != nil {
		t.Errorf("the last admin is gone after a refused delete: %v", err)
	}
	// An org created without an admin can lose its members.
	bare := must(s.CreateOrg(ctx, store.Org{Slug: "bare", Name: "Bare", Plan: "growth"}, nil))
	m := must(s.CreateMember(ctx, store.Member{OrgID: bare.ID, Email: "m@x.example", Role: "member"}))
	check(t, s.DeleteMember(ctx, m.ID))
}

func testSPKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := must(s.CreateOrg(ctx, store.Org{Slug: "k", Name: "K", Plan: "growth"}, nil))
	_, err := s.GetSPKey(ctx, o.ID)
	mustNotFound(t, "SP key before the first use", err)
	// Twenty first uses at once: one key wins and all of them see it.
	got := make([]store.SPKey, 20)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			k, err := s.AddSPKeyIfAbsent(ctx, store.SPKey{OrgID: o.ID, CertificatePEM: fmt.Sprintf("cert-%d", i), PrivateKey: fmt.Appendf(nil, "key-%d", i)})
			if err != nil {
				t.Error(err)
			}
			got[i] = k
		})
	}
	wg.Wait()
	for _, k := range got {
		if k.CertificatePEM != got[0].CertificatePEM || !bytes.Equal(k.PrivateKey, got[0].PrivateKey) || k.CreatedAt.IsZero() {
			t.Fatalf("concurrent first uses disagree: %+v vs %+v", k, got[0])
		}
	}
	if k := must(s.GetSPKey(ctx, o.ID)); !cmp.Equal(k, got[0]) {
		t.Errorf("GetSPKey = %+v, want %+v", k, got[0])
	}
	if _, err := s.AddSPKeyIfAbsent(ctx, store.SPKey{OrgID: "org_missing", CertificatePEM: "c", PrivateKey: []byte("k")}); err == nil {
		t.Error("a key for an org that does not exist was stored")
	}
}

func testAuthnRequests(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := must(s.CreateOrg(ctx, store.Org{Slug: "a", Name: "A", Plan: "growth"}, nil))
	b := must(s.CreateOrg(ctx, store.Org{Slug: "b", Name: "B", Plan: "growth"}, nil))
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	check(t, s.SaveAuthnRequest(ctx, store.AuthnRequest{ID: "id-1", OrgID: a.ID, ExpiresAt: now.Add(5 * time.Minute)}))
	check(t, s.SaveAuthnRequest(ctx, store.AuthnRequest{ID: "id-test", OrgID: a.ID, ExpiresAt: now.Add(5 * time.Minute), Purpose: store.PurposeTest}))
	check(t, s.SaveAuthnRequest(ctx, store.AuthnRequest{ID: "id-old", OrgID: a.ID, ExpiresAt: now.Add(-time.Second)}))
	mustConflict(t, "duplicate request ID", s.SaveAuthnRequest(ctx, store.AuthnRequest{ID: "id-1", OrgID: b.ID, ExpiresAt: now.Add(time.Minute)}))
	for _, tt := range []struct {
		name, org, id string
		want          bool
	}{
		{"other org", b.ID, "id-1", false},
		{"expired", a.ID, "id-old", false},
		{"unknown", a.ID, "id-2", false},
		{"right org", a.ID, "id-1", true},
		{"consumed already", a.ID, "id-1", false},
	} {
		r, got, err := s.ConsumeAuthnRequest(ctx, tt.org, tt.id, now)
		check(t, err)
		if got != tt.want || got && (r.ID != tt.id || r.OrgID != tt.org || r.Purpose != "") {
			t.Errorf("ConsumeAuthnRequest %s = %+v, %v; want %v", tt.name, r, got, tt.want)
		}
	}
	if r, ok, err := s.ConsumeAuthnRequest(ctx, a.ID, "id-test", now); err != nil || !ok || r.Purpose != store.PurposeTest {
		t.Errorf("ConsumeAuthnRequest of a test request = %+v, %v, %v; want its purpose", r, ok, err)
	}
	if n := must(s.PruneSAMLState(ctx, now)); n != 1 {
		t.Errorf("PruneSAMLState removed %d, want 1 (the expired request)", n)
	}
}

func testReplayCache(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if !must(s.RecordAssertion(ctx, "_a1", now.Add(time.Minute))) {
		t.Fatal("first RecordAssertion returned false")
	}
	if must(s.RecordAssertion(ctx, "_a1", now.Add(time.Hour))) {
		t.Error("second RecordAssertion of the same ID returned true")
	}
	must(s.RecordAssertion(ctx, "_a2", now.Add(-time.Minute)))
	if n := must(s.PruneSAMLState(ctx, now)); n != 1 {
		t.Errorf("PruneSAMLState removed %d, want 1", n)
	}
	if must(s.RecordAssertion(ctx, "_a1", now.Add(time.Minute))) {
		t.Error("pruning removed an unexpired entry")
	}
}

// testSignInRecordReplay: a sign-in's record is its replay check's write.
// Of concurrent records with one assertion ID exactly one succeeds; the
// others fail with ErrReplayed and write nothing.
func testSignInRecordReplay(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	o := must(s.CreateOrg(ctx, store.Org{Slug: "replay", Name: "Replay", Plan: "growth"}, &store.Member{Email: "pat@replay.example", Role: "member"}))
	pat := must(s.GetMemberByEmail(ctx, o.ID, "pat@replay.example"))
	record := func(sessionID, assertionID string) error {
		sess := store.Session{ID: sessionID, Realm: store.RealmWorkspace, UserID: pat.ID, OrgID: o.ID, Method: "sso", ExpiresAt: now.Add(time.Hour)}
		return s.RecordSignIn(ctx, store.SignInRecord{Session: &sess,
			Assertion: &store.AssertionUse{ID: assertionID, ExpiresAt: now.Add(5 * time.Minute)},
			Attempt:   &store.SignInAttempt{OrgID: o.ID, At: now, OK: true, Email: pat.Email, Flow: "idp-initiated"},
			Audit:     []store.AuditEvent{{At: now, Realm: store.RealmWorkspace, OrgID: o.ID, Actor: pat.Email, Action: "signin"}}})
	}
	if must(s.LookUpSignIn(ctx, "_once", "", "")).Seen {
		t.Fatal("LookUpSignIn: an unused ID was seen")
	}
	const tries = 8
	errs := make([]error, tries)
	var wg sync.WaitGroup
	for i := range tries {
		wg.Go(func() { errs[i] = record(fmt.Sprintf("replay-%d", i), "_once") })
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, store.ErrReplayed):
			if _, err := s.GetSession(ctx, fmt.Sprintf("replay-%d", i), now); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a record refused as replayed left its session (GetSession: %v)", err)
			}
		default:
			t.Errorf("record %d: %v, want success or ErrReplayed", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d concurrent records with one assertion ID succeeded, want exactly 1", won, tries)
	}
	if _, n, _ := s.ListSignInAttempts(ctx, o.ID, store.ListOptions{}); n != 1 {
		t.Errorf("%d attempts, want 1: a refused record writes nothing", n)
	}
	if _, n, _ := s.ListAudit(ctx, store.RealmWorkspace, o.ID, store.ListOptions{Query: "signin"}); n != 1 {
		t.Errorf("%d audit entries, want 1", n)
	}
	if !must(s.LookUpSignIn(ctx, "_once", "", "")).Seen {
		t.Error("LookUpSignIn: the recorded ID was not seen")
	}
	if must(s.RecordAssertion(ctx, "_once", now.Add(time.Hour))) {
		t.Error("RecordAssertion accepted an ID a sign-in had recorded")
	}
	// The other way round: an ID recorded by RecordAssertion refuses a record.
	must(s.RecordAssertion(ctx, "_first", now.Add(time.Hour)))
	if err := record("replay-late", "_first"); !errors.Is(err, store.ErrReplayed) {
		t.Errorf("record of an ID already recorded: %v, want ErrReplayed", err)
	}
	// Another conflict is not a replay, and the record's assertion ID is
	// not kept either (all or none).
	won = slices.IndexFunc(errs, func(err error) bool { return err == nil })
	err := record(fmt.Sprintf("replay-%d", won), "_fresh") // the winner's session ID again
	if errors.Is(err, store.ErrReplayed) {
		t.Errorf("a duplicate session ID was reported as a replay: %v", err)
	}
	mustConflict(t, "a duplicate session ID", err)
	if must(s.LookUpSignIn(ctx, "_fresh", "", "")).Seen {
		t.Error("a refused record kept its assertion ID")
	}
}

func testSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ss := store.Session{ID: "h1", Realm: store.RealmWorkspace, UserID: "mbr_1", OrgID: "org_1", Method: "sso",
		Detail: "https://idp", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	check(t, s.CreateSession(ctx, ss))
	mustConflict(t, "duplicate session ID", s.CreateSession(ctx, ss))
	got := must(s.GetSession(ctx, "h1", now))
	ss.LastSeenAt = ss.CreatedAt // a new session was last seen when it began
	if diff := cmp.Diff(ss, got); diff != "" {
		t.Errorf("GetSession (-want +got):\n%s", diff)
	}
	check(t, s.TouchSession(ctx, "h1", now.Add(30*time.Minute)))
	check(t, s.TouchSession(ctx, "h1", now.Add(10*time.Minute))) // never moves back
	if got := must(s.GetSession(ctx, "h1", now)); !got.LastSeenAt.Equal(now.Add(30 * time.Minute)) {
		t.Errorf("LastSeenAt = %v, want the latest touch", got.LastSeenAt)
	}
	_, err := s.GetSession(ctx, "h1", now.Add(2*time.Hour))
	mustNotFound(t, "expired session", err)
	check(t, s.CreateSession(ctx, store.Session{ID: "h2", Realm: store.RealmWorkspace, UserID: "mbr_1", ExpiresAt: now.Add(time.Hour)}))
	check(t, s.DeleteUserSessions(ctx, store.RealmWorkspace, "mbr_1"))
	_, err = s.GetSession(ctx, "h2", now)
	mustNotFound(t, "session after DeleteUserSessions", err)
	check(t, s.CreateSession(ctx, store.Session{ID: "h3", Realm: store.RealmAdmin, UserID: "u", ExpiresAt: now.Add(-time.Second)}))
	if n := must(s.PruneSessions(ctx, now)); n != 1 {
		t.Errorf("PruneSessions removed %d, want 1", n)
	}
	check(t, s.DeleteSession(ctx, "nope"))
}

// testOrgSessions: what ends or records a Workspace org's sessions.
func testOrgSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	// Require SSO ends the password sessions of the org's non-admins only.
	o := must(s.CreateOrg(ctx, store.Org{Slug: "rs", Name: "RS", Plan: "growth"}, &store.Member{Email: "admin@rs.example", Role: "admin"}))
	admin := must(s.GetMemberByEmail(ctx, o.ID, "admin@rs.example"))
	pat := must(s.CreateMember(ctx, store.Member{OrgID: o.ID, Email: "pat@rs.example", Role: "member"}))
	for id, sess := range map[string]store.Session{
		"pw-pat":   {UserID: pat.ID, Method: "password"},
		"sso-pat":  {UserID: pat.ID, Method: "sso"},
		"pw-admin": {UserID: admin.ID, Method: "password"},
	} {
		sess.ID, sess.Realm, sess.OrgID, sess.ExpiresAt = id, store.RealmWorkspace, o.ID, now.Add(time.Hour)
		check(t, s.CreateSession(ctx, sess))
	}
	// A sign-in's session, attempt and audit entry: all or none.
	sess := store.Session{ID: "rec-1", Realm: store.RealmWorkspace, UserID: pat.ID, OrgID: o.ID, Method: "sso", ExpiresAt: now.Add(time.Hour)}
	rec := store.SignInRecord{Session: &sess, Attempt: &store.SignInAttempt{OrgID: o.ID, At: now, OK: true, Email: "pat@rs.example"},
		Audit: []store.AuditEvent{{At: now, Realm: store.RealmWorkspace, OrgID: o.ID, Actor: "pat@rs.example", Action: "signin"}}}
	check(t, s.RecordSignIn(ctx, rec))
	mustConflict(t, "the same sign-in recorded twice", s.RecordSignIn(ctx, rec)) // the session ID repeats
	if _, n, _ := s.ListSignInAttempts(ctx, o.ID, store.ListOptions{}); n != 1 {
		t.Errorf("%d attempts after a failed RecordSignIn, want 1: it must write nothing", n)
	}
	if _, n, _ := s.ListAudit(ctx, store.RealmWorkspace, o.ID, store.ListOptions{Query: "signin"}); n != 1 {
		t.Errorf("%d audit entries after a failed RecordSignIn, want 1", n)
	}
	if n := must(s.EndPasswordSessions(ctx, o.ID)); n != 1 {
		t.Errorf("EndPasswordSessions ended %d sessions, want 1 (pat's password session)", n)
	}
	for id, alive := range map[string]bool{"pw-pat": false, "sso-pat": true, "pw-admin": true} {
		if _, err := s.GetSession(ctx, id, now); (err == nil) != alive {
			t.Errorf("session %s alive = %v, want %v", id, err == nil, alive)
		}
	}
}

// testRateLimits: per key and window, concurrent hits all counted.
func testRateLimits(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := s.HitRateLimit(context.Background(), "k", time.Minute, now); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := must(s.HitRateLimit(ctx, "k", time.Minute, now.Add(time.Second))); n != 11 {
		t.Errorf("the 11th hit in a window counts %d", n)
	}
	if n := must(s.HitRateLimit(ctx, "k", time.Minute, now.Add(time.Minute))); n != 1 {
		t.Errorf("the first hit of the next window counts %d", n)
	}
	if n := must(s.HitRateLimit(ctx, "other", time.Minute, now)); n != 1 {
		t.Errorf("another key counts %d", n)
	}
	if n := must(s.PruneRateLimits(ctx, now.Add(time.Minute))); n != 1 {
		t.Errorf("PruneRateLimits removed %d, want 1 (the older window)", n)
	}
}

func testAudit(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for i, a := range []string{"user.create", "app.create", "app.delete"} {
		check(t, s.AppendAudit(ctx, store.AuditEvent{At: base.Add(time.Duration(i) * time.Second), Realm: store.RealmAdmin,
			Actor: "root", Action: a, Target: "t", Detail: "d"}))
	}
	check(t, s.AppendAudit(ctx, store.AuditEvent{At: base, Realm: store.RealmWorkspace, OrgID: "org_1", Actor: "a@b", Action: "sso.update"}))
	ev, total, err := s.ListAudit(ctx, store.RealmAdmin, "", store.ListOptions{})
	if err != nil || total != 3 || ev[0].Action != "app.delete" || ev[2].Action != "user.create" {
		t.Errorf("ListAudit = %v %d %v; want newest first", ev, total, err)
	}
	ev, total, _ = s.ListAudit(ctx, store.RealmAdmin, "", store.ListOptions{Query: "APP."})
	if total != 2 || len(ev) != 2 {
		t.Errorf("ListAudit search = %d", total)
	}
	ev, total, _ = s.ListAudit(ctx, store.RealmWorkspace, "org_1", store.ListOptions{})
	if total != 1 || ev[0].OrgID != "org_1" {
		t.Errorf("ListAudit by org = %v", ev)
	}
}

// testTransactions checks all-or-nothing behaviour of the multi-row writes.
func testTransactions(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := newApp(t, s, "App")
	good := []store.AttributeMapping{{Name: "email", Value: "${user:email}", Format: "basic"}}
	check(t, s.SetAttributeMappings(ctx, a.ID, "${user:email}", "emailAddress", good))
	// Two rows at the same position cannot happen, so force a failure with a
	// name the database refuses: a NUL byte is rejected by PostgreSQL, and
	// for SQLite the app must not exist. Use an unknown app instead, which
	// fails on the first statement, and a duplicate app name for CreateApp.
	if err := s.SetAttributeMappings(ctx, "app_missing", "x", "persistent", good); err == nil {
		t.Fatal("SetAttributeMappings on a missing app succeeded")
	}
	// CreateApp with a conflicting name must not leave a key behind.
	_, err := s.CreateApp(ctx, store.App{Name: "app", SubjectValue: "x", SubjectFormat: "persistent"}, testKey("orphan"))
	mustConflict(t, "CreateApp duplicate", err)
	// CreateOrg whose admin insert fails must not leave the org behind.
	_, err = s.CreateOrg(ctx, store.Org{Slug: "tx", Name: "Tx", Plan: "growth"}, &store.Member{Email: "a@b", Role: "admin", OrgID: "ignored", ID: "dup"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateOrg(ctx, store.Org{Slug: "tx2", Name: "Tx2", Plan: "growth"}, &store.Member{ID: "dup", Email: "c@d", Role: "admin"})
	mustConflict(t, "CreateOrg with duplicate member ID", err)
	_, err = s.GetOrgBySlug(ctx, "tx2")
	mustNotFound(t, "org of a rolled-back CreateOrg", err)
	// UpdateUser whose write fails leaves the row as it was.
	u := must(s.CreateUser(ctx, store.User{Username: "one", Email: "one@x"}))
	must(s.CreateUser(ctx, store.User{Username: "two"}))
	_, err = s.UpdateUser(ctx, u.ID, func(u *store.User) error { u.Email = "changed@x"; u.Username = "two"; return nil })
	mustConflict(t, "UpdateUser onto taken username", err)
	if got := must(s.GetUser(ctx, u.ID)); got.Email != "one@x" {
		t.Errorf("failed update changed the row: %+v", got)
	}
}

// testConcurrentReplay: 50 goroutines record the same assertion ID; exactly
// one must win. This is what stops a replayed assertion across replicas.
func testConcurrentReplay(t *testing.T, s store.Store) {
	ctx := t.Context()
	var wins, errs atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 50 {
		wg.Go(func() {
			<-start
			ok, err := s.RecordAssertion(ctx, "_same-assertion", time.Now().Add(time.Hour))
			if err != nil {
				errs.Add(1)
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if wins.Load() != 1 || errs.Load() != 0 {
		t.Errorf("50 concurrent inserts of one ID: %d succeeded, %d failed; want exactly 1 success and no errors", wins.Load(), errs.Load())
	}
}

func testConcurrentConsume(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := must(s.CreateOrg(ctx, store.Org{Slug: "c", Name: "C", Plan: "growth"}, nil))
	now := time.Now()
	check(t, s.SaveAuthnRequest(ctx, store.AuthnRequest{ID: "id-race", OrgID: o.ID, ExpiresAt: now.Add(time.Hour)}))
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, ok, err := s.ConsumeAuthnRequest(context.Background(), o.ID, "id-race", now)
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("20 concurrent consumptions: %d succeeded, want 1", wins.Load())
	}
}

// testConcurrentUpdates: read-modify-write through UpdateOrg must not lose
// updates under contention.
func testConcurrentUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := must(s.CreateOrg(ctx, store.Org{Slug: "n", Name: "", Plan: "growth"}, nil))
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_, err := s.UpdateOrg(ctx, o.ID, func(o *store.Org) error { o.Name += "x"; return nil })
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := must(s.GetOrg(ctx, o.ID)).Name; got != "xxxxxxxxxx" {
		t.Errorf("after 10 concurrent appends, name = %q (%d), want 10 x's", got, len(got))
	}
}

func testSchemaVersion(t *testing.T, s store.Store) {
	applied, latest, err := s.SchemaVersion(t.Context())
	if err != nil || applied != latest || latest < 1 {
		t.Errorf("SchemaVersion = %d, %d, %v; want applied == latest >= 1", applied, latest, err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}
