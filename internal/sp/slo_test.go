// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"crypto/rand"
	"crypto/x509"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

const idpSLO = "https://idp.example.com/slo"

// sloWorld is acme connected to an IdP that publishes a single logout
// endpoint, with pat signed in twice (two browsers, two IdP sessions).
func sloWorld(t *testing.T) (w *world, first, second *client) {
	w = newWorld(t)
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: awsEntity, SSOURL: "https://idp.example.com/sso", SLOURL: idpSLO,
		SigningCertificates: []*x509.Certificate{w.idp.Certificate}, NameIDFormats: []string{saml.NameIDEmail}})
	if err != nil {
		t.Fatal(err)
	}
	if r := w.admin(w.acme).upload("/orgs/acme/settings/sso", map[string]string{"provider": "aws", "idp_source": "file"}, md); r.Status != http.StatusSeeOther {
		t.Fatalf("upload = %d", r.Status)
	}
	w.member(w.acme, "pat@corp.example", "member")
	signIn := func(index string) *client {
		c := w.client()
		r := c.postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.SessionIndex = index }), "")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in = %d\n%s", r.Status, excerpt(r.Body))
		}
		return c
	}
	return w, signIn("_s1"), signIn("_s2")
}

func signedIn(c *client) bool { return c.Do("GET", "/orgs/acme", nil).Status == http.StatusOK }

// fromIdP is a logout message from the IdP to acme's SLO endpoint over
// HTTP-Redirect, signed with key (nil: unsigned).
func (w *world) fromIdP(t *testing.T, param string, xml []byte, key *saml.KeyPair) string {
	t.Helper()
	u, err := saml.RedirectURL(w.svc.SLOURL(w.acme), param, xml, "", key)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u, w.srv.URL)
}

func (w *world) idpLogoutRequest(t *testing.T, mutate func(*saml.LogoutRequestParams)) []byte {
	p := saml.LogoutRequestParams{Issuer: awsEntity, Destination: w.svc.SLOURL(w.acme), NameID: "pat@corp.example",
		NameIDFormat: saml.NameIDEmail, SessionIndex: "_s1", Now: time.Now(), Rand: rand.Reader}
	if mutate != nil {
		mutate(&p)
	}
	_, xml, err := saml.NewLogoutRequest(p)
	if err != nil {
		t.Fatal(err)
	}
	return xml
}

// TestIdPInitiatedSingleLogout: a LogoutRequest from the org's IdP ends
// exactly the session it names and answers with a LogoutResponse signed
// by the org's SP key; forged ones end nothing (SECURITY-CASES 75).
func TestIdPInitiatedSingleLogout(t *testing.T) {
	w, first, second := sloWorld(t)
	attacker := attackerKey(t)
	for _, forged := range []struct {
		name, path, code string
	}{
		{"unsigned", w.fromIdP(t, "SAMLRequest", w.idpLogoutRequest(t, nil), nil), "signature_missing"},
		{"signed by another key", w.fromIdP(t, "SAMLRequest", w.idpLogoutRequest(t, nil), &attacker), "signature_invalid"},
		{"from another issuer", w.fromIdP(t, "SAMLRequest", w.idpLogoutRequest(t, func(p *saml.LogoutRequestParams) { p.Issuer = "https://evil.example" }), &w.idp), "issuer_mismatch"},
		{"for beta's endpoint", w.fromIdP(t, "SAMLRequest", w.idpLogoutRequest(t, func(p *saml.LogoutRequestParams) { p.Destination = w.svc.SLOURL(w.beta) }), &w.idp), "destination_mismatch"},
	} {
		r := first.Do("GET", forged.path, nil)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, forged.code) || !strings.Contains(r.Body, "nothing was signed out") {
			t.Errorf("%s: %d\n%s", forged.name, r.Status, excerpt(r.Body))
		}
	}
	// POST, unsigned: refused too.
	if r := w.client().Do("POST", "/saml/acme/slo", url.Values{"SAMLRequest": {saml.EncodeBase64(w.idpLogoutRequest(t, nil))}}); r.Status != http.StatusBadRequest {
		t.Errorf("unsigned POST = %d", r.Status)
	}
	if !signedIn(first) || !signedIn(second) {
		t.Fatal("a refused logout message ended a session")
	}

	// Another browser (the IdP's front channel) carries the real request.
	r := w.client().Do("GET", w.fromIdP(t, "SAMLRequest", w.idpLogoutRequest(t, nil), &w.idp), nil)
	if r.Status != http.StatusFound || !strings.HasPrefix(r.Location, idpSLO+"?SAMLResponse=") {
		t.Fatalf("logout request = %d %s\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	if signedIn(first) || !signedIn(second) {
		t.Errorf("after the IdP's logout of _s1: first signed in %v (want false), second %v (want true)", signedIn(first), signedIn(second))
	}
	u, _ := url.Parse(r.Location)
	m, err := saml.DecodeRedirect(u.RawQuery, saml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	kp, _, _ := w.svc.OrgKey(t.Context(), w.acme)
	resp, err := saml.VerifyLogoutResponse(m.XML, saml.LogoutPolicy{Issuer: w.svc.EntityID(w.acme), Destination: idpSLO,
		Certs: []*x509.Certificate{kp.Certificate}, Now: time.Now(), Redirect: m})
	if err != nil || resp.Status != saml.StatusSuccess {
		t.Errorf("the LogoutResponse = %+v, %v", resp, err)
	}
	events, _, _ := w.st.ListAudit(t.Context(), store.RealmWorkspace, w.acme.ID, store.ListOptions{Limit: 20})
	if len(events) == 0 || events[0].Action != "signout.idp" || !strings.Contains(events[0].Detail, "ended 1 SSO session") {
		t.Errorf("audit = %+v", events[:min(1, len(events))])
	}
}

// TestWorkspaceInitiatedSingleLogout: signing out of an SSO session sends
// the IdP a LogoutRequest signed with the org's SP key, naming the
// session; the IdP's signed answer lands on the sign-in page.
func TestWorkspaceInitiatedSingleLogout(t *testing.T) {
	w, first, _ := sloWorld(t)
	md, err := w.svc.SPMetadata(t.Context(), w.acme)
	if err != nil || !strings.Contains(string(md), `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="`+w.svc.SLOURL(w.acme)+`"/>`) {
		t.Errorf("SP metadata lacks the SLO endpoint:\n%s", md)
	}
	r := first.Do("POST", "/logout", nil)
	m := regexp.MustCompile(`id="continue" href="([^"]+)"`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil || signedIn(first) {
		t.Fatalf("logout = %d\n%s", r.Status, excerpt(r.Body))
	}
	u, _ := url.Parse(html.UnescapeString(m[1]))
	if u.Scheme+"://"+u.Host+u.Path != idpSLO {
		t.Fatalf("logout goes to %s", u)
	}
	msg, err := saml.DecodeRedirect(u.RawQuery, saml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	kp, _, _ := w.svc.OrgKey(t.Context(), w.acme)
	req, err := saml.VerifyLogoutRequest(msg.XML, saml.LogoutPolicy{Issuer: w.svc.EntityID(w.acme), Destination: idpSLO,
		Certs: []*x509.Certificate{kp.Certificate}, Now: time.Now(), Redirect: msg})
	if err != nil || req.NameID != "pat@corp.example" || len(req.SessionIndexes) != 1 || req.SessionIndexes[0] != "_s1" {
		t.Fatalf("the LogoutRequest = %+v, %v", req, err)
	}
	resp, err := saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: awsEntity, Destination: w.svc.SLOURL(w.acme),
		InResponseTo: req.ID, Now: time.Now(), Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	if r := first.Do("GET", w.fromIdP(t, "SAMLResponse", resp, nil), nil); r.Status != http.StatusBadRequest {
		t.Errorf("an unsigned LogoutResponse = %d", r.Status)
	}
	r = first.Do("GET", w.fromIdP(t, "SAMLResponse", resp, &w.idp), nil)
	if r.Status != http.StatusSeeOther || r.Location != "/login?signed_out=idp" {
		t.Fatalf("the IdP's answer = %d %s\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	if page := first.Do("GET", r.Location, nil); !strings.Contains(page.Body, "signed out of Signet Workspace and of your identity provider") {
		t.Errorf("sign-in page:\n%s", excerpt(page.Body))
	}
}
