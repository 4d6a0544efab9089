// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"crypto/x509"
	"encoding/base64"
	"testing"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

// TestOurResponsesVerifyElsewhere: what our IdP signs is accepted by two
// independent verifiers, xmlsec1 and gosaml2, in every sign mode.
func TestOurResponsesVerifyElsewhere(t *testing.T) {
	env := samltest.NewEnv(t)
	for _, mode := range []saml.SignMode{saml.SignBoth, saml.SignAssertion, saml.SignResponse} {
		xml := env.Response(t, func(p *saml.ResponseParams) { p.Sign = mode })
		t.Run("xmlsec1", func(t *testing.T) {
			if err := samltest.XMLSec1Verify(t, xml, env.Key.Certificate); err != nil {
				t.Errorf("mode %d: first signature: %v", mode, err)
			}
			if mode == saml.SignBoth {
				// Take the Response signature away; the Assertion's must verify on its own.
				doc := samltest.Parse(t, xml)
				samltest.RemoveSignature(doc.Root())
				if err := samltest.XMLSec1Verify(t, samltest.Bytes(t, doc), env.Key.Certificate); err != nil {
					t.Errorf("assertion signature: %v", err)
				}
			}
		})
		t.Run("gosaml2", func(t *testing.T) {
			sp := &saml2.SAMLServiceProvider{
				IdentityProviderIssuer: env.IdPEntityID, ServiceProviderIssuer: env.SPEntityID,
				AssertionConsumerServiceURL: env.ACSURL, AudienceURI: env.SPEntityID,
				IDPCertificateStore: &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{env.Key.Certificate}},
				Clock:               dsig.NewFakeClockAt(env.Now.Add(10 * time.Second)),
			}
			info, err := sp.RetrieveAssertionInfo(base64.StdEncoding.EncodeToString(xml))
			if err != nil {
				t.Fatalf("mode %d: gosaml2: %v", mode, err)
			}
			if w := info.WarningInfo; w.InvalidTime || w.NotInAudience {
				t.Errorf("gosaml2 warnings: %+v", w)
			}
			if info.NameID != "pat@corp.example" || info.Values.Get("email") != "pat@corp.example" {
				t.Errorf("gosaml2 read NameID %q, email %q", info.NameID, info.Values.Get("email"))
			}
		})
	}
}

// TestXMLSec1SignedResponsesVerify: responses signed by xmlsec1, not by our
// code, pass our verifier, and a tampered one does not.
func TestXMLSec1SignedResponsesVerify(t *testing.T) {
	env := samltest.NewEnv(t)
	cases := []struct {
		name                string
		assertion, response bool
	}{{"assertion", true, false}, {"response", false, true}, {"both", true, true}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed := samltest.XMLSec1Sign(t, env.Response(t, nil), env.Key, tc.assertion, tc.response)
			a, err := env.Verifier().Verify(t.Context(), signed)
			if err != nil {
				t.Fatalf("Verify(xmlsec1-signed) = %v\n%s", err, signed)
			}
			if a.NameID != "pat@corp.example" || a.AssertionSigned != tc.assertion || a.ResponseSigned != tc.response {
				t.Errorf("got %+v", a)
			}
			doc := samltest.Parse(t, signed)
			samltest.Find(t, doc.Root(), "./Assertion/Subject/NameID").SetText("boss@corp.example")
			if _, err := env.Verifier().Verify(t.Context(), samltest.Bytes(t, doc)); saml.CodeOf(err) != saml.CodeSignatureInvalid {
				t.Errorf("tampered xmlsec1-signed response: %v, want signature_invalid", err)
			}
		})
	}
}
