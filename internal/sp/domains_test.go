// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/dnstest"
	"github.com/signet-sso/signet/internal/saml"
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
		{"github.io", ""},
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

// TestDomainsOnTheSettingsPage is an org admin's path: add a domain, copy
// the record the page shows, publish it, choose Verify; bad input is
// refused with a message and stores nothing; another org's admin cannot
// touch the claim.
func TestDomainsOnTheSettingsPage(t *testing.T) {
	w := newWorld(t)
	dns := dnstest.Start(t)
	w.svc.Resolver = sp.NewResolver(dns.Addr)
	admin := w.admin(w.acme)
	const settings = "/orgs/acme/settings/sso"

	for _, bad := range []struct{ in, want string }{
		{"com", "public suffix"},
		{"pat@acme.example", "not an email address"},
		{"<script>x</script>.example", "not a URL"},
		{"acme_<b>.example", "is not a domain name"},
		{"", "Enter a domain"},
	} {
		r := admin.Do("POST", settings+"/domains", url.Values{"domain": {bad.in}})
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, bad.want) || strings.Contains(r.Body, "<script>x") {
			t.Errorf("add %q = %d, want 400 saying %q\n%s", bad.in, r.Status, bad.want, excerpt(r.Body))
		}
	}
	if list, _ := w.st.ListDomains(t.Context(), w.acme.ID); len(list) != 0 {
		t.Fatalf("refused input was stored: %+v", list)
	}

	r := admin.Do("POST", settings+"/domains", url.Values{"domain": {"Acme.Example"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add = %d\n%s", r.Status, excerpt(r.Body))
	}
	page := admin.Do("GET", r.Location, nil)
	if !strings.Contains(page.Body, "Domain acme.example added") || !strings.Contains(page.Body, "Pending") {
		t.Fatalf("after adding:\n%s", excerpt(page.Body))
	}
	name := inputValue(t, page.Body, "txt-name-acme.example")
	value := inputValue(t, page.Body, "txt-value-acme.example")

	r = admin.Do("POST", settings+"/domains/acme.example/verify", nil)
	if page := admin.Do("GET", r.Location, nil); !strings.Contains(page.Body, "not verified yet") || !strings.Contains(page.Body, "no TXT record at "+name) {
		t.Errorf("verify before publishing:\n%s", excerpt(page.Body))
	}
	dns.SetTXT(name, value)
	r = admin.Do("POST", settings+"/domains/acme.example/verify", nil)
	if page := admin.Do("GET", r.Location, nil); !strings.Contains(page.Body, "Domain acme.example is verified") || !strings.Contains(page.Body, "badge ok\">Verified") {
		t.Errorf("verify after publishing:\n%s", excerpt(page.Body))
	}

	beta := w.admin(w.beta)
	for _, path := range []string{settings + "/domains/acme.example/delete", settings + "/domains/acme.example/verify"} {
		if r := beta.Do("POST", path, nil); r.Status != http.StatusSeeOther || strings.Contains(r.Location, "done=") {
			t.Errorf("beta's admin POST %s = %d %s", path, r.Status, r.Location)
		}
	}
	if r := beta.Do("POST", "/orgs/beta/settings/sso/domains/acme.example/delete", nil); r.Status != http.StatusNotFound {
		t.Errorf("beta removes a domain it never added = %d", r.Status)
	}
	if r := admin.Do("POST", settings+"/domains/acme.example/delete", nil); r.Status != http.StatusSeeOther {
		t.Errorf("remove = %d", r.Status)
	}
	if list, _ := w.st.ListDomains(t.Context(), w.acme.ID); len(list) != 0 {
		t.Errorf("after remove: %+v", list)
	}
}

// inputValue returns the value of the input with this id.
func inputValue(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no input %q on the page", id)
	}
	return html.UnescapeString(m[1])
}

// TestDomainsOnlyOptions: with "Only people at verified domains" an email
// at another domain is refused (email_outside_domains) even for a member;
// with JIT limited to verified domains, only people there are
// provisioned. Neither option can lock everyone out before a domain is
// verified.
func TestDomainsOnlyOptions(t *testing.T) {
	w := newWorld(t)
	dns := dnstest.Start(t)
	w.svc.Resolver = sp.NewResolver(dns.Addr)
	w.connect(w.acme)
	admin := w.admin(w.acme)
	options := "/orgs/acme/settings/sso/options"
	signIn := func(email string) response {
		return w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) {
			p.NameID, p.Attributes[0].Values = email, []string{email}
		}), "")
	}

	if r := admin.Do("POST", options, url.Values{"allow_idp_initiated": {"1"}, "domains_only": {"1"}}); r.Status != http.StatusConflict ||
		!strings.Contains(r.Body, "needs a verified domain first") {
		t.Fatalf("domains only without a verified domain = %d\n%s", r.Status, excerpt(r.Body))
	}
	claim, err := w.svc.Domains().Add(t.Context(), w.acme, "admin", "corp.example")
	if err != nil {
		t.Fatal(err)
	}
	dns.SetTXT(sp.RecordFor(claim).Name, sp.RecordFor(claim).Value)
	if _, err := w.svc.Domains().Verify(t.Context(), w.acme, "admin", "corp.example"); err != nil {
		t.Fatal(err)
	}
	w.member(w.acme, "pat@corp.example", "member")
	w.member(w.acme, "pat@gmail.example", "member")

	if r := admin.Do("POST", options, url.Values{"allow_idp_initiated": {"1"}, "domains_only": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("domains only = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := signIn("pat@corp.example"); r.Status != http.StatusSeeOther {
		t.Errorf("a member at the verified domain = %d\n%s", r.Status, excerpt(r.Body))
	}
	r := signIn("pat@gmail.example")
	if r.Status != http.StatusForbidden && r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "email_outside_domains") {
		t.Errorf("a member at another domain = %d\n%s", r.Status, excerpt(r.Body))
	}
	if a := w.lastAttempt(w.acme); a.Code != "email_outside_domains" || !strings.Contains(a.Message, "gmail.example is not one of them") {
		t.Errorf("attempt = %+v", a)
	}

	// JIT limited to verified domains, sign-ins from any domain.
	if r := admin.Do("POST", options, url.Values{"allow_idp_initiated": {"1"}, "jit_role": {"viewer"}, "jit_domains_only": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("JIT domains only = %d", r.Status)
	}
	if r := signIn("pat@gmail.example"); r.Status != http.StatusSeeOther {
		t.Errorf("an existing member at another domain, domains only off = %d", r.Status)
	}
	if r := signIn("new@corp.example"); r.Status != http.StatusSeeOther {
		t.Errorf("JIT at the verified domain = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := signIn("new@elsewhere.example"); !strings.Contains(r.Body, "email_outside_domains") {
		t.Errorf("JIT at another domain = %d\n%s", r.Status, excerpt(r.Body))
	}
	if _, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "new@elsewhere.example"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a person outside the verified domains was provisioned: %v", err)
	}
	if m, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "new@corp.example"); err != nil || m.Role != "viewer" {
		t.Errorf("JIT member = %+v, %v", m, err)
	}
}
