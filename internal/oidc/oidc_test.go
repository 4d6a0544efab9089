// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package oidc

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

func TestCheckRedirectURI(t *testing.T) {
	for _, tt := range []struct {
		uri string
		ok  bool
	}{
		{"https://app.example.com/callback", true},
		{"https://app.example.com/callback?tenant=1", true},
		{"http://localhost:5555/callback", true},
		{"http://127.0.0.1:5555/callback", true},
		{"http://[::1]:5555/callback", true},
		{"http://app.example.com/callback", false}, // http off loopback
		{"https://app.example.com/callback#frag", false},
		{"https://user:pw@app.example.com/callback", false},
		{"/callback", false},
		{"javascript:alert(1)", false},
		{"com.example.app:/callback", false},
		{"", false},
	} {
		if err := checkRedirectURI(tt.uri); (err == nil) != tt.ok {
			t.Errorf("checkRedirectURI(%q) = %v, want ok %v", tt.uri, err, tt.ok)
		}
	}
}

func TestSubjectIsStablePerOrgAndIdPUser(t *testing.T) {
	a := &saml.Assertion{NameID: "00u1abcd", NameIDFormat: saml.NameIDPersistent}
	base := subject("org_1", "https://idp", a, "pat@example.com")
	if base != subject("org_1", "https://idp", a, "pat.new@example.com") {
		t.Error("a new email changed the subject of the same IdP user")
	}
	for name, other := range map[string]string{
		"another org": subject("org_2", "https://idp", a, "pat@example.com"),
		"another IdP": subject("org_1", "https://idp2", a, "pat@example.com"),
		"another user": subject("org_1", "https://idp", &saml.Assertion{NameID: "00u1abce", NameIDFormat: saml.NameIDPersistent},
			"pat@example.com"),
	} {
		if other == base {
			t.Errorf("%s: same subject %s", name, base)
		}
	}
	transient := func(id string) string {
		return subject("org_1", "https://idp", &saml.Assertion{NameID: id, NameIDFormat: saml.NameIDTransient}, "Pat@Example.com")
	}
	if transient("_a1") != transient("_b2") {
		t.Error("a transient NameID changed the subject between sign-ins")
	}
}

func TestProfileFromAssertion(t *testing.T) {
	a := &saml.Assertion{NameID: "pat@example.com", Attributes: []saml.Attribute{
		{Name: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", Values: []string{"Pat"}},
		{Name: "urn:oid:2.5.4.4", FriendlyName: "sn", Values: []string{"Lee"}},
		{Name: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", Values: []string{"g-1", "g-2"}},
		{Name: "department", Values: []string{"Sales"}},
	}}
	p := newProfile(store.Org{ID: "org_1", Slug: "acme"}, "entra", &sp.SignIn{Email: "pat@example.com", IdP: "https://sts", Assertion: a})
	if p.GivenName != "Pat" || p.FamilyName != "Lee" || p.Name != "Pat Lee" || !slices.Equal(p.Groups, []string{"g-1", "g-2"}) {
		t.Errorf("profile = %+v", p)
	}
	if got := p.SAML.Attributes["department"]; !slices.Equal(got, []string{"Sales"}) {
		t.Errorf("raw attributes lost department: %v", p.SAML.Attributes)
	}
	for _, verified := range []bool{false, true} {
		p.EmailVerified = verified
		b, _ := json.Marshal(p)
		var info oidc.UserInfo
		if err := fillUserinfo(&info, "u_1", string(b), []string{"openid", "email"}); err != nil {
			t.Fatal(err)
		}
		if info.Claims["email_verified"] != verified {
			t.Errorf("email_verified = %v, want %v", info.Claims["email_verified"], verified)
		}
	}
	p.EmailVerified = false
	b, _ := json.Marshal(p)
	for _, tt := range []struct {
		scopes     []string
		email      bool
		givenName  bool
		withGroups bool
	}{
		{[]string{"openid"}, false, false, false},
		{[]string{"openid", "email"}, true, false, false},
		{[]string{"openid", "profile"}, false, true, true},
		{[]string{"openid", "groups"}, false, false, true},
	} {
		var info oidc.UserInfo
		if err := fillUserinfo(&info, "u_1", string(b), tt.scopes); err != nil {
			t.Fatal(err)
		}
		_, hasGroups := info.Claims["groups"]
		if (info.Email != "") != tt.email || (info.GivenName != "") != tt.givenName || hasGroups != tt.withGroups ||
			info.Subject != "u_1" || info.Claims["org"] == nil {
			t.Errorf("scopes %v: %+v", tt.scopes, info)
		}
		if tt.email && info.Claims["email_verified"] != false {
			t.Errorf("scopes %v: email_verified = %v, want false: the domain is not verified", tt.scopes, info.Claims["email_verified"])
		}
	}
}
