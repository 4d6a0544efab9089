// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	cryptoRandPkg "crypto/rand"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The fuzz targets are seeded from the fixtures (and testdata/fuzz, where
// `go test -fuzz` keeps what it finds). Each must never panic; the
// verifier must also never accept a mutated response.

func addFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

func FuzzVerifyResponse(f *testing.F) {
	addFiles(f, "testdata/fixtures/responses/*/response.xml")
	p, _, md := loadFixture(f, "okta-fixed-ssoready")
	m, err := ParseMetadata(md, MetadataOptions{Require: RoleIdP})
	if err != nil {
		f.Fatal(err)
	}
	v := &Verifier{IdPEntityID: m.EntityID, IdPCertificates: m.IdP.SigningCertificates,
		SPEntityID: p.SPEntityID, ACSURL: p.ACSURL, AllowIdPInitiated: true,
		Now: func() time.Time { return p.Now }}
	_, good, _ := loadFixture(f, "okta-fixed-ssoready")
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := v.Verify(t.Context(), data)
		if err == nil && string(data) != string(good) && a.NameID != "ulysse.carion@codomaindata.com" {
			t.Fatalf("accepted a changed response naming %q", a.NameID)
		}
		if err != nil && AsError(err).Message == "" {
			t.Fatalf("error without a public message: %v", err)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	addFiles(f, "testdata/fixtures/metadata/*.xml")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, r := range []Role{RoleAny, RoleIdP, RoleSP} {
			m, err := ParseMetadata(data, MetadataOptions{Require: r, Now: time.Now()})
			if err == nil && m.EntityID == "" {
				t.Fatal("accepted metadata without an entity ID")
			}
		}
	})
}

func FuzzDecodeRedirect(f *testing.F) {
	key := fuzzKey(f)
	req, _ := NewAuthnRequest(AuthnRequestParams{Issuer: "https://sp.example", Destination: "https://idp.example/sso",
		ACSURL: "https://sp.example/acs", Now: time.Now(), Rand: zeroReader{}})
	u, _ := RedirectURL("https://idp.example/sso", "SAMLRequest", req.XML, "rs", &key)
	f.Add(u[len("https://idp.example/sso?"):])
	f.Add("SAMLRequest=&RelayState=x")
	f.Add("SAMLResponse=fZBBT8MwDIX%2FSuR7m6TrNhY1nSYhJCQ4MLQL1xRulsEqxTiXO%3D")
	f.Fuzz(func(t *testing.T, q string) {
		msg, err := DecodeRedirect(q, Limits{})
		if err != nil {
			return
		}
		if len(msg.XML) > defaultLimits.MaxInflatedBytes {
			t.Fatalf("inflated %d bytes past the limit", len(msg.XML))
		}
		msg.VerifyRedirectSignature([]*x509.Certificate{key.Certificate}, false)
		if r, err := ParseAuthnRequest(msg.XML, Limits{}); err == nil {
			CheckAuthnRequest(r, AuthnRequestPolicy{SSOURL: "https://idp.example/sso", SPEntityID: "https://sp.example",
				ACSURLs: []string{"https://sp.example/acs"}, Now: time.Now(), Redirect: msg})
		}
	})
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 1
	}
	return len(p), nil
}

func fuzzKey(f *testing.F) KeyPair {
	k, err := GenerateKeyPair(cryptoRand, KeyECDSAP256, "fuzz", time.Now().Add(-time.Hour), time.Hour*24)
	if err != nil {
		f.Fatal(err)
	}
	return k
}

var cryptoRand = cryptoRandPkg.Reader
