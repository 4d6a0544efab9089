// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"crypto/rand"
	"crypto/x509"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

// TestIssuedMessagesFollowTheSchema: every kind of message Signet writes is
// valid against the OASIS SAML 2.0 schemas, checked by libxml2. Schema
// order matters to strict peers: Lasso (mod_auth_mellon) and python3-saml
// refuse a Response whose Signature comes before its Issuer.
func TestIssuedMessagesFollowTheSchema(t *testing.T) {
	env := samltest.NewEnv(t)
	ec, err := saml.GenerateKeyPair(rand.Reader, saml.KeyECDSAP256, "idp-ec", env.Now.AddDate(0, 0, -1), 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	sp := samltest.Key(t, "sp")
	docs := map[string][]byte{}
	add := func(name string, xml []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		docs[name] = xml
	}
	for name, mutate := range map[string]func(*saml.ResponseParams){
		"response-both":      nil,
		"response-assertion": func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion },
		"response-response":  func(p *saml.ResponseParams) { p.Sign = saml.SignResponse },
		"response-ecdsa":     func(p *saml.ResponseParams) { p.Key = ec },
		"response-encrypted": func(p *saml.ResponseParams) { p.EncryptFor = sp.Certificate },
		"response-idp-init": func(p *saml.ResponseParams) {
			p.InResponseTo, p.SessionDuration, p.SPNameQualifier = "", 0, env.SPEntityID
		},
	} {
		docs[name] = env.Response(t, mutate)
	}
	sr, err := saml.IssueStatusResponse(saml.StatusResponseParams{
		Issuer: env.IdPEntityID, Destination: env.ACSURL, InResponseTo: "_req1",
		StatusCode: saml.StatusRequester, SubStatusCode: saml.StatusInvalidNameIDPolicy, Message: "no such format",
		Key: env.Key, Now: env.Now, Rand: rand.Reader,
	})
	add("status-response", sr, err)
	_, lr, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: env.SPEntityID, Destination: "https://idp.example.com/slo",
		NameID: "pat@corp.example", NameIDFormat: saml.NameIDEmail, SPNameQualifier: env.SPEntityID,
		SessionIndex: "_s1", Key: &sp, Now: env.Now, Rand: rand.Reader})
	add("logout-request", lr, err)
	lresp, err := saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: env.IdPEntityID,
		Destination: "https://sp.example.com/slo", InResponseTo: "_lr1", Key: &env.Key, Now: env.Now, Rand: rand.Reader})
	add("logout-response", lresp, err)
	ar, err := saml.NewAuthnRequest(saml.AuthnRequestParams{Issuer: env.SPEntityID, Destination: "https://idp.example.com/sso",
		ACSURL: env.ACSURL, NameIDFormat: saml.NameIDEmail, ForceAuthn: true,
		RequestedAuthnContext: []string{saml.AuthnContextMFA}, SignWith: &sp, Now: env.Now, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	docs["authn-request"] = ar.XML
	if out := samltest.SchemaErrors(t, false, docs); out != "" {
		t.Errorf("libxml2 finds the messages invalid against saml-schema-protocol-2.0.xsd:\n%s", out)
	}

	meta := map[string][]byte{}
	idp, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: env.IdPEntityID, SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{env.Key.Certificate, ec.Certificate}, NameIDFormats: []string{saml.NameIDEmail},
		WantAuthnRequestsSigned: true, SLOURL: "https://idp.example.com/slo"})
	meta["idp-metadata"] = idp
	if err != nil {
		t.Fatal(err)
	}
	spm, err := saml.SPMetadata(saml.SPMetadataParams{EntityID: env.SPEntityID, ACSURL: env.ACSURL, WantAssertionsSigned: true,
		AuthnRequestsSigned: true, SigningCertificate: sp.Certificate, EncryptionCertificate: sp.Certificate,
		NameIDFormats: []string{saml.NameIDEmail}, SLOURL: "https://sp.example.com/slo",
		OrganizationName: "Acme", OrganizationURL: "https://acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	meta["sp-metadata"] = spm
	if out := samltest.SchemaErrors(t, true, meta); out != "" {
		t.Errorf("libxml2 finds the metadata invalid against saml-schema-metadata-2.0.xsd:\n%s", out)
	}
}
