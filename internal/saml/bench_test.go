// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"testing"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

// benchParams make a response of about 8 KB, like a real IdP's with groups.
func benchParams(env *samltest.Env) saml.ResponseParams {
	p := env.Params()
	p.InResponseTo = ""
	groups := make([]string, 60)
	for i := range groups {
		groups[i] = fmt.Sprintf("engineering-team-%02d", i)
	}
	p.Attributes = append(p.Attributes,
		saml.Attribute{Name: "firstName", NameFormat: saml.AttrNameFormatBasic, Values: []string{"Pat"}},
		saml.Attribute{Name: "lastName", NameFormat: saml.AttrNameFormatBasic, Values: []string{"Example"}},
		saml.Attribute{Name: "groups", NameFormat: saml.AttrNameFormatBasic, Values: groups})
	return p
}

func BenchmarkSignResponse(b *testing.B) {
	env := samltest.NewEnv(b)
	ecKey, err := saml.GenerateKeyPair(rand.Reader, saml.KeyECDSAP256, "bench", env.Now.AddDate(-1, 0, 0), 1e18)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		mode saml.SignMode
		key  saml.KeyPair
	}{
		{"rsa/assertion", saml.SignAssertion, env.Key},
		{"rsa/both", saml.SignBoth, env.Key},
		{"ecdsa/assertion", saml.SignAssertion, ecKey},
		{"ecdsa/both", saml.SignBoth, ecKey},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p := benchParams(env)
			p.Sign, p.Key = tc.mode, tc.key
			b.ReportAllocs()
			for b.Loop() {
				if _, err := saml.IssueResponse(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyResponse(b *testing.B) {
	env := samltest.NewEnv(b)
	xml, err := saml.IssueResponse(benchParams(env))
	if err != nil {
		b.Fatal(err)
	}
	v := env.Verifier()
	v.AllowIdPInitiated = true
	v.Replay = nil // the replay cache is the store's cost, measured in the ACS benchmark
	b.SetBytes(int64(len(xml)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), xml); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMetadata(b *testing.B) {
	md, err := os.ReadFile("testdata/fixtures/metadata/entra-id.xml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(md)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := saml.ParseMetadata(md, saml.MetadataOptions{Require: saml.RoleIdP}); err != nil {
			b.Fatal(err)
		}
	}
}
