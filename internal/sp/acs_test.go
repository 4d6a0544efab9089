// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/dnstest"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

func TestACSSignsInTheMemberOfThisOrgOnly(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.connect(w.beta)
	w.member(w.acme, "pat@corp.example", "member")
	c := w.client()
	resp := w.response(w.acme, nil)
	r := c.postACS(w.acme, resp, "")
	if r.Status != http.StatusSeeOther || r.Location != "/orgs/acme" {
		t.Fatalf("ACS = %d %q\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	home := c.Do("GET", "/orgs/acme", nil)
	if !strings.Contains(home.Body, "pat@corp.example") || !strings.Contains(home.Body, "single sign-on") {
		t.Errorf("org home must say who signed in and how:\n%s", excerpt(home.Body))
	}
	if a := w.lastAttempt(w.acme); !a.OK || a.Email != "pat@corp.example" || a.Flow != "idp-initiated" {
		t.Errorf("attempt = %+v", a)
	}
	// The same response again: replayed.
	if r := w.client().postACS(w.acme, resp, ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "replayed") {
		t.Errorf("replay = %d", r.Status)
	}
	// Posted to another org's ACS (which trusts the same IdP): refused, no session there.
	other := w.client()
	if r := other.postACS(w.beta, w.response(w.acme, nil), ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "destination_mismatch") {
		t.Errorf("cross-org = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := other.Do("GET", "/orgs/beta", nil); r.Status != http.StatusSeeOther {
		t.Error("a response for acme gave a session in beta")
	}
	// A session in acme is not a session in beta.
	if r := c.Do("GET", "/orgs/beta", nil); r.Status != http.StatusSeeOther {
		t.Error("acme's session opened beta")
	}
}

// TestSecurityCase68NoEmailLinkingAcrossOrgs: beta's IdP asserting an email
// that is a member of acme signs nobody into acme.
func TestSecurityCase68NoEmailLinkingAcrossOrgs(t *testing.T) {
	w := newWorld(t)
	w.connect(w.beta)
	w.member(w.acme, "victim@acme.example", "admin")
	c := w.client()
	r := c.postACS(w.beta, w.response(w.beta, func(p *saml.ResponseParams) {
		p.NameID = "victim@acme.example"
		p.Attributes = nil
	}), "")
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "user_not_member") {
		t.Errorf("status %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := c.Do("GET", "/orgs/acme", nil); r.Status != http.StatusSeeOther {
		t.Error("signed into acme through beta's IdP")
	}
}

func TestACSFailuresTeach(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	tests := []struct {
		name     string
		mutate   func(*saml.ResponseParams)
		wantCode saml.Code
		wantHint string
	}{
		{"placeholder text instead of the email", func(p *saml.ResponseParams) {
			p.NameID, p.NameIDFormat = "${user:email}", saml.NameIDEmail
			p.Attributes[0].Values = []string{"${user:email}"}
		}, signin.CodeEmailPlaceholder, "Subject = ${user:email}, format emailAddress"},
		{"AWS default: persistent NameID and no attributes", func(p *saml.ResponseParams) {
			p.NameID, p.NameIDFormat, p.Attributes = "4d8e9a2c-0000-1111-2222-333344445555", saml.NameIDPersistent, nil
		}, signin.CodeAttributeStatementNone, "add attribute email = ${user:email}, format basic"},
		{"no email at all", func(p *saml.ResponseParams) {
			p.NameID, p.NameIDFormat = "4d8e9a2c", saml.NameIDPersistent
			p.Attributes = []saml.Attribute{{Name: "email", Values: []string{""}}}
		}, signin.CodeEmailMissing, "Primary email"},
		{"wrong audience", func(p *saml.ResponseParams) { p.Audience = "https://other.example" }, saml.CodeAudienceMismatch, "Application SAML audience"},
		{"wrong ACS URL", func(p *saml.ResponseParams) { p.Destination = "https://other.example/acs" }, saml.CodeDestinationMismatch, "Application ACS URL"},
		{"clock skew", func(p *saml.ResponseParams) { p.Now = p.Now.Add(-30 * 60e9) }, saml.CodeExpired, "clocks"},
		{"not a member", func(p *saml.ResponseParams) {
			p.NameID = "stranger@corp.example"
			p.Attributes = nil
		}, signin.CodeUserNotMember, "invite"},
		{"wrong certificate", func(p *saml.ResponseParams) {}, saml.CodeCertificateUntrusted, "IAM Identity Center SAML metadata file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := w.response(w.acme, tt.mutate)
			if tt.wantCode == saml.CodeCertificateUntrusted {
				resp = w.response(w.acme, func(p *saml.ResponseParams) { p.Key = attackerKey(t) })
			}
			r := w.client().postACS(w.acme, resp, "")
			if r.Status < 400 || !strings.Contains(r.Body, string(tt.wantCode)) || strings.Contains(r.Body, "goroutine") {
				t.Fatalf("status %d, want the code %s on the page\n%s", r.Status, tt.wantCode, excerpt(r.Body))
			}
			a := w.lastAttempt(w.acme)
			if a.OK || a.Code != string(tt.wantCode) || !strings.Contains(a.Hint, tt.wantHint) {
				t.Errorf("attempt = code %s, hint %q; want %s with %q", a.Code, a.Hint, tt.wantCode, tt.wantHint)
			}
			page := w.admin(w.acme).Do("GET", "/orgs/acme/settings/sso", nil)
			if !strings.Contains(page.Body, string(tt.wantCode)) || !strings.Contains(page.Body, "Assertion") {
				t.Error("the admin's sign-in attempts log does not show the attempt")
			}
		})
	}
}

func TestRelayStateHandling(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	tests := []struct{ relay, want string }{
		{"/orgs/acme/settings", "/orgs/acme/settings"},
		{"https://evil.com", "/orgs/acme"},
		{"//evil.com", "/orgs/acme"},
		{"/\\evil.com", "/orgs/acme"},
		{"javascript:alert(1)", "/orgs/acme"},
		{"%2F%2Fevil.com", "/orgs/acme"},
		{"/%2F%2Fevil.com", "/orgs/acme"},
		{"/" + strings.Repeat("a", 90), "/orgs/acme"},
		{`"><script>alert(1)</script>`, "/orgs/acme"},
	}
	for _, tt := range tests {
		r := w.client().postACS(w.acme, w.response(w.acme, nil), tt.relay)
		if r.Status != http.StatusSeeOther || r.Location != tt.want {
			t.Errorf("RelayState %q: redirect to %q (status %d), want %q", tt.relay, r.Location, r.Status, tt.want)
		}
	}
}

func TestSecurityCase73SessionRenewedAtSignIn(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	c := w.client()
	u, _ := url.Parse(w.srv.URL)
	fixed := &http.Cookie{Name: "signet_workspace", Value: "attacker-chosen-session-id", Path: "/"}
	c.Jar().SetCookies(u, []*http.Cookie{fixed})
	c.postACS(w.acme, w.response(w.acme, nil), "")
	for _, ck := range c.Jar().Cookies(u) {
		if ck.Name == "signet_workspace" && ck.Value == fixed.Value {
			t.Fatal("the pre-set session ID survived sign-in")
		}
	}
	// And at password sign-in too.
	a := w.client()
	a.Jar().SetCookies(u, []*http.Cookie{fixed})
	a.login("admin@acme.example", "admin-password-1")
	for _, ck := range a.Jar().Cookies(u) {
		if ck.Name == "signet_workspace" && ck.Value == fixed.Value {
			t.Fatal("the pre-set session ID survived password sign-in")
		}
	}
}

func TestJITProvisioning(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	admin := w.admin(w.acme)
	admin.Do("POST", "/orgs/acme/settings/sso/options", url.Values{"allow_idp_initiated": {"1"}, "jit_role": {"viewer"}})
	r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.NameID = "new@corp.example"; p.Attributes = nil }), "")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("JIT sign-in = %d\n%s", r.Status, excerpt(r.Body))
	}
	m, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "new@corp.example")
	if err != nil || m.Role != "viewer" {
		t.Errorf("JIT member = %+v %v", m, err)
	}
}

func TestIdPInitiatedCanBeTurnedOff(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	w.admin(w.acme).Do("POST", "/orgs/acme/settings/sso/options", url.Values{"jit_role": {""}})
	r := w.client().postACS(w.acme, w.response(w.acme, nil), "")
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "idp_initiated_disabled") {
		t.Errorf("status %d", r.Status)
	}
}

func TestSPInitiatedRoundTrip(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.connect(w.beta)
	w.member(w.acme, "pat@corp.example", "member")
	c := w.client()
	r := c.Do("GET", "/saml/acme/login", nil)
	if r.Status != http.StatusFound || !strings.HasPrefix(r.Location, "https://idp.example.com/sso?SAMLRequest=") {
		t.Fatalf("SP-initiated start = %d %q", r.Status, r.Location)
	}
	u, _ := url.Parse(r.Location)
	msg, err := saml.DecodeRedirect(u.RawQuery, saml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	req, err := saml.ParseAuthnRequest(msg.XML, saml.Limits{})
	if err != nil || req.NameIDPolicyFormat != "" || req.ACSURL != w.svc.ACSURL(w.acme) {
		t.Fatalf("AuthnRequest = %+v, %v (no NameIDPolicy format by default, for AWS)", req, err)
	}
	answer := func(o store.Org) string {
		return w.response(o, func(p *saml.ResponseParams) { p.InResponseTo = req.ID })
	}
	// The request was made for acme: answering it at beta fails (63).
	if r := w.client().postACS(w.beta, answer(w.beta), ""); !strings.Contains(r.Body, "in_response_to_unknown") {
		t.Errorf("acme's request answered at beta: %d", r.Status)
	}
	if r := c.postACS(w.acme, answer(w.acme), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("solicited response = %d\n%s", r.Status, excerpt(r.Body))
	}
	if a := w.lastAttempt(w.acme); a.Flow != "sp-initiated" {
		t.Errorf("flow = %s", a.Flow)
	}
	if r := w.client().postACS(w.acme, answer(w.acme), ""); !strings.Contains(r.Body, "in_response_to_unknown") {
		t.Error("a request ID was accepted twice")
	}
}

// TestSecurityCase63RequestBoundToBrowser: a response to an SP-initiated
// request is consumed only in the browser that started it; another
// browser's attempt neither signs it in nor burns the request.
func TestSecurityCase63RequestBoundToBrowser(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	started := w.client()
	r := started.Do("GET", "/saml/acme/login", nil)
	u, _ := url.Parse(r.Location)
	msg, err := saml.DecodeRedirect(u.RawQuery, saml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := saml.ParseAuthnRequest(msg.XML, saml.Limits{})
	answer := w.response(w.acme, func(p *saml.ResponseParams) { p.InResponseTo = req.ID })
	other := w.client()
	if r := other.postACS(w.acme, answer, ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "in_response_to_unknown") || !strings.Contains(r.Body, "another browser") {
		t.Fatalf("the answer posted in another browser = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := other.Do("GET", "/orgs/acme", nil); r.Status != http.StatusSeeOther {
		t.Error("the other browser got a session")
	}
	if r := started.postACS(w.acme, answer, ""); r.Status != http.StatusSeeOther {
		t.Fatalf("the browser that started the request = %d\n%s", r.Status, excerpt(r.Body))
	}
}

func TestSignInWithSSODiscovery(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	c := w.client()
	// An email alone is not routed by membership (SECURITY-CASES 89).
	if r := c.Do("POST", "/login/sso", url.Values{"email": {"PAT@corp.example"}}); r.Status != http.StatusOK || !strings.Contains(r.Body, "No organization has verified the domain of that email") {
		t.Errorf("by email before choosing an org = %d %q", r.Status, r.Location)
	}
	// The page moves on by itself (a meta refresh: the CSP's form-action
	// 'self' would stop a redirect chain from this form to the IdP).
	goesOn := func(r response) bool {
		return r.Status == http.StatusOK && strings.Contains(r.Body, `<meta http-equiv="refresh" content="0;url=/saml/acme/login">`) &&
			strings.Contains(r.Body, `href="/saml/acme/login"`)
	}
	if r := c.Do("POST", "/login/sso", url.Values{"org": {"acme"}}); !goesOn(r) {
		t.Errorf("by org = %d\n%s", r.Status, excerpt(r.Body))
	}
	// The browser chose acme before: its email is enough now.
	if r := c.Do("POST", "/login/sso", url.Values{"email": {"PAT@corp.example"}}); !goesOn(r) {
		t.Errorf("by email after choosing = %d", r.Status)
	}
	if r := c.Do("POST", "/login/sso", url.Values{"org": {"beta"}}); r.Status != http.StatusOK || !strings.Contains(r.Body, "No organization with single sign-on has that ID") {
		t.Errorf("an org without SSO = %d", r.Status)
	}
}

// TestSignInWithSSOByVerifiedDomain: an email at an org's verified domain
// is enough, in any browser, and it outranks the org the browser chose
// before; the org the person names outranks both. A domain only claimed,
// or verified by an org without SSO, routes nowhere.
func TestSignInWithSSOByVerifiedDomain(t *testing.T) {
	w := newWorld(t)
	dns := dnstest.Start(t)
	w.svc.Resolver = sp.NewResolver(dns.Addr)
	w.connect(w.acme)
	w.connect(w.beta)
	claim := func(o store.Org, domain string, publish bool) {
		t.Helper()
		c, err := w.svc.Domains().Add(t.Context(), o, "admin", domain)
		if err != nil {
			t.Fatal(err)
		}
		if publish {
			dns.SetTXT(sp.RecordFor(c).Name, sp.RecordFor(c).Value)
		}
		if _, err := w.svc.Domains().Verify(t.Context(), o, "admin", domain); err != nil {
			t.Fatal(err)
		}
	}
	claim(w.acme, "corp.example", true)
	claim(w.beta, "claimed.example", false)
	claim(w.cheap, "cheap.example", true) // verified, but the org has no SSO

	goesTo := func(r response, slug string) bool {
		return r.Status == http.StatusOK && strings.Contains(r.Body, `content="0;url=/saml/`+slug+`/login"`)
	}
	if r := w.client().Do("POST", "/login/sso", url.Values{"email": {"Pat@CORP.example"}}); !goesTo(r, "acme") {
		t.Errorf("an email at acme's verified domain = %d\n%s", r.Status, excerpt(r.Body))
	}
	chose := w.client()
	if r := chose.Do("POST", "/login/sso", url.Values{"org": {"beta"}}); !goesTo(r, "beta") {
		t.Fatalf("by org = %d", r.Status)
	}
	if r := chose.Do("POST", "/login/sso", url.Values{"email": {"pat@corp.example"}}); !goesTo(r, "acme") {
		t.Errorf("the verified domain did not outrank the browser's earlier choice: %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := chose.Do("POST", "/login/sso", url.Values{"email": {"pat@corp.example"}, "org": {"beta"}}); !goesTo(r, "beta") {
		t.Errorf("the named org did not outrank the domain: %d", r.Status)
	}
	for _, email := range []string{"pat@claimed.example", "pat@cheap.example", "pat@sub.corp.example"} {
		if r := w.client().Do("POST", "/login/sso", url.Values{"email": {email}}); r.Status != http.StatusOK || strings.Contains(r.Body, "/saml/") {
			t.Errorf("%s was routed: %d\n%s", email, r.Status, excerpt(r.Body))
		}
	}
}

// TestSecurityCase89DiscoveryIgnoresMadeUpMembership: an org admin invites
// a stranger's email and accepts it himself; the stranger's "Sign in with
// SSO" never goes to that org, nor names it, and answers exactly as for an
// unknown email.
func TestSecurityCase89DiscoveryIgnoresMadeUpMembership(t *testing.T) {
	w := newWorld(t)
	w.connect(w.beta)
	if _, err := w.svc.Accounts().NewInvite(t.Context(), store.Member{Email: "admin@beta.example"}, w.beta, "victim@bigcorp.example", "member"); err != nil {
		t.Fatal(err)
	}
	// The org has SSO, so the invite is accepted through SSO; a member
	// with that email exists in beta either way (the admin's own IdP says so).
	w.member(w.beta, "victim@bigcorp.example", "member")
	stranger := w.client()
	known := stranger.Do("POST", "/login/sso", url.Values{"email": {"victim@bigcorp.example"}})
	unknown := w.client().Do("POST", "/login/sso", url.Values{"email": {"nobody@elsewhere.example"}})
	if known.Status != http.StatusOK || strings.Contains(known.Body, "/saml/beta") || strings.Contains(known.Body, "Beta") {
		t.Errorf("the stranger was routed to or shown beta: %d %s\n%s", known.Status, known.Location, excerpt(known.Body))
	}
	norm := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, "victim@bigcorp.example", "E"), "nobody@elsewhere.example", "E")
	}
	if norm(known.Body) != norm(unknown.Body) || known.Status != unknown.Status {
		t.Error("a known and an unknown email get different answers")
	}
}

func TestNoConnectionExplains(t *testing.T) {
	w := newWorld(t)
	r := w.client().postACS(w.acme, w.response(w.acme, nil), "")
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "not set up") {
		t.Errorf("status %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := w.client().Do("GET", "/saml/acme/login", nil); !strings.Contains(r.Body, "not set up") {
		t.Error("SP-initiated without a connection must explain")
	}
}

func TestACSBodyCap(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	big := strings.Repeat("QUFB", 2<<20/4)
	if r := w.client().postACS(w.acme, big, ""); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB body = %d, want 413", r.Status)
	}
}
