// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"crypto/x509"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

// postedForm reads the auto-post page's form: its action and fields.
func postedForm(t *testing.T, body string) (string, url.Values) {
	t.Helper()
	action := regexp.MustCompile(`<form id="saml-post" method="post" action="([^"]+)"`).FindStringSubmatch(body)
	if action == nil {
		t.Fatalf("no auto-post form:\n%s", excerpt(body))
	}
	fields := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		fields.Set(m[1], html.UnescapeString(m[2]))
	}
	return html.UnescapeString(action[1]), fields
}

// TestSingleLogoutOverHTTPPost: an IdP that publishes only an HTTP-POST
// single logout endpoint gets the Workspace's LogoutRequest and
// LogoutResponse as posted forms, signed inside the XML, which xmlsec1
// verifies with the org's certificate; its own LogoutRequest, signed by
// xmlsec1 and posted, ends the session it names. An unsigned one ends
// nothing.
func TestSingleLogoutOverHTTPPost(t *testing.T) {
	samltest.NeedXMLSec1(t)
	w := newWorld(t)
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: awsEntity, SSOURL: "https://idp.example.com/sso", SLOURL: idpSLO,
		SigningCertificates: []*x509.Certificate{w.idp.Certificate}, NameIDFormats: []string{saml.NameIDEmail}})
	if err != nil {
		t.Fatal(err)
	}
	redirect := `<md:SingleLogoutService Binding="` + saml.BindingHTTPRedirect + `" Location="` + idpSLO + `"/>`
	if !strings.Contains(string(md), redirect) {
		t.Fatalf("no Redirect SLO endpoint to remove in\n%s", md)
	}
	md = []byte(strings.Replace(string(md), redirect, "", 1))
	if r := w.admin(w.acme).upload("/orgs/acme/settings/sso", map[string]string{"provider": "aws", "idp_source": "file"}, md); r.Status != http.StatusSeeOther {
		t.Fatalf("upload = %d", r.Status)
	}
	w.member(w.acme, "pat@corp.example", "member")
	signIn := func(index string) *client {
		c := w.client()
		if r := c.postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.SessionIndex = index }), ""); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-in = %d\n%s", r.Status, excerpt(r.Body))
		}
		return c
	}
	kp, ok, err := w.svc.OrgKey(t.Context(), w.acme)
	if err != nil || !ok {
		t.Fatalf("org key: %v %v", ok, err)
	}

	// The Workspace signs out: a posted, XML-signed LogoutRequest.
	first := signIn("_p1")
	r := first.Do("POST", "/logout", nil)
	action, fields := postedForm(t, r.Body)
	xml, err := saml.DecodeBase64([]byte(fields.Get("SAMLRequest")), 1<<20)
	if action != idpSLO || err != nil || !strings.Contains(string(xml), "_p1") {
		t.Fatalf("LogoutRequest posted to %s: %v\n%s", action, err, xml)
	}
	if err := samltest.XMLSec1Verify(t, xml, kp.Certificate); err != nil {
		t.Errorf("xmlsec1 refused the Workspace's LogoutRequest: %v", err)
	}

	// The IdP's LogoutRequest, posted and signed by xmlsec1.
	second := signIn("_p2")
	unsigned := w.idpLogoutRequest(t, func(p *saml.LogoutRequestParams) { p.SessionIndex = "_p2" })
	r = w.client().Do("POST", "/saml/acme/slo", url.Values{"SAMLRequest": {saml.EncodeBase64(unsigned)}})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "signature_missing") || !signedIn(second) {
		t.Fatalf("an unsigned posted LogoutRequest = %d (session kept %v)\n%s", r.Status, signedIn(second), excerpt(r.Body))
	}
	signed := samltest.XMLSec1SignRoot(t, unsigned, w.idp)
	r = second.Do("POST", "/saml/acme/slo", url.Values{"SAMLRequest": {saml.EncodeBase64(signed)}, "RelayState": {"idp-state"}})
	action, fields = postedForm(t, r.Body)
	if action != idpSLO || fields.Get("RelayState") != "idp-state" {
		t.Fatalf("LogoutResponse posted to %s with %v\n%s", action, fields, excerpt(r.Body))
	}
	xml, _ = saml.DecodeBase64([]byte(fields.Get("SAMLResponse")), 1<<20)
	if err := samltest.XMLSec1Verify(t, xml, kp.Certificate); err != nil || !strings.Contains(string(xml), saml.StatusSuccess) {
		t.Errorf("xmlsec1 and the LogoutResponse: %v\n%s", err, xml)
	}
	if signedIn(second) {
		t.Error("the posted LogoutRequest did not end the session it named")
	}
}
