// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/signet-sso/signet/internal/store"
)

func testDomains(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Millisecond)
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))

	must(s.AddDomain(ctx, store.Domain{OrgID: acme.ID, Domain: "acme.example", Token: "tok-a", CreatedAt: now}))
	_, err := s.AddDomain(ctx, store.Domain{OrgID: acme.ID, Domain: "acme.example", Token: "tok-a2", CreatedAt: now})
	mustConflict(t, "the same org claims a domain twice", err)
	// Another org may claim it; only one may hold it verified.
	must(s.AddDomain(ctx, store.Domain{OrgID: beta.ID, Domain: "acme.example", Token: "tok-b", CreatedAt: now}))
	_, err = s.VerifiedDomain(ctx, "acme.example")
	mustNotFound(t, "an unverified domain", err)

	d := must(s.RecordDomainCheck(ctx, acme.ID, "acme.example", store.DomainCheck{At: now, Found: true}))
	if !d.Verified() || !d.VerifiedAt.Equal(now) || !d.CheckedAt.Equal(now) {
		t.Errorf("after a found check: %+v", d)
	}
	later := now.Add(time.Hour)
	if d := must(s.RecordDomainCheck(ctx, acme.ID, "acme.example", store.DomainCheck{At: later, Found: true})); !d.VerifiedAt.Equal(now) {
		t.Errorf("a second found check moved the verification time: %+v", d)
	}
	if got := must(s.VerifiedDomain(ctx, "acme.example")); got.OrgID != acme.ID {
		t.Errorf("VerifiedDomain = %+v, want acme's", got)
	}
	_, err = s.RecordDomainCheck(ctx, beta.ID, "acme.example", store.DomainCheck{At: later, Found: true})
	mustConflict(t, "a second org verifies a verified domain", err)
	if got := must(s.GetDomain(ctx, beta.ID, "acme.example")); got.Verified() {
		t.Error("the refused verification was stored")
	}

	// A timeout says nothing about the record: the verification stays.
	d = must(s.RecordDomainCheck(ctx, acme.ID, "acme.example", store.DomainCheck{At: later, Error: "timeout", Keep: true}))
	if !d.Verified() || d.CheckError != "timeout" {
		t.Errorf("after an inconclusive check: %+v", d)
	}
	// The record is gone: the verification goes, and beta may verify.
	d = must(s.RecordDomainCheck(ctx, acme.ID, "acme.example", store.DomainCheck{At: later, Error: "no record"}))
	if d.Verified() || d.CheckError != "no record" {
		t.Errorf("after the record went: %+v", d)
	}
	must(s.RecordDomainCheck(ctx, beta.ID, "acme.example", store.DomainCheck{At: later, Found: true}))
	if got := must(s.VerifiedDomain(ctx, "acme.example")); got.OrgID != beta.ID {
		t.Errorf("VerifiedDomain = %+v, want beta's", got)
	}

	must(s.AddDomain(ctx, store.Domain{OrgID: acme.ID, Domain: "acme.test", Token: "tok-c", CreatedAt: now}))
	if list := must(s.ListDomains(ctx, acme.ID)); len(list) != 2 || list[0].Domain != "acme.example" || list[1].Domain != "acme.test" {
		t.Errorf("ListDomains = %+v", list)
	}
	due := must(s.DomainsToCheck(ctx, later, 10))
	if len(due) != 1 || due[0].Domain != "acme.test" {
		t.Errorf("DomainsToCheck = %+v, want only the never-checked acme.test", due)
	}
	mustNotFound(t, "delete another org's claim", s.DeleteDomain(ctx, beta.ID, "acme.test"))
	check(t, s.DeleteDomain(ctx, acme.ID, "acme.test"))
	_, err = s.GetDomain(ctx, acme.ID, "acme.test")
	mustNotFound(t, "a deleted domain", err)

	check(t, s.DeleteOrg(ctx, beta.ID))
	_, err = s.VerifiedDomain(ctx, "acme.example")
	mustNotFound(t, "a deleted org's verified domain", err)
}

func testRoleMappings(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	if m := must(s.GetRoleMapping(ctx, acme.ID)); len(m.Rules) != 0 || m.Attribute != "" {
		t.Errorf("a mapping never saved = %+v", m)
	}
	rules := []store.RoleRule{{Value: "0b3c-guid", Label: "Admins", Role: "admin"}, {Value: "staff", Role: "member"}}
	must(s.UpdateRoleMapping(ctx, acme.ID, func(m *store.RoleMapping) error {
		m.Attribute, m.DefaultRole, m.Rules = "groups", "viewer", rules
		return nil
	}))
	m := must(s.GetRoleMapping(ctx, acme.ID))
	if m.Attribute != "groups" || m.DefaultRole != "viewer" || !cmp.Equal(m.Rules, rules) || m.UpdatedAt.IsZero() {
		t.Errorf("saved mapping = %+v", m)
	}
	_, err := s.UpdateRoleMapping(ctx, acme.ID, func(m *store.RoleMapping) error {
		m.Rules = nil
		return errors.New("refused")
	})
	if err == nil {
		t.Error("UpdateRoleMapping ignored fn's error")
	}
	if m := must(s.GetRoleMapping(ctx, acme.ID)); len(m.Rules) != 2 {
		t.Error("a refused update was written")
	}
	check(t, s.DeleteOrg(ctx, acme.ID))
	if m := must(s.GetRoleMapping(ctx, acme.ID)); len(m.Rules) != 0 {
		t.Error("a deleted org's mapping remains")
	}
}

// testSignInSetup checks the ACS's one read against the lookups it
// replaces, and that it never mixes in another org's connections or
// mapping.
func testSignInSetup(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetSignInSetup(ctx, "nobody")
	mustNotFound(t, "GetSignInSetup of an unknown slug", err)

	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth", ExternalID: "ext-acme"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "plus"}, nil))
	empty := must(s.GetSignInSetup(ctx, "acme"))
	if !cmp.Equal(empty.Org, must(s.GetOrgBySlug(ctx, "acme"))) || len(empty.Connections) != 0 ||
		!cmp.Equal(empty.RoleMapping, must(s.GetRoleMapping(ctx, acme.ID))) {
		t.Errorf("setup of an org without connections = %+v", empty)
	}

	verified := time.Now().UTC().Truncate(time.Millisecond)
	first := must(s.PutSSOConnection(ctx, store.SSOConnection{OrgID: acme.ID, Name: "Zeta IdP", Provider: "okta", MetadataXML: "<md1/>",
		IdPEntityID: "https://idp-1", CertificatesPEM: "PEM1", AllowIdPInitiated: true, JITRole: "member", MetadataURL: "https://idp-1/md"}))
	must(s.PutSSOConnection(ctx, store.SSOConnection{OrgID: acme.ID, Name: "Alpha IdP", Provider: "entra", MetadataXML: "<md2/>",
		IdPEntityID: "https://idp-2", HostAppClientID: "client", HostAppRedirectURI: "https://app/cb"}))
	must(s.UpdateSSOConnection(ctx, acme.ID, first.ID, func(c *store.SSOConnection) error {
		c.VerifiedAt, c.RequireSSO, c.DomainsOnly, c.JITDomainsOnly, c.AllowLegacyCrypto = verified, true, true, true, true
		return nil
	}))
	must(s.PutSSOConnection(ctx, store.SSOConnection{OrgID: beta.ID, Name: "Beta IdP", MetadataXML: "<beta/>", IdPEntityID: "https://idp-1"}))
	must(s.UpdateRoleMapping(ctx, beta.ID, func(m *store.RoleMapping) error {
		m.Attribute, m.DefaultRole, m.Rules = "beta-groups", "viewer", []store.RoleRule{{Value: "beta", Role: "admin"}}
		return nil
	}))

	compare := func(when string) {
		t.Helper()
		for _, o := range []store.Org{acme, beta} {
			got := must(s.GetSignInSetup(ctx, o.Slug))
			want := store.SignInSetup{Org: must(s.GetOrgBySlug(ctx, o.Slug)), Connections: must(s.ListSSOConnections(ctx, o.ID)),
				RoleMapping: must(s.GetRoleMapping(ctx, o.ID)), Version: got.Version} // testSetupVersion checks it
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: GetSignInSetup(%s) differs from its lookups (-want +got):\n%s", when, o.Slug, diff)
			}
		}
	}
	compare("without a mapping for acme")
	must(s.UpdateRoleMapping(ctx, acme.ID, func(m *store.RoleMapping) error {
		m.Attribute, m.DefaultRole, m.Rules = "groups", "member", []store.RoleRule{{Value: "admins", Label: "Admins", Role: "admin"}}
		return nil
	}))
	compare("with a mapping for each")
	if got := must(s.GetSignInSetup(ctx, "acme")); len(got.Connections) != 2 || got.Connections[0].ID != first.ID {
		t.Errorf("acme's setup connections = %+v, want its two, primary first", got.Connections)
	}
}

// testLookUpSignIn checks the one-statement replay check and member
// lookup against RecordAssertion and GetMemberByEmail, across orgs.
func testLookUpSignIn(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))
	pat := must(s.CreateMember(ctx, store.Member{OrgID: acme.ID, Email: "Pat@Corp.example", Role: "admin", CreatedAt: time.Now()}))
	must(s.CreateMember(ctx, store.Member{OrgID: beta.ID, Email: "sam@corp.example", Role: "member", CreatedAt: time.Now()}))
	if ok := must(s.RecordAssertion(ctx, "_used", time.Now().Add(time.Hour))); !ok {
		t.Fatal("RecordAssertion of a new ID = false")
	}
	cases := []struct {
		assertion, org, email string
		seen, found           bool
	}{
		{"_used", acme.ID, "pat@corp.example", true, true},
		{"_fresh", acme.ID, "PAT@corp.EXAMPLE", false, true},
		{"_fresh", acme.ID, "sam@corp.example", false, false}, // beta's member, not acme's
		{"_fresh", beta.ID, "pat@corp.example", false, false},
		{"_used", acme.ID, "", true, false}, // no email: the replay check alone
		{"_fresh", acme.ID, "", false, false},
	}
	for _, c := range cases {
		got, err := s.LookUpSignIn(ctx, c.assertion, c.org, c.email)
		if err != nil {
			t.Fatalf("LookUpSignIn(%s, %s, %q) = %v", c.assertion, c.org, c.email, err)
		}
		if got.Seen != c.seen || got.Found != c.found {
			t.Errorf("LookUpSignIn(%s, %s, %q) = seen %v found %v, want %v %v", c.assertion, c.org, c.email, got.Seen, got.Found, c.seen, c.found)
		}
		if c.found && !cmp.Equal(got.Member, must(s.GetMemberByEmail(ctx, c.org, c.email))) {
			t.Errorf("LookUpSignIn's member %+v differs from GetMemberByEmail's", got.Member)
		}
		if c.found && got.Member.ID != pat.ID {
			t.Errorf("LookUpSignIn found %+v, want pat", got.Member)
		}
	}
}

// testSetupVersion checks that every change to what GetSignInSetup reads
// gives the org's setup a new version, that LookUpSignIn reads the same
// version, and that other writes, and another org's changes, leave it.
func testSetupVersion(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))
	conn := func(org, name string) store.SSOConnection {
		return store.SSOConnection{OrgID: org, Name: name, MetadataXML: "<md/>", IdPEntityID: "https://" + name, CertificatesPEM: "PEM"}
	}
	first := must(s.PutSSOConnection(ctx, conn(acme.ID, "one")))
	betaConn := must(s.PutSSOConnection(ctx, conn(beta.ID, "beta")))
	version := func(o store.Org) int64 {
		t.Helper()
		v := must(s.GetSignInSetup(ctx, o.Slug)).Version
		if l := must(s.LookUpSignIn(ctx, "_any", o.ID, "")); l.SetupVersion != v {
			t.Errorf("LookUpSignIn's setup version of %s = %d, GetSignInSetup's %d", o.Slug, l.SetupVersion, v)
		}
		return v
	}
	var second store.SSOConnection
	changes := []struct {
		name       string
		acme, beta bool // whose setup it changes
		do         func()
	}{
		{"add a connection", true, false, func() { second = must(s.PutSSOConnection(ctx, conn(acme.ID, "two"))) }},
		{"edit a connection", true, false, func() {
			must(s.UpdateSSOConnection(ctx, acme.ID, first.ID, func(c *store.SSOConnection) error { c.CertificatesPEM = "PEM2"; return nil }))
		}},
		{"mark it verified", true, false, func() {
			must(s.UpdateSSOConnection(ctx, acme.ID, first.ID, func(c *store.SSOConnection) error { c.VerifiedAt = time.Now(); return nil }))
		}},
		{"make another primary", true, false, func() { check(t, s.SetPrimarySSOConnection(ctx, acme.ID, second.ID)) }},
		{"save a role mapping", true, false, func() {
			must(s.UpdateRoleMapping(ctx, acme.ID, func(m *store.RoleMapping) error { m.Attribute, m.DefaultRole = "groups", "member"; return nil }))
		}},
		{"change the role mapping", true, false, func() {
			must(s.UpdateRoleMapping(ctx, acme.ID, func(m *store.RoleMapping) error { m.DefaultRole = "viewer"; return nil }))
		}},
		{"rename the org", true, false, func() {
			must(s.UpdateOrg(ctx, acme.ID, func(o *store.Org) error { o.Name = "Acme Corp"; return nil }))
		}},
		{"change the plan", true, false, func() {
			must(s.UpdateOrg(ctx, acme.ID, func(o *store.Org) error { o.Plan = "starter"; return nil }))
		}},
		{"delete a connection", true, false, func() { check(t, s.DeleteSSOConnection(ctx, acme.ID, second.ID)) }},
		{"add a member", false, false, func() {
			must(s.CreateMember(ctx, store.Member{OrgID: acme.ID, Email: "pat@corp.example", Role: "member", CreatedAt: time.Now()}))
		}},
		{"record an assertion", false, false, func() { must(s.RecordAssertion(ctx, "_a1", time.Now().Add(time.Hour))) }},
		{"change another org's connection", false, true, func() {
			must(s.UpdateSSOConnection(ctx, beta.ID, betaConn.ID, func(c *store.SSOConnection) error { c.CertificatesPEM = "B2"; return nil }))
		}},
		{"change another org's mapping", false, true, func() {
			must(s.UpdateRoleMapping(ctx, beta.ID, func(m *store.RoleMapping) error { m.DefaultRole = "admin"; return nil }))
		}},
	}
	for _, c := range changes {
		acmeBefore, betaBefore := version(acme), version(beta)
		c.do()
		for _, o := range []struct {
			org          store.Org
			before       int64
			wantsChanged bool
		}{{acme, acmeBefore, c.acme}, {beta, betaBefore, c.beta}} {
			if after := version(o.org); (after != o.before) != o.wantsChanged {
				t.Errorf("%s: %s's setup version %d → %d, want changed = %v", c.name, o.org.Slug, o.before, after, o.wantsChanged)
			}
		}
	}
	if l := must(s.LookUpSignIn(ctx, "_any", "org_gone", "")); l.SetupVersion != -1 {
		t.Errorf("LookUpSignIn of an unknown org: setup version %d, want -1", l.SetupVersion)
	}
}

func testEndSSOSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Now()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))
	sso := func(id, org, idp, nameID, index string) {
		check(t, s.CreateSession(ctx, store.Session{ID: id, Realm: store.RealmWorkspace, UserID: "mbr_" + id, OrgID: org,
			Method: "sso", Detail: idp, NameID: nameID, SessionIndex: index, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	}
	sso("s1", acme.ID, "https://idp", "pat", "_i1")
	sso("s2", acme.ID, "https://idp", "pat", "_i2")
	sso("s3", acme.ID, "https://idp", "sam", "_i1")
	sso("s4", beta.ID, "https://idp", "pat", "_i1")   // another org
	sso("s5", acme.ID, "https://other", "pat", "_i1") // another IdP
	check(t, s.CreateSession(ctx, store.Session{ID: "s6", Realm: store.RealmWorkspace, UserID: "mbr_s6", OrgID: acme.ID,
		Method: "password", NameID: "pat", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	if got := must(s.GetSession(ctx, "s1", now)); got.NameID != "pat" || got.SessionIndex != "_i1" {
		t.Errorf("session = %+v", got)
	}
	if n := must(s.EndSSOSessions(ctx, acme.ID, "https://idp", "pat", []string{"_i1"})); n != 1 {
		t.Errorf("ended %d sessions, want 1", n)
	}
	alive := func(id string) bool { _, err := s.GetSession(ctx, id, now); return err == nil }
	for id, want := range map[string]bool{"s1": false, "s2": true, "s3": true, "s4": true, "s5": true, "s6": true} {
		if alive(id) != want {
			t.Errorf("session %s alive = %v, want %v", id, !want, want)
		}
	}
	if n := must(s.EndSSOSessions(ctx, acme.ID, "https://idp", "pat", nil)); n != 1 || alive("s2") || !alive("s3") {
		t.Errorf("without session indexes: ended %d", n)
	}
}

func testSSOParticipants(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Now()
	var apps []store.App
	for _, name := range []string{"Alpha", "Beta"} {
		apps = append(apps, must(s.CreateApp(ctx, store.App{Name: name, ACSURL: "https://sp.example/acs", Audience: "https://sp.example/" + name}, testKey("k-"+name))))
	}
	for _, a := range apps {
		check(t, s.AddSSOParticipant(ctx, store.SSOParticipant{SessionID: "sess-1", AppID: a.ID, NameID: "pat", SessionIndex: "_i", ExpiresAt: now.Add(time.Hour)}))
	}
	check(t, s.AddSSOParticipant(ctx, store.SSOParticipant{SessionID: "sess-1", AppID: apps[0].ID, NameID: "pat2", SessionIndex: "_i", ExpiresAt: now.Add(time.Hour)}))
	check(t, s.AddSSOParticipant(ctx, store.SSOParticipant{SessionID: "sess-2", AppID: apps[0].ID, NameID: "sam", ExpiresAt: now.Add(-time.Minute)}))
	got := must(s.TakeSSOParticipants(ctx, "sess-1"))
	if len(got) != 2 || got[0].NameID == got[1].NameID && got[0].AppID == got[1].AppID {
		t.Errorf("TakeSSOParticipants = %+v", got)
	}
	for _, p := range got {
		if p.AppID == apps[0].ID && p.NameID != "pat2" {
			t.Errorf("the second sign-in to an app did not replace the first: %+v", p)
		}
	}
	if again := must(s.TakeSSOParticipants(ctx, "sess-1")); len(again) != 0 {
		t.Errorf("taken twice: %+v", again)
	}
	if n := must(s.PruneSSOParticipants(ctx, now)); n != 1 {
		t.Errorf("pruned %d, want the expired one", n)
	}
}
