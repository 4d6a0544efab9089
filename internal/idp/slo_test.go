// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp_test

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/store"
)

// TestMetadataOffersSingleLogoutOnlyWhenItCanBeChecked: an application
// without SP metadata (or whose metadata has no signing certificate) has
// no SingleLogoutService in its IdP metadata, so no SP sends logout
// messages Signet could not verify; with a signing certificate it has one.
func TestMetadataOffersSingleLogoutOnlyWhenItCanBeChecked(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	slo := func() bool {
		r := w.admin.MustStatus(http.StatusOK, "GET", "/saml/apps/"+app+"/metadata", nil)
		m, err := saml.ParseMetadata([]byte(r.Body), saml.MetadataOptions{Require: saml.RoleIdP})
		if err != nil {
			t.Fatal(err)
		}
		// Both bindings, at the same URL.
		return len(m.IdP.SLOServices) == 2 && m.IdP.SLOServices[0].Binding == saml.BindingHTTPRedirect &&
			m.IdP.SLOServices[1].Binding == saml.BindingHTTPPost &&
			strings.HasSuffix(m.IdP.SLOServices[0].Location, "/saml/apps/"+app+"/slo") &&
			m.IdP.SLOServices[1].Location == m.IdP.SLOServices[0].Location
	}
	if slo() {
		t.Error("an application typed in by hand offers single logout")
	}
	key := samltest.Key(t, "sp")
	for _, tt := range []struct {
		p    saml.SPMetadataParams
		want bool
	}{
		{saml.SPMetadataParams{EntityID: w.spAud, ACSURL: w.spACS, EncryptionCertificate: key.Certificate}, false},
		{saml.SPMetadataParams{EntityID: w.spAud, ACSURL: w.spACS, SigningCertificate: key.Certificate, SLOURL: "https://sp.example/slo"}, true},
	} {
		md, err := saml.SPMetadata(tt.p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.st.UpdateApp(w.ctx(), app, func(a *store.App) error { a.SPMetadata = string(md); return nil }); err != nil {
			t.Fatal(err)
		}
		if got := slo(); got != tt.want {
			t.Errorf("signing certificate %v: single logout offered %v", tt.p.SigningCertificate != nil, got)
		}
	}
}

// TestSingleLogoutOverHTTPPostFromAnApplication: an application whose SP
// metadata publishes only an HTTP-POST single logout endpoint posts its
// LogoutRequest, signed by xmlsec1 with the application's key: the portal
// session ends and the answer is a posted LogoutResponse that xmlsec1
// verifies with the application's IdP certificate. An unsigned posted
// request ends nothing (SECURITY-CASES 75).
func TestSingleLogoutOverHTTPPostFromAnApplication(t *testing.T) {
	samltest.NeedXMLSec1(t)
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	spKey := samltest.Key(t, "sp")
	const spSLO = "https://sp.example/slo"
	md, err := saml.SPMetadata(saml.SPMetadataParams{EntityID: w.spAud, ACSURL: w.spACS, SigningCertificate: spKey.Certificate, SLOURL: spSLO})
	if err != nil {
		t.Fatal(err)
	}
	md = []byte(strings.Replace(string(md), `<md:SingleLogoutService Binding="`+saml.BindingHTTPRedirect+`" Location="`+spSLO+`"/>`, "", 1))
	if _, err := w.st.UpdateApp(w.ctx(), app, func(a *store.App) error { a.SPMetadata = string(md); return nil }); err != nil {
		t.Fatal(err)
	}
	pat := w.portalClient("pat")
	_, unsigned, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: w.spAud, Destination: w.srv.URL + "/saml/apps/" + app + "/slo",
		NameID: "pat@corp.example", NameIDFormat: saml.NameIDEmail, Now: time.Now(), Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	slo := "/saml/apps/" + app + "/slo"
	r := pat.Do("POST", slo, url.Values{"SAMLRequest": {saml.EncodeBase64(unsigned)}})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "signature_missing") {
		t.Fatalf("an unsigned posted LogoutRequest = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := pat.Do("GET", "/portal", nil); r.Status != http.StatusOK {
		t.Fatalf("the refused request ended the portal session: %d", r.Status)
	}
	signed := samltest.XMLSec1SignRoot(t, unsigned, spKey)
	r = pat.Do("POST", slo, url.Values{"SAMLRequest": {saml.EncodeBase64(signed)}, "RelayState": {"sp-state"}})
	if !strings.Contains(r.Body, `action="`+spSLO+`"`) || !strings.Contains(r.Body, `name="RelayState" value="sp-state"`) {
		t.Fatalf("the answer was not posted to the application's SLO endpoint: %d\n%s", r.Status, excerpt(r.Body))
	}
	answer := postedResponse(t, r.Body)
	if err := samltest.XMLSec1Verify(t, answer, w.verifier(app).IdPCertificates[0]); err != nil || !strings.Contains(string(answer), saml.StatusSuccess) {
		t.Errorf("xmlsec1 and the posted LogoutResponse: %v\n%s", err, answer)
	}
	if r := pat.Do("GET", "/portal", nil); r.Status == http.StatusOK {
		t.Error("the portal session survived the application's single logout")
	}
}
