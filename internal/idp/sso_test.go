// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp_test

import (
	"context"
	"crypto/rand"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
)

// assignGroup puts users in a group assigned to the app (seed steps 12–13).
func (w *world) assignGroup(app string, users ...store.User) {
	w.t.Helper()
	g, err := w.svc.Directory().CreateGroup(w.ctx(), "test", "Group for "+app, "")
	if err != nil {
		w.t.Fatal(err)
	}
	for _, u := range users {
		w.svc.Directory().AddMember(w.ctx(), "test", g, u)
	}
	w.admin.MustStatus(http.StatusSeeOther, "POST", "/admin/applications/"+app+"/assign", url.Values{"group": {g.ID}})
}

// seedApp is an app with the seed's mappings, assigned (through a group)
// to a new user with the given email.
func (w *world) seedApp(name, username, email string) (string, store.User) {
	w.t.Helper()
	app := w.addApp(name, nil)
	w.seedMappings(app)
	u := w.user(username, email)
	w.assignGroup(app, u)
	return app, u
}

func (w *world) seedMappings(app string) {
	w.t.Helper()
	w.admin.MustStatus(http.StatusSeeOther, "POST", "/admin/applications/"+app+"/mappings", url.Values{
		"subject": {"${user:email}"}, "subject_format": {"emailAddress"},
		"attr_name": {"email"}, "attr_value": {"${user:email}"}, "attr_format": {"basic"}})
}

func TestPortalTileDefaultMappingsThenSeedMappings(t *testing.T) {
	w := newWorld(t)
	app := w.addApp("Amplitude", map[string]string{"relay_state": "/dashboards"})
	pat := w.user("pat", "pat@corp.example")
	w.assignGroup(app, pat)
	c := w.portalClient("pat")
	home := c.MustStatus(http.StatusOK, "GET", "/portal", nil)
	if !strings.Contains(home.Body, "/portal/apps/"+app) {
		t.Fatal("no tile for the assigned app")
	}
	// Default mappings (AWS): a persistent opaque Subject and no attributes.
	launch := c.MustStatus(http.StatusOK, "GET", "/portal/apps/"+app, nil)
	if !strings.Contains(launch.Body, `name="RelayState" value="/dashboards"`) || !strings.Contains(launch.Body, `action="`+w.spACS+`"`) {
		t.Errorf("the form must post to the ACS with the app's relay state:\n%s", launch.Body)
	}
	a, err := w.verifier(app).Verify(w.ctx(), postedResponse(t, launch.Body))
	if err != nil {
		t.Fatal(err)
	}
	if a.NameIDFormat != saml.NameIDPersistent || a.NameID != pat.ID || a.HasAttributeStatement {
		t.Errorf("default mapping: NameID %q (%s), attribute statement %v; want the opaque subject, persistent, none",
			a.NameID, a.NameIDFormat, a.HasAttributeStatement)
	}
	if _, err := signin.ResolveIdentity(a, signin.ProviderSignet); saml.CodeOf(err) != signin.CodeAttributeStatementNone {
		t.Errorf("an SP would refuse this with attribute_statement_empty, got %v", err)
	}
	// The seed's steps 9–11.
	w.seedMappings(app)
	a, err = w.verifier(app).Verify(w.ctx(), postedResponse(t, c.MustStatus(http.StatusOK, "GET", "/portal/apps/"+app, nil).Body))
	if err != nil {
		t.Fatal(err)
	}
	vals, _ := a.Attribute("email")
	if a.NameID != "pat@corp.example" || a.NameIDFormat != saml.NameIDEmail || len(vals) != 1 || vals[0] != "pat@corp.example" ||
		a.Attributes[0].NameFormat != saml.AttrNameFormatBasic {
		t.Errorf("seed mapping: %+v", a)
	}
}

func TestTypoVariableIsSentLiterally(t *testing.T) {
	w := newWorld(t)
	app := w.addApp("App", nil)
	pat := w.user("pat", "pat@corp.example")
	w.assignGroup(app, pat)
	r := w.admin.MustStatus(http.StatusOK, "POST", "/admin/applications/"+app+"/mappings", url.Values{
		"subject": {"${user:email}"}, "subject_format": {"emailAddress"},
		"attr_name": {"email"}, "attr_value": {"${user:emial}"}, "attr_format": {"basic"}})
	if !strings.Contains(r.Body, "${user:emial} is not a known variable") {
		t.Error("no warning about the typo")
	}
	a, err := w.verifier(app).Verify(w.ctx(), postedResponse(t, w.portalClient("pat").MustStatus(http.StatusOK, "GET", "/portal/apps/"+app, nil).Body))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Attribute("email"); len(v) != 1 || v[0] != "${user:emial}" {
		t.Errorf("email = %q, want the literal text", v)
	}
}

func TestNoPrimaryEmailGetsNoAssertion(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "bob", "")
	r := w.portalClient("bob").MustStatus(http.StatusForbidden, "GET", "/portal/apps/"+app, nil)
	if strings.Contains(r.Body, "SAMLResponse") || !strings.Contains(r.Body, "No access") || !strings.Contains(r.Body, "no primary email") {
		t.Errorf("want a No access page naming the missing primary email:\n%s", excerpt(r.Body))
	}
	events, _, _ := w.st.ListAudit(w.ctx(), store.RealmAdmin, "", store.ListOptions{Query: "sso.denied"})
	if len(events) == 0 || !strings.Contains(events[0].Detail, "no primary email") {
		t.Errorf("the admin's audit log lacks the cause: %+v", events)
	}
}

func TestUnassignedUserGetsNoTileAndNoAssertion(t *testing.T) {
	w := newWorld(t)
	app := w.addApp("Amplitude", nil)
	w.user("stranger", "stranger@corp.example")
	c := w.portalClient("stranger")
	if home := c.MustStatus(http.StatusOK, "GET", "/portal", nil); strings.Contains(home.Body, app) {
		t.Error("an unassigned user sees the tile")
	}
	if r := c.MustStatus(http.StatusForbidden, "GET", "/portal/apps/"+app, nil); strings.Contains(r.Body, "SAMLResponse") {
		t.Error("an unassigned user got an assertion from the tile URL")
	}
	// SP-initiated too.
	u := redirectRequest(t, w, app, nil)
	if r := c.Do("GET", u, nil); strings.Contains(r.Body, "SAMLResponse") || r.Status != http.StatusForbidden {
		t.Errorf("SP-initiated for an unassigned user = %d", r.Status)
	}
}

// redirectRequest builds an SP's AuthnRequest for the app as a Redirect URL.
func redirectRequest(t *testing.T, w *world, app string, mutate func(*saml.AuthnRequestParams)) string {
	t.Helper()
	p := saml.AuthnRequestParams{Issuer: w.spAud, Destination: w.srv.URL + "/saml/apps/" + app + "/sso", ACSURL: w.spACS,
		Now: time.Now(), Rand: rand.Reader}
	if mutate != nil {
		mutate(&p)
	}
	req, err := saml.NewAuthnRequest(p)
	if err != nil {
		t.Fatal(err)
	}
	u, err := saml.RedirectURL(p.Destination, "SAMLRequest", req.XML, "relay-123", nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSPInitiatedSignsInFirstThenContinues(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	c := w.client()
	u := redirectRequest(t, w, app, nil)
	login := c.MustStatus(http.StatusOK, "GET", u, nil)
	if !strings.Contains(login.Body, "Sign in to the access portal") || !strings.Contains(login.Body, "Amplitude") {
		t.Fatalf("want the portal sign-in naming the app:\n%s", excerpt(login.Body))
	}
	form := c.MustStatus(http.StatusOK, "POST", "/portal/login", signInForm(t, login.Body, "pat"))
	if !strings.Contains(form.Body, `name="RelayState" value="relay-123"`) {
		t.Error("the RelayState of the request is not returned")
	}
	xml := postedResponse(t, form.Body)
	if !strings.Contains(string(xml), `InResponseTo="`) {
		t.Error("the response does not answer the request")
	}
	v := w.verifier(app)
	v.AllowIdPInitiated = false
	if _, err := v.Verify(w.ctx(), xml); saml.CodeOf(err) != saml.CodeInResponseToUnknown {
		t.Errorf("verify without the request ID = %v (the response must be solicited)", err)
	}
}

func TestSPInitiatedPostBinding(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	req, _ := saml.NewAuthnRequest(saml.AuthnRequestParams{Issuer: w.spAud, Destination: w.srv.URL + "/saml/apps/" + app + "/sso",
		ACSURL: w.spACS, Now: time.Now(), Rand: rand.Reader})
	c := w.client()
	login := c.MustStatus(http.StatusOK, "POST", "/saml/apps/"+app+"/sso", url.Values{"SAMLRequest": {saml.EncodeBase64(req.XML)}, "RelayState": {"rs"}})
	if !strings.Contains(login.Body, `name="saml_app"`) {
		t.Fatalf("the sign-in form must carry the request:\n%s", excerpt(login.Body))
	}
	form := c.MustStatus(http.StatusOK, "POST", "/portal/login", url.Values{"username": {"pat"}, "password": {testPassword},
		"saml_app": {app}, "SAMLRequest": {saml.EncodeBase64(req.XML)}, "RelayState": {"rs"}})
	if xml := postedResponse(t, form.Body); !strings.Contains(string(xml), `InResponseTo="`+req.ID+`"`) {
		t.Error("the response does not answer the POSTed request")
	}
}

// TestForceAuthnAndIsPassive: ForceAuthn makes a signed-in person enter
// their password again, and only signing in answers the request; IsPassive
// is answered NoPassive when a page would be needed (saml-core 3.4.1).
func TestForceAuthnAndIsPassive(t *testing.T) {
	w := newWorld(t)
	spVerifier := func(app string) *saml.Verifier {
		v := w.verifier(app)
		v.RequestIDs = outstanding{} // this test's requests all are
		return v
	}
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	c := w.portalClient("pat")
	signedInAt := time.Now()

	force := redirectRequest(t, w, app, func(p *saml.AuthnRequestParams) { p.ForceAuthn = true })
	for range 2 { // coming back without signing in never answers
		page := c.MustStatus(http.StatusOK, "GET", force, nil)
		if strings.Contains(page.Body, "SAMLResponse") || !strings.Contains(page.Body, "asks you to enter your password again") {
			t.Fatalf("ForceAuthn with a portal session must ask for the password:\n%s", excerpt(page.Body))
		}
	}
	time.Sleep(1100 * time.Millisecond) // AuthnInstant has one-second resolution
	page := c.MustStatus(http.StatusOK, "GET", force, nil)
	bad := signInForm(t, page.Body, "pat")
	bad.Set("password", "wrong")
	if r := c.Do("POST", "/portal/login", bad); r.Status != http.StatusUnauthorized || strings.Contains(r.Body, "SAMLResponse") {
		t.Fatalf("a wrong password answered the request: %d", r.Status)
	}
	a, err := spVerifier(app).Verify(w.ctx(), postedResponse(t, c.MustStatus(http.StatusOK, "POST", "/portal/login", signInForm(t, page.Body, "pat")).Body))
	if err != nil {
		t.Fatal(err)
	}
	if !a.AuthnInstant.After(signedInAt.Truncate(time.Second)) {
		t.Errorf("AuthnInstant %s is the old session's (%s), not the fresh sign-in", a.AuthnInstant, signedInAt)
	}

	passive := redirectRequest(t, w, app, func(p *saml.AuthnRequestParams) { p.IsPassive = true })
	xml := postedResponse(t, w.client().MustStatus(http.StatusOK, "GET", passive, nil).Body)
	if !strings.Contains(string(xml), saml.StatusNoPassive) {
		t.Errorf("IsPassive without a session: want a NoPassive status\n%s", xml)
	}
	if _, err := spVerifier(app).Verify(w.ctx(), xml); saml.CodeOf(err) != saml.CodeStatusNotSuccess {
		t.Errorf("NoPassive verified as %v", err)
	}
	// Signed in already: IsPassive is answered with an assertion.
	if _, err := spVerifier(app).Verify(w.ctx(), postedResponse(t, c.MustStatus(http.StatusOK, "GET", passive, nil).Body)); err != nil {
		t.Errorf("IsPassive with a session: %v", err)
	}
}

// TestSignInFormRequestIsCheckedAgain: the request carried through the
// sign-in form (hidden SAMLQuery) is the browser's to alter, so signing in
// checks it again: an edited query, a hostile ACS URL or another app's ID
// answers nothing.
func TestSignInFormRequestIsCheckedAgain(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	other := w.addApp("Other", nil)
	page := w.client().MustStatus(http.StatusOK, "GET", redirectRequest(t, w, app, nil), nil)
	good := signInForm(t, page.Body, "pat")
	evil, _ := url.Parse(redirectRequest(t, w, app, func(p *saml.AuthnRequestParams) { p.ACSURL = "https://evil.example/acs" }))
	for _, tc := range []struct {
		name string
		edit func(url.Values)
		want string
	}{
		{"query edited", func(f url.Values) {
			f.Set("SAMLQuery", strings.Replace(f.Get("SAMLQuery"), "SAMLRequest=", "SAMLRequest=x", 1))
		}, "could not be read"},
		{"ACS URL not registered", func(f url.Values) { f.Set("SAMLQuery", evil.RawQuery) }, "acs_url_not_registered"},
		{"another app's ID", func(f url.Values) { f.Set("saml_app", other) }, "destination_mismatch"},
	} {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		tc.edit(f)
		r := w.client().Do("POST", "/portal/login", f)
		if strings.Contains(r.Body, "SAMLResponse") || !strings.Contains(r.Body, tc.want) {
			t.Errorf("%s: %d, want a refusal containing %q and no response\n%s", tc.name, r.Status, tc.want, excerpt(r.Body))
		}
	}
}

// outstanding treats every request ID as one the SP sent.
type outstanding struct{}

func (outstanding) ConsumeRequestID(context.Context, string) (bool, error) { return true, nil }

func TestSPInitiatedRefusals(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	c := w.portalClient("pat")
	tests := []struct {
		name   string
		mutate func(*saml.AuthnRequestParams)
		want   string
	}{
		{"76 ACS URL not registered", func(p *saml.AuthnRequestParams) { p.ACSURL = "https://evil.example/acs" }, "acs_url_not_registered"},
		{"76 javascript: ACS URL", func(p *saml.AuthnRequestParams) { p.ACSURL = "javascript:alert(1)" }, "acs_url_not_registered"},
		{"77 unknown Issuer", func(p *saml.AuthnRequestParams) { p.Issuer = "https://stranger.example" }, "unknown_service_provider"},
		{"77 wrong Destination", func(p *saml.AuthnRequestParams) { p.Destination = w.srv.URL + "/saml/apps/other/sso" }, "destination_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := redirectRequest(t, w, app, tt.mutate)
			u = strings.Replace(u, "/saml/apps/other/sso", "/saml/apps/"+app+"/sso", 1)
			r := c.Do("GET", u, nil)
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, tt.want) || strings.Contains(r.Body, "SAMLResponse") {
				t.Errorf("status %d, want 400 with %s and no assertion\n%s", r.Status, tt.want, excerpt(r.Body))
			}
		})
	}
	t.Run("78 request ID with a quote", func(t *testing.T) {
		req, _ := saml.NewAuthnRequest(saml.AuthnRequestParams{Issuer: w.spAud, Destination: w.srv.URL + "/saml/apps/" + app + "/sso",
			ACSURL: w.spACS, Now: time.Now(), Rand: rand.Reader})
		xml := strings.Replace(string(req.XML), `ID="`+req.ID+`"`, `ID="_x&quot;&gt;&lt;script&gt;"`, 1)
		u, _ := saml.RedirectURL(w.srv.URL+"/saml/apps/"+app+"/sso", "SAMLRequest", []byte(xml), "", nil)
		r := c.Do("GET", u, nil)
		if r.Status != http.StatusBadRequest || strings.Contains(r.Body, "<script>") || strings.Contains(r.Body, "SAMLResponse") {
			t.Errorf("status %d\n%s", r.Status, excerpt(r.Body))
		}
	})
	t.Run("requested NameID format the app cannot satisfy", func(t *testing.T) {
		u := redirectRequest(t, w, app, func(p *saml.AuthnRequestParams) { p.NameIDFormat = saml.NameIDPersistent })
		r := c.MustStatus(http.StatusOK, "GET", u, nil)
		xml := string(postedResponse(t, r.Body))
		if !strings.Contains(xml, saml.StatusInvalidNameIDPolicy) || strings.Contains(xml, "Assertion") {
			t.Errorf("want an InvalidNameIDPolicy status response without an assertion:\n%s", xml)
		}
	})
	t.Run("unknown application", func(t *testing.T) {
		if r := c.Do("GET", w.srv.URL+"/saml/apps/app_nope/sso?SAMLRequest=x", nil); r.Status != http.StatusNotFound {
			t.Errorf("status %d", r.Status)
		}
	})
}

func regexpValue(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no %s field", name)
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return html.UnescapeString(rest[:strings.Index(rest, `"`)])
}

// signInForm fills the portal's sign-in page as user, keeping the request
// it carries.
func signInForm(t *testing.T, page, user string) url.Values {
	t.Helper()
	form := url.Values{"username": {user}, "password": {testPassword}, "saml_app": {regexpValue(t, page, "saml_app")}}
	for _, f := range []string{"SAMLQuery", "SAMLRequest", "RelayState"} {
		if strings.Contains(page, `name="`+f+`"`) {
			form.Set(f, regexpValue(t, page, f))
		}
	}
	return form
}

func TestCertificateRotation(t *testing.T) {
	w := newWorld(t)
	app := w.addApp("App", nil)
	base := "/admin/applications/" + app + "/certificates"
	w.admin.MustStatus(http.StatusSeeOther, "POST", base, url.Values{})
	if r := w.admin.Do("POST", base, url.Values{}); r.Status != http.StatusConflict || !strings.Contains(r.Body, "at most 2") {
		t.Errorf("third certificate = %d", r.Status)
	}
	keys, _ := w.st.ListSigningKeys(w.ctx(), app)
	var active, inactive string
	for _, k := range keys {
		if k.Active {
			active = k.ID
		} else {
			inactive = k.ID
		}
	}
	if r := w.admin.Do("POST", base+"/"+active+"/delete", url.Values{}); r.Status != http.StatusConflict {
		t.Errorf("deleting the active certificate = %d", r.Status)
	}
	md := w.admin.MustStatus(http.StatusOK, "GET", "/saml/apps/"+app+"/metadata", nil)
	if strings.Count(md.Body, "X509Certificate>") != 4 {
		t.Error("the metadata must list both certificates during rotation")
	}
	w.admin.MustStatus(http.StatusSeeOther, "POST", base+"/"+inactive+"/activate", url.Values{})
	w.admin.MustStatus(http.StatusSeeOther, "POST", base+"/"+active+"/delete", url.Values{})
	page := w.admin.MustStatus(http.StatusOK, "GET", base, nil)
	if !strings.Contains(page.Body, "Valid") || strings.Contains(page.Body, active) {
		t.Error("certificates page after rotation")
	}
}

// TestECDSACertificate: an admin can give an app an ECDSA P-256 key for an
// SP that accepts it; responses are then signed with ECDSA-SHA256 and
// verify. An unknown key type is refused.
func TestECDSACertificate(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("App", "pat", "pat@corp.example")
	base := "/admin/applications/" + app + "/certificates"
	if r := w.admin.Do("POST", base, url.Values{"key_type": {"dsa-512"}}); r.Status != http.StatusConflict || !strings.Contains(r.Body, "nknown key type") {
		t.Errorf("unknown key type = %d", r.Status)
	}
	w.admin.MustStatus(http.StatusSeeOther, "POST", base, url.Values{"key_type": {"ecdsa-p256"}})
	keys, _ := w.st.ListSigningKeys(w.ctx(), app)
	var ec string
	for _, k := range keys {
		if !k.Active {
			ec = k.ID
		}
	}
	if page := w.admin.MustStatus(http.StatusOK, "GET", base, nil); !strings.Contains(page.Body, "ECDSA") {
		t.Error("the certificates page does not show the key type")
	}
	w.admin.MustStatus(http.StatusSeeOther, "POST", base+"/"+ec+"/activate", url.Values{})
	xml := postedResponse(t, w.portalClient("pat").MustStatus(http.StatusOK, "GET", "/portal/apps/"+app, nil).Body)
	a, err := w.verifier(app).Verify(w.ctx(), xml)
	if err != nil {
		t.Fatal(err)
	}
	if a.SignatureAlgorithm != "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" {
		t.Errorf("signature algorithm = %s, want ECDSA-SHA256", a.SignatureAlgorithm)
	}
}

func TestPreviewShowsTheAssertion(t *testing.T) {
	w := newWorld(t)
	app := w.addApp("App", nil)
	w.seedMappings(app)
	w.user("pat", "pat@corp.example")
	r := w.admin.MustStatus(http.StatusOK, "GET", "/admin/applications/"+app+"/preview?user=pat", nil)
	for _, want := range []string{"pat@corp.example", "Decoded assertion", "not assigned", "saml:AttributeStatement"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "SignatureValue>MII") {
		t.Error("the preview shows signature blobs")
	}
}

// TestStoredSPMetadataThatNoLongerParsesFailsClosed: an application whose
// stored SP metadata stops parsing (a stricter release, an edited
// database) gets no assertion, neither from the portal nor for a request,
// rather than one sent without the encryption or the request checks that
// metadata asked for; the application page says what is wrong.
func TestStoredSPMetadataThatNoLongerParsesFailsClosed(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	spKey := samltest.Key(t, "sp")
	md, err := saml.SPMetadata(saml.SPMetadataParams{EntityID: w.spAud, ACSURL: w.spACS, EncryptionCertificate: spKey.Certificate})
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(md), "<md:EntityDescriptor", `<!DOCTYPE x [<!ENTITY e "e">]><md:EntityDescriptor`, 1)
	if _, err := w.st.UpdateApp(w.ctx(), app, func(a *store.App) error { a.SPMetadata = broken; return nil }); err != nil {
		t.Fatal(err)
	}
	pat := w.portalClient("pat")
	r := pat.Do("GET", "/portal/apps/"+app, nil)
	if r.Status < 400 || r.Status >= 500 || strings.Contains(r.Body, "SAMLResponse") || !strings.Contains(r.Body, "no longer parses") {
		t.Errorf("portal tile with broken stored metadata = %d\n%s", r.Status, excerpt(r.Body))
	}
	u := redirectRequest(t, w, app, nil)
	if r := pat.Do("GET", u, nil); r.Status < 400 || r.Status >= 500 || strings.Contains(r.Body, "SAMLResponse") || !strings.Contains(r.Body, "no longer parses") {
		t.Errorf("SP-initiated with broken stored metadata = %d\n%s", r.Status, excerpt(r.Body))
	}
	if page := w.admin.MustStatus(http.StatusOK, "GET", "/admin/applications/"+app, nil); !strings.Contains(page.Body, "no longer parses") {
		t.Errorf("the application page does not say its metadata is broken:\n%s", excerpt(page.Body))
	}
}
