// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"strings"
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

// TestSecurityCase84ECDSAInTheXMLSignatureEncoding: ECDSA signature values
// are r‖s in both directions. What the Identity Center signs with a P-256
// key verifies with xmlsec1; what xmlsec1 signs verifies here.
func TestSecurityCase84ECDSAInTheXMLSignatureEncoding(t *testing.T) {
	samltest.NeedXMLSec1(t)
	env := samltest.NewEnv(t)
	ec, err := saml.GenerateKeyPair(rand.Reader, saml.KeyECDSAP256, "ecdsa idp", env.Now.Add(-time.Hour), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	env.Key = ec
	ours := env.Response(t, nil) // both signed
	for _, sv := range samltest.Parse(t, ours).FindElements("//SignatureValue") {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sv.Text()))
		if err != nil || len(raw) != 64 {
			t.Errorf("SignatureValue of %d bytes (%v), want r‖s: 64 bytes for P-256", len(raw), err)
		}
	}
	if err := samltest.XMLSec1Verify(t, ours, ec.Certificate); err != nil {
		t.Errorf("xmlsec1 refuses the Identity Center's ECDSA response: %v", err)
	}
	if _, err := env.Verifier().Verify(t.Context(), ours); err != nil {
		t.Errorf("our own ECDSA response = %v", err)
	}
	theirs := samltest.XMLSec1Sign(t, env.Response(t, nil), ec, true, true)
	if _, err := env.Verifier().Verify(t.Context(), theirs); err != nil {
		t.Errorf("an xmlsec1-signed ECDSA response = %v, want accepted", err)
	}
	doc := samltest.Parse(t, theirs)
	samltest.Find(t, doc.Root(), "./Assertion/Subject/NameID").SetText("boss@corp.example")
	if _, err := env.Verifier().Verify(t.Context(), samltest.Bytes(t, doc)); saml.CodeOf(err) != saml.CodeSignatureInvalid {
		t.Errorf("a tampered ECDSA response = %v, want signature_invalid", err)
	}
}
