// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

func TestRequestedAuthnContext(t *testing.T) {
	const pw, mfa, kerberos = AuthnContextPassword, AuthnContextMFA, "urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos"
	for _, tc := range []struct {
		name       string
		classes    []string
		comparison string
		got        string
		ok, stepUp bool
	}{
		{"none asked", nil, "", pw, true, false},
		{"MFA asked, password had", []string{mfa}, "", pw, false, true},
		{"MFA asked, MFA had", []string{mfa}, "exact", mfa, true, false},
		{"password exact, MFA had", []string{pw}, "exact", mfa, false, false},
		{"password minimum, MFA had", []string{pw}, "minimum", mfa, true, false},
		{"password better, password had", []string{pw}, "better", pw, false, true},
		{"MFA maximum, password had", []string{mfa}, "maximum", pw, true, false},
		{"an unknown class only", []string{kerberos}, "exact", mfa, false, false},
		{"an unknown class or MFA", []string{kerberos, mfa}, "", pw, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := NewAuthnRequest(AuthnRequestParams{Issuer: "https://sp.example", Destination: "https://idp.example/sso",
				ACSURL: "https://sp.example/acs", RequestedAuthnContext: tc.classes, Comparison: tc.comparison, Now: time.Now(), Rand: rand.Reader})
			if err != nil {
				t.Fatal(err)
			}
			ar, err := ParseAuthnRequest(req.XML, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ar.RequestedAuthnContext) != len(tc.classes) {
				t.Fatalf("parsed %v, sent %v", ar.RequestedAuthnContext, tc.classes)
			}
			ok, stepUp := ar.ContextOK(tc.got)
			if ok != tc.ok || stepUp != tc.stepUp {
				t.Errorf("ContextOK(%s) = %v, %v; want %v, %v", tc.got, ok, stepUp, tc.ok, tc.stepUp)
			}
		})
	}
	// Hostile requests: an unknown Comparison, too many classes.
	for _, bad := range []string{
		`<samlp:RequestedAuthnContext Comparison="whatever"><saml:AuthnContextClassRef>x</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>`,
		`<samlp:RequestedAuthnContext>` + strings.Repeat(`<saml:AuthnContextClassRef>x</saml:AuthnContextClassRef>`, 9) + `</samlp:RequestedAuthnContext>`,
	} {
		req, _ := NewAuthnRequest(AuthnRequestParams{Issuer: "https://sp.example", Destination: "https://idp.example/sso",
			ACSURL: "https://sp.example/acs", Now: time.Now(), Rand: rand.Reader})
		xml := strings.Replace(string(req.XML), "</samlp:AuthnRequest>", bad+"</samlp:AuthnRequest>", 1)
		if _, err := ParseAuthnRequest([]byte(xml), Limits{}); CodeOf(err) != CodeRequestInvalid {
			t.Errorf("parse %.60s… = %v, want request_invalid", bad, err)
		}
	}
}
