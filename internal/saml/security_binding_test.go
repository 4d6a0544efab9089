// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"crypto/rand"
	"crypto/x509"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

const (
	spEntity = "https://sp.example.com/saml/acme/metadata"
	spACS    = "https://sp.example.com/saml/acme/acs"
	idpSSO   = "https://idp.example.com/saml/apps/app_1/sso"
)

var reqNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newRequest(t *testing.T, mutate func(*saml.AuthnRequestParams)) *saml.AuthnRequest {
	t.Helper()
	p := saml.AuthnRequestParams{Issuer: spEntity, Destination: idpSSO, ACSURL: spACS, Now: reqNow, Rand: rand.Reader}
	if mutate != nil {
		mutate(&p)
	}
	r, err := saml.NewAuthnRequest(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// signedBy signs the request (HTTP-POST binding) with the named test key.
func signedBy(t *testing.T, key string) func(*saml.AuthnRequestParams) {
	kp := samltest.Key(t, key)
	return func(p *saml.AuthnRequestParams) { p.SignWith = &kp }
}

func policy(t *testing.T) saml.AuthnRequestPolicy {
	return saml.AuthnRequestPolicy{SSOURL: idpSSO, SPEntityID: spEntity, ACSURLs: []string{spACS},
		SPCerts: []*x509.Certificate{samltest.Key(t, "sp").Certificate}, Now: reqNow.Add(5 * time.Second)}
}

// checkRedirect decodes a Redirect-binding URL's query and checks it.
func checkRedirect(t *testing.T, rawQuery string, p saml.AuthnRequestPolicy) (string, error) {
	t.Helper()
	msg, err := saml.DecodeRedirect(rawQuery, saml.Limits{})
	if err != nil {
		return "", err
	}
	r, err := saml.ParseAuthnRequest(msg.XML, saml.Limits{})
	if err != nil {
		return "", err
	}
	p.Redirect = msg
	return saml.CheckAuthnRequest(r, p)
}

func signedRedirectQuery(t *testing.T, xml []byte) string {
	t.Helper()
	key := samltest.Key(t, "sp")
	u, err := saml.RedirectURL(idpSSO, "SAMLRequest", xml, "state-1", &key)
	if err != nil {
		t.Fatal(err)
	}
	return u[strings.Index(u, "?")+1:]
}

func TestRedirectRoundTrip(t *testing.T) {
	req := newRequest(t, nil)
	q := signedRedirectQuery(t, req.XML)
	p := policy(t)
	p.RequireSigned = true
	acs, err := checkRedirect(t, q, p)
	if err != nil || acs != spACS {
		t.Fatalf("signed redirect = %q, %v", acs, err)
	}
	// Reordered parameters carry the same signed values and still verify.
	parts := strings.Split(q, "&")
	parts[0], parts[len(parts)-1] = parts[len(parts)-1], parts[0]
	if _, err := checkRedirect(t, strings.Join(parts, "&"), p); err != nil {
		t.Errorf("reordered parameters: %v", err)
	}
}

func TestSecurityCase74RedirectParameters(t *testing.T) {
	q := signedRedirectQuery(t, newRequest(t, nil).XML)
	p := policy(t)
	p.RequireSigned = true
	v, _ := url.ParseQuery(q)
	tests := []struct {
		name  string
		query string
		want  saml.Code
	}{
		{"duplicated SAMLRequest", q + "&SAMLRequest=" + url.QueryEscape(v.Get("SAMLRequest")), saml.CodeRequestInvalid},
		{"%53AMLRequest is not SAMLRequest", strings.Replace(q, "SAMLRequest=", "%53AMLRequest=", 1), saml.CodeRequestInvalid},
		{"altered SigAlg", strings.Replace(q, url.QueryEscape(saml.AlgRSASHA256), url.QueryEscape(saml.AlgRSASHA512), 1), saml.CodeSignatureAlgorithm},
		{"SigAlg downgraded to rsa-sha1", strings.Replace(q, url.QueryEscape(saml.AlgRSASHA256), url.QueryEscape(saml.AlgRSASHA1), 1), saml.CodeSignatureAlgorithm},
		{"RelayState altered", strings.Replace(q, "RelayState=state-1", "RelayState=state-2", 1), saml.CodeSignatureInvalid},
		{"RelayState dropped", strings.Replace(q, "RelayState=state-1&", "", 1), saml.CodeSignatureInvalid},
		{"signature dropped where required", q[:strings.Index(q, "&SigAlg")], saml.CodeSignatureMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := checkRedirect(t, tt.query, p); saml.CodeOf(err) != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

func TestSecurityCasesIdPRequests(t *testing.T) {
	evilACS := func(u string) func(*saml.AuthnRequestParams) {
		return func(p *saml.AuthnRequestParams) { p.ACSURL = u }
	}
	tests := []struct {
		name   string
		mutate func(*saml.AuthnRequestParams)
		edit   func(xml string) string
		pol    func(*saml.AuthnRequestPolicy)
		want   saml.Code
	}{
		{name: "76a ACS URL not in the SP's metadata", mutate: evilACS("https://evil.example/acs"), want: saml.CodeACSURLNotRegistered},
		{name: "76b javascript: ACS URL", mutate: evilACS("javascript:alert(1)"), want: saml.CodeACSURLNotRegistered},
		{name: "77a unknown Issuer", mutate: func(p *saml.AuthnRequestParams) { p.Issuer = "https://stranger.example" }, want: saml.CodeUnknownServiceProvider},
		{name: "77b unsigned where the SP requires signing", pol: func(p *saml.AuthnRequestPolicy) { p.RequireSigned = true }, want: saml.CodeSignatureMissing},
		{name: "77c wrong Destination", mutate: func(p *saml.AuthnRequestParams) { p.Destination = "https://idp.example.com/saml/apps/app_2/sso" }, want: saml.CodeDestinationMismatch},
		{name: "77d stale request", pol: func(p *saml.AuthnRequestPolicy) { p.Now = reqNow.Add(time.Hour) }, want: saml.CodeRequestInvalid},
		{name: "78a ID with a quote (CVE-2021-37154)", edit: func(x string) string { return replaceID(x, `_a&quot;b`) }, want: saml.CodeRequestInvalid},
		{name: "78b ID with < and &", edit: func(x string) string { return replaceID(x, `_a&lt;b&amp;c`) }, want: saml.CodeRequestInvalid},
		{name: "accepted: plain request", want: ""},
		{name: "accepted: XML-signed request where signing is required", mutate: signedBy(t, "sp"),
			pol: func(p *saml.AuthnRequestPolicy) { p.RequireSigned = true }, want: ""},
		{name: "77e XML-signed by a key not in the SP's metadata", mutate: signedBy(t, "attacker"), want: saml.CodeCertificateUntrusted},
		{name: "77f XML-signed request altered after signing", mutate: signedBy(t, "sp"),
			edit: func(x string) string { return strings.Replace(x, spACS, spACS+"2", 1) }, want: saml.CodeSignatureInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xml := string(newRequest(t, tt.mutate).XML)
			if tt.edit != nil {
				xml = tt.edit(xml)
			}
			p := policy(t)
			if tt.pol != nil {
				tt.pol(&p)
			}
			r, err := saml.ParseAuthnRequest([]byte(xml), saml.Limits{})
			if err == nil {
				_, err = saml.CheckAuthnRequest(r, p)
			}
			if saml.CodeOf(err) != tt.want && !(tt.want == "" && err == nil) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func replaceID(xml, id string) string {
	i := strings.Index(xml, ` ID="`)
	j := strings.Index(xml[i+5:], `"`)
	return xml[:i+5] + id + xml[i+5+j:]
}

// TestSecurityCase79AttributeValuesStayText: a value that looks like XML is
// sent as text; the assertion stays well-formed, signed and one attribute.
func TestSecurityCase79AttributeValuesStayText(t *testing.T) {
	env := samltest.NewEnv(t)
	evil := `</saml:AttributeValue><saml:Attribute Name="role"><saml:AttributeValue>admin`
	xml := env.Response(t, func(p *saml.ResponseParams) {
		p.Attributes = append(p.Attributes, saml.Attribute{Name: "department", Values: []string{evil}})
	})
	a, err := env.Verifier().Verify(t.Context(), xml)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Attribute("role"); ok {
		t.Error("the value injected a role attribute")
	}
	if v, _ := a.Attribute("department"); len(v) != 1 || v[0] != evil {
		t.Errorf("department = %q, want the text unchanged", v)
	}
}

// TestSecurityCase80HostileSPMetadata: SP metadata uploads are refused for
// javascript: locations (CVE-2023-45683), DOCTYPEs and several entities.
func TestSecurityCase80HostileSPMetadata(t *testing.T) {
	good, err := saml.SPMetadata(saml.SPMetadataParams{EntityID: spEntity, ACSURL: spACS})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := saml.ParseMetadata(good, saml.MetadataOptions{Require: saml.RoleSP}); err != nil {
		t.Fatalf("good SP metadata: %v", err)
	}
	two := `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">` +
		strings.Repeat(strings.TrimPrefix(string(good), `<?xml version="1.0" encoding="UTF-8"?>`), 2) + `</md:EntitiesDescriptor>`
	tests := []struct {
		name string
		xml  string
		want saml.Code
	}{
		{"javascript: Location", strings.Replace(string(good), spACS, "javascript:alert(document.domain)", 1), saml.CodeMetadataInvalid},
		{"data: Location", strings.Replace(string(good), spACS, "data:text/html,x", 1), saml.CodeMetadataInvalid},
		{"relative Location", strings.Replace(string(good), spACS, "/acs", 1), saml.CodeMetadataInvalid},
		{"DOCTYPE", strings.Replace(string(good), "?>", "?><!DOCTYPE md [<!ENTITY x 'y'>]>", 1), saml.CodeXMLForbidden},
		{"two EntityDescriptors", two, saml.CodeMetadataInvalid},
		{"IdP metadata where SP metadata is needed", idpMetadata(t), saml.CodeMetadataInvalid},
		{"not metadata at all", "<html><body>login</body></html>", saml.CodeMetadataInvalid},
		{"a web page with a DOCTYPE", "<!DOCTYPE html><html><body>error</body></html>", saml.CodeMetadataInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := saml.ParseMetadata([]byte(tt.xml), saml.MetadataOptions{Require: saml.RoleSP}); saml.CodeOf(err) != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

func idpMetadata(t *testing.T) string {
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: "https://idp.example.com", SSOURL: idpSSO,
		SigningCertificates: []*x509.Certificate{samltest.Key(t, "idp").Certificate}})
	if err != nil {
		t.Fatal(err)
	}
	return string(md)
}

// TestPOSTBindingSignedRequest: an AuthnRequest signed inside the XML (the
// HTTP-POST binding) is verified with the SP's certificate only.
func TestPOSTBindingSignedRequest(t *testing.T) {
	sign := func(key saml.KeyPair, tamper bool) []byte {
		doc := samltest.Parse(t, newRequest(t, nil).XML)
		samltest.Sign(t, doc.Root(), key, samltest.SignOptions{})
		if tamper {
			doc.Root().RemoveAttr("AssertionConsumerServiceURL")
			doc.Root().CreateAttr("AssertionConsumerServiceURL", spACS+"?x")
		}
		return samltest.Bytes(t, doc)
	}
	p := policy(t)
	p.RequireSigned = true
	tests := []struct {
		name string
		xml  []byte
		want saml.Code
	}{
		{"signed by the SP", sign(samltest.Key(t, "sp"), false), ""},
		{"tampered after signing", sign(samltest.Key(t, "sp"), true), saml.CodeSignatureInvalid},
		{"signed by someone else", sign(samltest.Key(t, "attacker"), false), saml.CodeCertificateUntrusted},
		{"unsigned where signing is required", newRequest(t, nil).XML, saml.CodeSignatureMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := saml.ParseAuthnRequest(tt.xml, saml.Limits{})
			if err == nil {
				_, err = saml.CheckAuthnRequest(r, p)
			}
			if tt.want == "" {
				if err != nil || !r.Signed {
					t.Fatalf("got %v (signed %v), want accepted and signed", err, r != nil && r.Signed)
				}
				return
			}
			if saml.CodeOf(err) != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}
