// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"testing"
	"time"
)

func TestIssueEncryptedThenVerify(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	idp, _ := GenerateKeyPair(rand.Reader, KeyRSA2048, "idp", now.Add(-time.Hour), 24*time.Hour)
	sp, _ := GenerateKeyPair(rand.Reader, KeyRSA2048, "sp", now.Add(-time.Hour), 24*time.Hour)
	for _, method := range []string{"", encAES128CBC} {
		xml, err := IssueResponse(ResponseParams{Issuer: "https://idp", Destination: "https://sp/acs", Audience: "https://sp",
			NameID: "pat@corp.example", NameIDFormat: NameIDEmail, Key: idp, Now: now, Rand: rand.Reader,
			EncryptFor: sp.Certificate, EncryptionMethod: method})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(xml, []byte("pat@corp.example")) {
			t.Fatal("the NameID is visible in an encrypted response")
		}
		v := &Verifier{IdPEntityID: "https://idp", IdPCertificates: []*x509.Certificate{idp.Certificate}, SPEntityID: "https://sp",
			ACSURL: "https://sp/acs", AllowIdPInitiated: true, Now: func() time.Time { return now },
			DecryptionKeys: []crypto.Decrypter{sp.Signer.(crypto.Decrypter)}}
		a, err := v.Verify(t.Context(), xml)
		if err != nil || a.NameID != "pat@corp.example" || !a.Encrypted || !a.AssertionSigned || !a.ResponseSigned {
			t.Errorf("method %q: %+v, %v", method, a, err)
		}
	}
}

func TestIssueThenVerify(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, kind := range []KeyKind{KeyRSA2048, KeyECDSAP256} {
		for _, mode := range []SignMode{SignBoth, SignAssertion, SignResponse} {
			key, err := GenerateKeyPair(rand.Reader, kind, "test idp", now.Add(-time.Hour), 24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			xml, err := IssueResponse(ResponseParams{
				Issuer: "https://idp.example/saml/apps/app_1", Destination: "https://sp.example/saml/acme/acs",
				Audience: "https://sp.example/saml/acme/metadata", NameID: "pat@corp.example", NameIDFormat: NameIDEmail,
				Attributes: []Attribute{{Name: "email", NameFormat: AttrNameFormatBasic, Values: []string{"pat@corp.example"}}},
				Key:        key, Sign: mode, Now: now, Rand: rand.Reader, SessionDuration: time.Hour,
			})
			if err != nil {
				t.Fatal(err)
			}
			v := &Verifier{IdPEntityID: "https://idp.example/saml/apps/app_1", IdPCertificates: []*x509.Certificate{key.Certificate},
				SPEntityID: "https://sp.example/saml/acme/metadata", ACSURL: "https://sp.example/saml/acme/acs",
				AllowIdPInitiated: true, Now: func() time.Time { return now.Add(10 * time.Second) }}
			a, err := v.Verify(t.Context(), xml)
			if err != nil {
				t.Fatalf("%s mode %d: %v\n%s", kind, mode, err, xml)
			}
			if a.NameID != "pat@corp.example" || a.ResponseSigned != (mode != SignAssertion) || a.AssertionSigned != (mode != SignResponse) {
				t.Errorf("%s mode %d: %+v", kind, mode, a)
			}
		}
	}
}
