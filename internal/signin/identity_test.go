// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package signin

import (
	"context"
	"crypto"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
)

func attrs(kv ...string) []saml.Attribute {
	var out []saml.Attribute
	for i := 0; i < len(kv); i += 2 {
		out = append(out, saml.Attribute{Name: kv[i], Values: []string{kv[i+1]}})
	}
	return out
}

func TestResolveIdentity(t *testing.T) {
	tests := []struct {
		name      string
		a         saml.Assertion
		wantEmail string
		wantCode  saml.Code
	}{
		{"NameID emailAddress", saml.Assertion{NameID: "pat@corp.example", NameIDFormat: saml.NameIDEmail}, "pat@corp.example", ""},
		{"NameID looks like email", saml.Assertion{NameID: "pat@corp.example", NameIDFormat: saml.NameIDUnspecified}, "pat@corp.example", ""},
		{"NameID wins over attribute", saml.Assertion{NameID: "a@x.example", NameIDFormat: saml.NameIDEmail,
			Attributes: attrs("email", "b@x.example")}, "a@x.example", ""},
		{"claims URI before email", saml.Assertion{NameID: "opaque", NameIDFormat: saml.NameIDPersistent,
			Attributes: attrs("email", "second@x.example", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "first@x.example")}, "first@x.example", ""},
		{"case-insensitive name", saml.Assertion{NameID: "opaque", Attributes: attrs("EMAIL", "pat@x.example")}, "pat@x.example", ""},
		{"seed mapping", saml.Assertion{NameID: "pat@x.example", NameIDFormat: saml.NameIDEmail,
			Attributes: []saml.Attribute{{Name: "email", NameFormat: saml.AttrNameFormatBasic, Values: []string{"pat@x.example"}}}}, "pat@x.example", ""},
		{"AWS default: persistent and no attributes", saml.Assertion{NameID: "9a7b5c3d-1111-2222-3333-444455556666", NameIDFormat: saml.NameIDPersistent},
			"", CodeAttributeStatementNone},
		{"empty AttributeStatement", saml.Assertion{NameID: "opaque", HasAttributeStatement: true}, "", CodeAttributeStatementNone},
		{"literal ${user:email} in NameID", saml.Assertion{NameID: "${user:email}", NameIDFormat: saml.NameIDEmail}, "", CodeEmailPlaceholder},
		{"literal ${user:email} attribute", saml.Assertion{NameID: "opaque", Attributes: attrs("email", "${user:email}")}, "", CodeEmailPlaceholder},
		{"$(user:email} typo", saml.Assertion{NameID: "opaque", Attributes: attrs("email", "$(user:email}")}, "", CodeEmailPlaceholder},
		{"{{email}}", saml.Assertion{NameID: "opaque", Attributes: attrs("email", "{{email}}")}, "", CodeEmailPlaceholder},
		{"empty email attribute", saml.Assertion{NameID: "opaque", Attributes: attrs("email", "")}, "", CodeEmailMissing},
		{"attributes but no email", saml.Assertion{NameID: "opaque", Attributes: attrs("firstName", "Pat")}, "", CodeEmailMissing},
		{"not an email", saml.Assertion{NameID: "opaque", Attributes: attrs("email", "pat at corp")}, "", CodeEmailInvalid},
		{"display-name form refused", saml.Assertion{NameID: "opaque", Attributes: attrs("email", "Pat <pat@x.example>")}, "", CodeEmailInvalid},
		{"emailAddress NameID that is not one", saml.Assertion{NameID: "pat", NameIDFormat: saml.NameIDEmail}, "", CodeEmailInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ResolveIdentity(&tt.a, ProviderAWS)
			if tt.wantCode != "" {
				if saml.CodeOf(err) != tt.wantCode {
					t.Fatalf("ResolveIdentity = %+v, %v; want %s", id, err, tt.wantCode)
				}
				if h := saml.AsError(err).Hint; !strings.Contains(h, "IAM Identity Center") {
					t.Errorf("hint %q is not in AWS's words", h)
				}
				return
			}
			if err != nil || id.Email != tt.wantEmail {
				t.Fatalf("ResolveIdentity = %+v, %v; want %q", id, err, tt.wantEmail)
			}
		})
	}
}

func TestAWSHintNamesTheFix(t *testing.T) {
	a := saml.Assertion{NameID: "opaque", NameIDFormat: saml.NameIDPersistent}
	_, err := ResolveIdentity(&a, RecognizeProvider("https://portal.sso.us-east-1.amazonaws.com/saml/assertion/NDQ0OTc1"))
	want := "Subject = ${user:email}, format emailAddress; add attribute email = ${user:email}, format basic"
	if h := saml.AsError(err).Hint; !strings.Contains(h, want) {
		t.Errorf("hint = %q, want it to contain %q", h, want)
	}
	_, err = ResolveIdentity(&saml.Assertion{NameID: "x", Attributes: attrs("email", "")}, ProviderAWS)
	if h := saml.AsError(err).Hint; !strings.Contains(h, "Primary email") {
		t.Errorf("email_missing hint = %q, want the Primary email advice", h)
	}
}

func TestRecognizeProvider(t *testing.T) {
	tests := map[string]Provider{
		"https://portal.sso.ap-south-1.amazonaws.com/saml/assertion/NzY3": ProviderAWS,
		"http://www.okta.com/exkdoocxa1VmjpXmX697":                        ProviderOkta,
		"https://sts.windows.net/a9054a0f-2011-4e31-b3ac-fd8c354146ec/":   ProviderEntra,
		"https://accounts.google.com/o/saml2?idpid=C029op2ga":             ProviderGoogle,
		"https://app.onelogin.com/saml/metadata/503983":                   ProviderOneLogin,
		"urn:dev-abc.us.auth0.com":                                        ProviderAuth0,
		"http://localhost:8085/realms/master":                             ProviderKeycloak,
		"https://auth.pingone.com/3030059e-440b-4ad0-9217-44326f1757f6":   ProviderPingOne,
		"http://localhost:9000/saml/apps/app_x":                           ProviderSignet,
		"IdP Entity ID":                                                   ProviderOther,
	}
	for in, want := range tests {
		if got := RecognizeProvider(in); got != want {
			t.Errorf("RecognizeProvider(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestFixtureIdentities shows how the identity rules treat the real IdPs'
// responses (saml's fixtures, verified with saml's verifier): each either
// yields an email or says precisely why not.
func TestFixtureIdentities(t *testing.T) {
	want := map[string]string{
		"okta-fixed-ssoready":                "ulysse.carion@codomaindata.com",
		"google-ssoready":                    "ulysse.carion@codomaindata.com",
		"entra-ssoready":                     "ulysse.carion_codomaindata.com#EXT#@ulyssecarioncodomaindata.onmicrosoft.com",
		"jumpcloud-ssoready":                 "ulysse.carion@codomaindata.com",
		"google-crewjam":                     "ross@octolabs.io",
		"okta-encrypted-both-signed-crewjam": "testuser@testrsc.com",
	}
	for name, email := range want {
		a := verifiedFixture(t, name)
		id, err := ResolveIdentity(a, RecognizeProvider(a.Issuer))
		if err != nil || id.Email != email {
			t.Errorf("%s: identity = %+v, %v; want %s", name, id, err, email)
		}
	}
}

// verifiedFixture verifies one of saml's fixture responses as its params say.
func verifiedFixture(t *testing.T, name string) *saml.Assertion {
	t.Helper()
	dir := filepath.Join("..", "saml", "testdata", "fixtures", "responses", name)
	read := func(f string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var p struct {
		SPEntityID string    `json:"sp_entity_id"`
		ACSURL     string    `json:"acs_url"`
		Now        time.Time `json:"now"`
		RequestIDs []string  `json:"request_ids"`
		SPKey      string    `json:"sp_key"`
	}
	if err := json.Unmarshal(read("params.json"), &p); err != nil {
		t.Fatal(err)
	}
	m, err := saml.ParseMetadata(read("idp-metadata.xml"), saml.MetadataOptions{Require: saml.RoleIdP, AllowLegacyCrypto: true})
	if err != nil {
		t.Fatal(err)
	}
	v := &saml.Verifier{IdPEntityID: m.EntityID, IdPCertificates: m.IdP.SigningCertificates, SPEntityID: p.SPEntityID,
		ACSURL: p.ACSURL, AllowIdPInitiated: true, Now: func() time.Time { return p.Now }, RequestIDs: fixedRequests(p.RequestIDs)}
	if p.SPKey != "" {
		k, err := saml.ParsePrivateKey(read(p.SPKey))
		if err != nil {
			t.Fatal(err)
		}
		v.DecryptionKeys = []crypto.Decrypter{k.(crypto.Decrypter)}
	}
	a, err := v.Verify(t.Context(), read("response.xml"))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return a
}

type fixedRequests []string

func (f fixedRequests) ConsumeRequestID(_ context.Context, id string) (bool, error) {
	return slices.Contains(f, id), nil
}

func BenchmarkResolveIdentity(b *testing.B) {
	a := &saml.Assertion{NameID: "0f8fad5b-d9cb-469f-a165-70867728950e", NameIDFormat: saml.NameIDPersistent,
		Attributes: []saml.Attribute{{Name: "firstName", Values: []string{"Pat"}}, {Name: "email", Values: []string{"pat@corp.example"}}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ResolveIdentity(a, ProviderAWS); err != nil {
			b.Fatal(err)
		}
	}
}
