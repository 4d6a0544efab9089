// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"strings"
	"testing"
)

func attrs(kv ...string) []Attribute {
	var out []Attribute
	for i := 0; i < len(kv); i += 2 {
		out = append(out, Attribute{Name: kv[i], Values: []string{kv[i+1]}})
	}
	return out
}

func TestResolveIdentity(t *testing.T) {
	tests := []struct {
		name      string
		a         Assertion
		wantEmail string
		wantCode  Code
	}{
		{"NameID emailAddress", Assertion{NameID: "pat@corp.example", NameIDFormat: NameIDEmail}, "pat@corp.example", ""},
		{"NameID looks like email", Assertion{NameID: "pat@corp.example", NameIDFormat: NameIDUnspecified}, "pat@corp.example", ""},
		{"NameID wins over attribute", Assertion{NameID: "a@x.example", NameIDFormat: NameIDEmail,
			Attributes: attrs("email", "b@x.example")}, "a@x.example", ""},
		{"claims URI before email", Assertion{NameID: "opaque", NameIDFormat: NameIDPersistent,
			Attributes: attrs("email", "second@x.example", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "first@x.example")}, "first@x.example", ""},
		{"case-insensitive name", Assertion{NameID: "opaque", Attributes: attrs("EMAIL", "pat@x.example")}, "pat@x.example", ""},
		{"seed mapping", Assertion{NameID: "pat@x.example", NameIDFormat: NameIDEmail,
			Attributes: []Attribute{{Name: "email", NameFormat: AttrNameFormatBasic, Values: []string{"pat@x.example"}}}}, "pat@x.example", ""},
		{"AWS default: persistent and no attributes", Assertion{NameID: "9a7b5c3d-1111-2222-3333-444455556666", NameIDFormat: NameIDPersistent},
			"", CodeAttributeStatementNone},
		{"empty AttributeStatement", Assertion{NameID: "opaque", HasAttributeStatement: true}, "", CodeAttributeStatementNone},
		{"literal ${user:email} in NameID", Assertion{NameID: "${user:email}", NameIDFormat: NameIDEmail}, "", CodeEmailPlaceholder},
		{"literal ${user:email} attribute", Assertion{NameID: "opaque", Attributes: attrs("email", "${user:email}")}, "", CodeEmailPlaceholder},
		{"$(user:email} typo", Assertion{NameID: "opaque", Attributes: attrs("email", "$(user:email}")}, "", CodeEmailPlaceholder},
		{"{{email}}", Assertion{NameID: "opaque", Attributes: attrs("email", "{{email}}")}, "", CodeEmailPlaceholder},
		{"empty email attribute", Assertion{NameID: "opaque", Attributes: attrs("email", "")}, "", CodeEmailMissing},
		{"attributes but no email", Assertion{NameID: "opaque", Attributes: attrs("firstName", "Pat")}, "", CodeEmailMissing},
		{"not an email", Assertion{NameID: "opaque", Attributes: attrs("email", "pat at corp")}, "", CodeEmailInvalid},
		{"display-name form refused", Assertion{NameID: "opaque", Attributes: attrs("email", "Pat <pat@x.example>")}, "", CodeEmailInvalid},
		{"emailAddress NameID that is not one", Assertion{NameID: "pat", NameIDFormat: NameIDEmail}, "", CodeEmailInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ResolveIdentity(&tt.a, ProviderAWS)
			if tt.wantCode != "" {
				if CodeOf(err) != tt.wantCode {
					t.Fatalf("ResolveIdentity = %+v, %v; want %s", id, err, tt.wantCode)
				}
				if h := AsError(err).Hint; !strings.Contains(h, "IAM Identity Center") {
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
	a := Assertion{NameID: "opaque", NameIDFormat: NameIDPersistent}
	_, err := ResolveIdentity(&a, RecognizeProvider("https://portal.sso.us-east-1.amazonaws.com/saml/assertion/NDQ0OTc1"))
	want := "Subject = ${user:email}, format emailAddress; add attribute email = ${user:email}, format basic"
	if h := AsError(err).Hint; !strings.Contains(h, want) {
		t.Errorf("hint = %q, want it to contain %q", h, want)
	}
	_, err = ResolveIdentity(&Assertion{NameID: "x", Attributes: attrs("email", "")}, ProviderAWS)
	if h := AsError(err).Hint; !strings.Contains(h, "Primary email") {
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
// responses: each either yields an email or says precisely why not.
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
		p, resp, md := loadFixture(t, name)
		a, err := fixtureVerifier(t, name, p, md, false).Verify(t.Context(), resp)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		id, err := ResolveIdentity(a, RecognizeProvider(a.Issuer))
		if err != nil || id.Email != email {
			t.Errorf("%s: identity = %+v, %v; want %s", name, id, err, email)
		}
	}
}
