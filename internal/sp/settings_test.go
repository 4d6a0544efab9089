// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

func attackerKey(t *testing.T) saml.KeyPair { return samltest.Key(t, "attacker") }

func TestSSORoutesNeedAnOrgAdmin(t *testing.T) {
	w := newWorld(t)
	w.member(w.acme, "manager@acme.example", "manager")
	mgr := w.client()
	if r := mgr.login("manager@acme.example", "member-password-1"); r.Status != http.StatusSeeOther {
		t.Fatalf("login = %d", r.Status)
	}
	routes := []struct{ method, path string }{
		{"GET", "/orgs/acme/settings/sso"},
		{"GET", "/orgs/acme/settings/audit"},
		{"POST", "/orgs/acme/settings/sso"},
		{"POST", "/orgs/acme/settings/sso/options"},
		{"POST", "/orgs/acme/settings/sso/delete"},
		{"POST", "/orgs/acme/settings/sso/domains"},
		{"POST", "/orgs/acme/settings/sso/domains/acme.example/verify"},
		{"POST", "/orgs/acme/settings/sso/domains/acme.example/delete"},
		{"POST", "/orgs/acme/invites"},
		{"POST", "/orgs/acme/members/mbr_x/role"},
		{"POST", "/orgs/acme/members/mbr_x/delete"},
	}
	for _, rt := range routes {
		var form url.Values
		if rt.method == "POST" {
			form = url.Values{"provider": {"other"}}
		}
		if r := mgr.Do(rt.method, rt.path, form); r.Status != http.StatusForbidden {
			t.Errorf("manager %s %s = %d, want 403", rt.method, rt.path, r.Status)
		}
		if r := w.client().Do(rt.method, rt.path, form); r.Status != http.StatusSeeOther {
			t.Errorf("anonymous %s %s = %d, want a redirect to sign in", rt.method, rt.path, r.Status)
		}
	}
	// An admin of another org is not an admin here.
	if r := w.admin(w.beta).Do("GET", "/orgs/acme/settings/sso", nil); r.Status != http.StatusSeeOther {
		t.Errorf("beta's admin on acme's settings = %d", r.Status)
	}
	if r := mgr.Do("GET", "/orgs/acme/settings", nil); r.Status != http.StatusOK || strings.Contains(r.Body, "/settings/audit") {
		t.Errorf("members may see Organization settings, without the audit log link: %d", r.Status)
	}
}

// TestAuditLog: an org admin sees the org's own events, searchable, and
// none of another org's.
func TestAuditLog(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.connect(w.beta)
	admin := w.admin(w.acme)
	if r := admin.Do("GET", "/orgs/acme/settings", nil); !strings.Contains(r.Body, "/orgs/acme/settings/audit") {
		t.Error("the admin's Organization settings page has no audit log link")
	}
	r := admin.Do("GET", "/orgs/acme/settings/audit", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "sso.metadata") || !strings.Contains(r.Body, "admin@acme.example") {
		t.Fatalf("audit log = %d, want acme's metadata upload by its admin\n%s", r.Status, excerpt(r.Body))
	}
	if strings.Contains(r.Body, "admin@beta.example") {
		t.Error("acme's audit log shows beta's events")
	}
	if r := admin.Do("GET", "/orgs/acme/settings/audit?q=no-such-thing", nil); !strings.Contains(r.Body, "No events match") {
		t.Errorf("search for nothing:\n%s", excerpt(r.Body))
	}
	if r := admin.Do("GET", "/orgs/acme/settings/audit?page=-5", nil); r.Status != http.StatusOK || !strings.Contains(r.Body, "in all") {
		t.Errorf("a negative page = %d, want the first page", r.Status)
	}
}

func TestPlanGate(t *testing.T) {
	w := newWorld(t)
	admin := w.admin(w.cheap)
	page := admin.Do("GET", "/orgs/cheap/settings/sso", nil)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Scholarship") || strings.Contains(page.Body, `name="metadata_file"`) {
		t.Errorf("starter plan page must explain and offer no form:\n%s", excerpt(page.Body))
	}
	r := admin.upload("/orgs/cheap/settings/sso", map[string]string{"provider": "aws", "idp_source": "file"}, w.idpMetadata(w.idp))
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "sso_not_on_plan") {
		t.Errorf("upload on starter = %d", r.Status)
	}
	if r := admin.Do("POST", "/orgs/cheap/settings/sso/options", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("options on starter = %d", r.Status)
	}
	if r := w.client().postACS(w.cheap, w.response(w.cheap, nil), ""); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "sso_not_on_plan") {
		t.Errorf("ACS on starter = %d", r.Status)
	}
}

// weakIdP is an IdP with a 1024-bit RSA key (SECURITY-CASES 50), and its metadata.
func weakIdP(t *testing.T) (saml.KeyPair, []byte) {
	t.Helper()
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &weak.PublicKey, weak)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: awsEntity, SSOURL: "https://idp.example.com/sso", SigningCertificates: []*x509.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	return saml.KeyPair{Signer: weak, Certificate: cert}, md
}

func TestMetadataUploadValidation(t *testing.T) {
	w := newWorld(t)
	admin := w.admin(w.acme)
	_, weakMD := weakIdP(t)
	good := string(w.idpMetadata(w.idp))
	tests := []struct {
		name, xml, want string
	}{
		{"javascript: sign-in URL (CVE-2023-45683)", strings.Replace(good, "https://idp.example.com/sso", "javascript:alert(1)", -1), "must be an http or https URL"},
		{"DOCTYPE", strings.Replace(good, "?>", "?><!DOCTYPE x [<!ENTITY e 'x'>]>", 1), "refused for safety"},
		{"two entities", `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">` + strings.Repeat(strings.TrimPrefix(good, `<?xml version="1.0" encoding="UTF-8"?>`), 2) + `</md:EntitiesDescriptor>`, "exactly one"},
		{"RSA-1024 key (50)", string(weakMD), "too weak"},
		{"not metadata", "<html>hello</html>", "not SAML metadata"},
		{"empty", "", "choose the metadata file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "other", "idp_source": "xml", "metadata_xml": tt.xml}, nil)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(strings.ToLower(r.Body), strings.ToLower(tt.want)) {
				t.Errorf("status %d, want 422 with %q\n%s", r.Status, tt.want, excerpt(r.Body))
			}
			if _, err := w.st.GetSSOConnection(t.Context(), w.acme.ID, ""); err == nil {
				t.Error("refused metadata was stored")
			}
		})
	}
}

// TestLegacyKeyOnFirstUpload: metadata with a 1024-bit key is refused with
// an offer to accept legacy crypto; ticking it saves the connection with
// legacy crypto on, and the refusal alone never stores anything.
func TestLegacyKeyOnFirstUpload(t *testing.T) {
	w := newWorld(t)
	admin := w.admin(w.acme)
	weakPair, md := weakIdP(t)
	form := map[string]string{"provider": "other", "idp_source": "xml", "metadata_xml": string(md)}
	r := admin.upload("/orgs/acme/settings/sso", form, nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `name="allow_legacy_crypto"`) {
		t.Fatalf("weak key: status %d, want 422 offering legacy crypto\n%s", r.Status, excerpt(r.Body))
	}
	// Other refusals do not offer it.
	if r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "other", "idp_source": "xml", "metadata_xml": "<html/>"}, nil); strings.Contains(r.Body, `name="allow_legacy_crypto"`) {
		t.Error("a non-key refusal offered legacy crypto")
	}
	form["allow_legacy_crypto"] = "1"
	if r := admin.upload("/orgs/acme/settings/sso", form, nil); r.Status != http.StatusSeeOther && r.Status != http.StatusOK {
		t.Fatalf("with legacy crypto ticked: status %d\n%s", r.Status, excerpt(r.Body))
	}
	c, err := w.st.GetSSOConnection(t.Context(), w.acme.ID, "")
	if err != nil || !c.AllowLegacyCrypto {
		t.Fatalf("connection = %+v, %v; want saved with legacy crypto on", c, err)
	}
	// A sign-in signed by the weak key goes through, and the log says so.
	w.member(w.acme, "pat@corp.example", "member")
	if r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.Key = weakPair }), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("ACS with the legacy key = %d\n%s", r.Status, excerpt(r.Body))
	}
	if a := w.lastAttempt(w.acme); !a.OK || !strings.Contains(a.Message, "Legacy crypto") {
		t.Errorf("attempt = %+v, want OK and marked legacy", a)
	}
}

// TestMetadataURLSSRFGuard: URLs at loopback or private addresses are not
// fetched (SECURITY-CASES 80); a public-looking name that resolves to
// loopback is caught at dial time.
func TestMetadataURLSSRFGuard(t *testing.T) {
	w := newWorld(t)
	internal := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		t.Error("the SSRF guard let a request through to an internal address")
		rw.Write(w.idpMetadata(w.idp))
	}))
	defer internal.Close()
	admin := w.admin(w.acme)
	for _, u := range []string{internal.URL + "/metadata", "http://localhost:" + strings.Split(internal.URL, ":")[2] + "/m",
		"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/m", "file:///etc/passwd"} {
		// allow_http: the SSRF guard, not the http acknowledgement, refuses.
		r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "other", "idp_source": "url", "metadata_url": u, "allow_http": "1"}, nil)
		if r.Status != http.StatusUnprocessableEntity || strings.Contains(r.Body, "not https") {
			t.Errorf("%s: status %d, want 422 from the guard", u, r.Status)
		}
	}
	// With the operator flag (development), the same URL works.
	w.svc.Fetch = nil
	ok := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.Write(w.idpMetadata(w.idp)) }))
	defer ok.Close()
	w.svc.Fetch = newFetcherAllowingPrivate()
	r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "aws", "idp_source": "url", "metadata_url": ok.URL}, nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `name="allow_http"`) {
		t.Errorf("an http URL without the acknowledgement = %d, want 422 offering it", r.Status)
	}
	if r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "aws", "idp_source": "url", "metadata_url": ok.URL, "allow_http": "1"}, nil); r.Status != http.StatusSeeOther {
		t.Errorf("allowed private URL = %d\n%s", r.Status, excerpt(r.Body))
	}
}

func TestSettingsPageShowsWhatItUnderstood(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	page := w.admin(w.acme).Do("GET", "/orgs/acme/settings/sso", nil)
	for _, want := range []string{"Single Sign-On Settings", "Access &amp; SSO Settings", w.svc.EntityID(w.acme), w.svc.ACSURL(w.acme),
		`data-copy="entity_id"`, `data-copy="acs_url"`, awsEntity, "https://idp.example.com/sso", "AWS IAM Identity Center",
		"samltest idp", "Valid", "Manually type your metadata values", "Download SP metadata", "Not tested yet"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the SSO page lacks %q", want)
		}
	}
	md := w.client().Do("GET", "/saml/acme/metadata", nil)
	m, err := saml.ParseMetadata([]byte(md.Body), saml.MetadataOptions{Require: saml.RoleSP})
	if err != nil || m.EntityID != w.svc.EntityID(w.acme) {
		t.Errorf("SP metadata: %v", err)
	}
}

func TestRequireSSOGuard(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	admin := w.admin(w.acme)
	on := url.Values{"allow_idp_initiated": {"1"}, "require_sso": {"1"}}
	if r := admin.Do("POST", "/orgs/acme/settings/sso/options", on); r.Status != http.StatusConflict || !strings.Contains(r.Body, "only after") {
		t.Fatalf("Require SSO before any SSO sign-in = %d", r.Status)
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
		t.Fatal("SSO sign-in failed")
	}
	if r := admin.Do("POST", "/orgs/acme/settings/sso/options", on); r.Status != http.StatusSeeOther {
		t.Fatalf("Require SSO after a sign-in = %d", r.Status)
	}
	if r := w.client().login("pat@corp.example", "member-password-1"); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "Sign in with SSO") {
		t.Errorf("member password sign-in with Require SSO = %d", r.Status)
	}
	if r := w.client().login("admin@acme.example", "admin-password-1"); r.Status != http.StatusSeeOther {
		t.Errorf("admin break-glass password sign-in = %d", r.Status)
	}
	// Changing the IdP turns Require SSO off until the new connection works.
	r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "aws", "idp_source": "file"}, w.idpMetadata(samltest.Key(t, "next")))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Require SSO was turned off") {
		t.Errorf("new IdP: %d", r.Status)
	}
}

func TestInvitesAndRoles(t *testing.T) {
	w := newWorld(t)
	admin := w.admin(w.acme)
	r := admin.Do("POST", "/orgs/acme/invites", url.Values{"email": {"new@corp.example"}, "role": {"manager"}})
	i := strings.Index(r.Body, "/invite/")
	if r.Status != http.StatusOK || i < 0 {
		t.Fatalf("invite = %d", r.Status)
	}
	link := r.Body[i : i+strings.IndexByte(r.Body[i:], '"')]
	c := w.client()
	if r := c.Do("POST", link, url.Values{"password": {"short"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("short password = %d", r.Status)
	}
	if r := c.Do("POST", link, url.Values{"password": {"a good password"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("accept = %d", r.Status)
	}
	if r := w.client().Do("GET", link, nil); r.Status != http.StatusNotFound {
		t.Error("an invite link worked twice")
	}
	m, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "new@corp.example")
	if err != nil || m.Role != "manager" {
		t.Fatalf("member = %+v %v", m, err)
	}
	admin.Do("POST", "/orgs/acme/members/"+m.ID+"/role", url.Values{"role": {"viewer"}})
	if m, _ := w.st.GetMember(t.Context(), m.ID); m.Role != "viewer" {
		t.Errorf("role = %s", m.Role)
	}
	self, _ := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "admin@acme.example")
	if r := admin.Do("POST", "/orgs/acme/members/"+self.ID+"/role", url.Values{"role": {"member"}}); r.Status != http.StatusConflict {
		t.Errorf("demoting the last admin = %d", r.Status)
	}
	events, _, _ := w.st.ListAudit(t.Context(), "workspace", w.acme.ID, storeList())
	if len(events) < 3 {
		t.Errorf("audit events = %d", len(events))
	}
}

func newFetcherAllowingPrivate() *http.Client { return sp.NewFetcherAllowingPrivate() }

func storeList() store.ListOptions { return store.ListOptions{} }

// TestPasswordSignInChoosesTheOrg: an email with the same password in two
// orgs is asked which one (and only then are the orgs named); naming one
// signs in there only; a password that matches in one org goes straight in.
func TestPasswordSignInChoosesTheOrg(t *testing.T) {
	w := newWorld(t)
	w.member(w.acme, "pat@corp.example", "member")
	w.member(w.beta, "pat@corp.example", "member")

	c := w.client()
	r := c.login("pat@corp.example", "member-password-1")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `<option value="acme">`) || !strings.Contains(r.Body, `<option value="beta">`) {
		t.Fatalf("two orgs: want a chooser naming both, got %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := w.client().login("pat@corp.example", "wrong-password-1"); r.Status != http.StatusUnauthorized || strings.Contains(r.Body, `<option value="acme">`) {
		t.Errorf("a wrong password must not name the orgs: %d", r.Status)
	}
	r = c.Do("POST", "/login", url.Values{"email": {"pat@corp.example"}, "password": {"member-password-1"}, "org": {"beta"}})
	if r.Status != http.StatusSeeOther || r.Location != "/orgs/beta" {
		t.Fatalf("choosing beta = %d %q", r.Status, r.Location)
	}
	if r := c.Do("GET", "/orgs/acme", nil); r.Status != http.StatusSeeOther {
		t.Error("signing in to beta opened acme")
	}

	// Only acme's password matches: straight in, no chooser.
	h, _ := password.Hash("other-password-1", password.Cheap())
	m, err := w.st.GetMemberByEmail(t.Context(), w.beta.ID, "pat@corp.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.UpdateMember(t.Context(), m.ID, func(m *store.Member) error { m.PasswordHash = h; return nil }); err != nil {
		t.Fatal(err)
	}
	if r := w.client().login("pat@corp.example", "member-password-1"); r.Status != http.StatusSeeOther || r.Location != "/orgs/acme" {
		t.Errorf("one matching org = %d %q", r.Status, r.Location)
	}
}

// TestRemoveMember: an admin removes a member, whose session then opens
// nothing; the last admin cannot be removed; a member of another org
// cannot be removed from here; only admins may remove.
func TestRemoveMember(t *testing.T) {
	w := newWorld(t)
	w.member(w.acme, "pat@corp.example", "member")
	w.member(w.beta, "bea@corp.example", "member")
	pat := w.client()
	if r := pat.login("pat@corp.example", "member-password-1"); r.Status != http.StatusSeeOther {
		t.Fatalf("pat's login = %d", r.Status)
	}
	id := func(o store.Org, email string) string {
		m, err := w.st.GetMemberByEmail(t.Context(), o.ID, email)
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	patID, adminID, beaID := id(w.acme, "pat@corp.example"), id(w.acme, "admin@acme.example"), id(w.beta, "bea@corp.example")
	if r := pat.Do("POST", "/orgs/acme/members/"+adminID+"/delete", nil); r.Status != http.StatusForbidden {
		t.Errorf("a member removing the admin = %d, want 403", r.Status)
	}
	admin := w.admin(w.acme)
	if r := admin.Do("POST", "/orgs/acme/members/"+adminID+"/delete", nil); r.Status != http.StatusConflict {
		t.Errorf("removing the last admin = %d, want 409", r.Status)
	}
	if r := admin.Do("POST", "/orgs/acme/members/"+beaID+"/delete", nil); r.Status != http.StatusNotFound {
		t.Errorf("removing beta's member from acme = %d, want 404", r.Status)
	}
	if r := admin.Do("POST", "/orgs/acme/members/"+patID+"/delete", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("remove pat = %d", r.Status)
	}
	if r := pat.Do("GET", "/orgs/acme", nil); r.Status != http.StatusSeeOther {
		t.Errorf("the removed member's session still opens the org: %d", r.Status)
	}
	if _, err := w.st.GetMemberByEmail(t.Context(), w.beta.ID, "bea@corp.example"); err != nil {
		t.Errorf("beta's member is gone: %v", err)
	}
}

// TestSetupGuides: each Identity Provider choice has its own guide, filled
// in with the org's own values.
func TestSetupGuides(t *testing.T) {
	w := newWorld(t)
	admin := w.admin(w.acme)
	seen := map[string]string{}
	for _, p := range sp.Providers() {
		r := admin.Do("GET", "/orgs/acme/settings/sso?provider="+p.Value, nil)
		i := strings.Index(r.Body, "Setup guide: "+p.Label)
		if r.Status != http.StatusOK || i < 0 {
			t.Errorf("%s: no guide titled for it (%d)", p.Value, r.Status)
			continue
		}
		guide := r.Body[i:]
		guide = guide[:strings.Index(guide, "</ol>")]
		if !strings.Contains(guide, w.svc.EntityID(w.acme)) && !strings.Contains(guide, w.svc.ACSURL(w.acme)) {
			t.Errorf("%s: the guide has neither the org's Entity ID nor its ACS URL", p.Value)
		}
		if strings.Contains(guide, "{ENTITY_ID}") || strings.Contains(guide, "{ACS_URL}") || strings.Contains(guide, "{ORG}") {
			t.Errorf("%s: the guide has a placeholder left unfilled", p.Value)
		}
		if other, dup := seen[guide[strings.Index(guide, "<ol"):]]; dup && p.Value != "other" {
			t.Errorf("%s has the same steps as %s", p.Value, other)
		}
		seen[guide[strings.Index(guide, "<ol"):]] = p.Value
	}
}

// TestAtMostTwoTrustedCertificates: metadata listing three signing
// certificates is saved trusting the first two, and the admin is told.
func TestAtMostTwoTrustedCertificates(t *testing.T) {
	w := newWorld(t)
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: awsEntity, SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{w.idp.Certificate, samltest.Key(t, "next").Certificate, attackerKey(t).Certificate}})
	if err != nil {
		t.Fatal(err)
	}
	r := w.admin(w.acme).upload("/orgs/acme/settings/sso", map[string]string{"provider": "other", "idp_source": "xml", "metadata_xml": string(md)}, nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "lists 3 signing certificates; Signet trusts the first 2") {
		t.Fatalf("three certificates: %d\n%s", r.Status, excerpt(r.Body))
	}
	c, _ := w.st.GetSSOConnection(t.Context(), w.acme.ID, "")
	certs, err := saml.ParseCertificatesPEM(c.CertificatesPEM)
	if err != nil || len(certs) != 2 || !certs[0].Equal(w.idp.Certificate) {
		t.Errorf("trusted = %d certificates (%v), want the first two", len(certs), err)
	}
	w.member(w.acme, "pat@corp.example", "member")
	if r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.Key = attackerKey(t) }), ""); r.Status != http.StatusBadRequest {
		t.Errorf("a response signed by the third, untrusted certificate = %d", r.Status)
	}
}
