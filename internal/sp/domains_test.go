// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/dnstest"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

func TestNormDomain(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want "": refused
	}{
		{"Example.COM", "example.com"},
		{" acme.example. ", "acme.example"},
		{"bücher.example", "xn--bcher-kva.example"},
		{"sub.acme.co.uk", "sub.acme.co.uk"},
		{"", ""},
		{"com", ""},
		{"co.uk", ""},
		{"localhost", ""},
		{"alice@acme.example", ""},
		{"https://acme.example", ""},
		{"acme.example/path", ""},
		{"192.0.2.1", ""},
		{"::1", ""},
		{"acme..example", ""},
		{"-acme.example", ""},
		{"acme_x.example", ""},
		{strings.Repeat("a", 250) + ".example", ""},
	} {
		got, err := sp.NormDomain(tt.in)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("NormDomain(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestDomainVerification looks the record up in a real DNS server:
// verification fails while the record is absent or wrong, succeeds once it
// is published, survives a failing server, and ends when the record goes.
// A second org cannot verify a domain the first holds.
func TestDomainVerification(t *testing.T) {
	w := newWorld(t)
	dns := dnstest.Start(t)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	w.svc.Resolver, w.svc.Now = sp.NewResolver(dns.Addr), func() time.Time { return now }
	ctx, d := t.Context(), w.svc.Domains()

	claim, err := d.Add(ctx, w.acme, "admin@acme.example", "Acme.Example")
	if err != nil {
		t.Fatal(err)
	}
	rec := sp.RecordFor(claim)
	if rec.Name != "_signet-challenge.acme.example" || !strings.HasPrefix(rec.Value, "signet-domain-verification=") {
		t.Fatalf("record = %+v", rec)
	}
	if _, err := d.Add(ctx, w.acme, "admin@acme.example", "acme.example"); err == nil {
		t.Error("the same domain was claimed twice")
	}

	verify := func(o store.Org, wantVerified bool, wantErr string) store.Domain {
		t.Helper()
		got, err := d.Verify(ctx, o, "admin", "acme.example")
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if got.Verified() != wantVerified || !strings.Contains(got.CheckError, wantErr) {
			t.Fatalf("Verify = verified %v, %q; want %v, %q", got.Verified(), got.CheckError, wantVerified, wantErr)
		}
		return got
	}
	verify(w.acme, false, "no TXT record at _signet-challenge.acme.example")
	dns.SetTXT(rec.Name, "v=spf1 -all", sp.DomainTokenPrefix+"someone-elses-token")
	verify(w.acme, false, "do not include")
	if _, err := d.OrgForEmail(ctx, "alice@acme.example"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unverified domain routed an email: %v", err)
	}

	dns.SetTXT(rec.Name, "v=spf1 -all", rec.Value)
	verify(w.acme, true, "")
	if o, err := d.OrgForEmail(ctx, "Alice@ACME.example"); err != nil || o.ID != w.acme.ID {
		t.Errorf("OrgForEmail = %v, %v; want acme", o.Slug, err)
	}
	if ok, err := d.Authoritative(ctx, w.acme, "alice@acme.example"); !ok || err != nil {
		t.Errorf("Authoritative(acme) = %v, %v", ok, err)
	}
	if ok, _ := d.Authoritative(ctx, w.beta, "alice@acme.example"); ok {
		t.Error("beta's IdP is authoritative for acme's domain")
	}

	// beta claims the domain and even publishes its own record: refused.
	betaClaim, err := d.Add(ctx, w.beta, "admin@beta.example", "acme.example")
	if err != nil {
		t.Fatal(err)
	}
	dns.SetTXT(rec.Name, rec.Value, sp.RecordFor(betaClaim).Value)
	if _, err := d.Verify(ctx, w.beta, "admin", "acme.example"); !errors.Is(err, sp.ErrDomainTaken) {
		t.Errorf("a second org verified a verified domain: %v", err)
	}
	if o, _ := d.OrgForEmail(ctx, "alice@acme.example"); o.ID != w.acme.ID {
		t.Errorf("after beta's attempt the domain routes to %q", o.Slug)
	}

	// A failing DNS server says nothing about the record: still verified.
	dns.Fail(rec.Name)
	verify(w.acme, true, "failed")

	// The record goes; the periodic re-check ends the verification.
	dns.Remove(rec.Name)
	now = now.Add(sp.DomainRecheckInterval + time.Minute)
	if n, err := d.RecheckDue(ctx); err != nil || n != 2 {
		t.Fatalf("RecheckDue = %d, %v; want both claims checked", n, err)
	}
	got, err := w.st.GetDomain(ctx, w.acme.ID, "acme.example")
	if err != nil || got.Verified() {
		t.Fatalf("after the record went: %+v, %v", got, err)
	}
	if _, err := d.OrgForEmail(ctx, "alice@acme.example"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a lost domain still routes: %v", err)
	}
	// With acme's record gone, beta's own record verifies it for beta.
	dns.SetTXT(rec.Name, sp.RecordFor(betaClaim).Value)
	if got, err := d.Verify(ctx, w.beta, "admin", "acme.example"); err != nil || !got.Verified() {
		t.Errorf("beta's verification after acme's record went: %+v, %v", got, err)
	}
	if n, _ := d.RecheckDue(ctx); n != 0 {
		t.Errorf("RecheckDue right after a re-check checked %d claims", n)
	}
	events, _, err := w.st.ListAudit(ctx, store.RealmWorkspace, w.acme.ID, store.ListOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "domain.unverify") || !strings.Contains(got, "domain.verify") || !strings.Contains(got, "domain.add") {
		t.Errorf("audit = %s", got)
	}
}
