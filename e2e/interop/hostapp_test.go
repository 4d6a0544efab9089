// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/signet-sso/signet/e2e/harness"
)

// hostAppSignIn signs a person in to a host app through Signet's OpenID
// Connect provider, with golang.org/x/oauth2 as the host app: authorize
// with the org and PKCE, signIn takes the browser through the org's IdP,
// the code comes back to the host app's redirect URI and is exchanged; the
// ID token is verified with go-jose against Signet's JWKS. Returns its
// claims.
func hostAppSignIn(t *testing.T, s *harness.Signet, org string, signIn func(*harness.Browser, *harness.Page) *harness.Page) map[string]any {
	t.Helper()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "host app") }))
	t.Cleanup(app.Close)
	var reg struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(s.CLI("", "sp", "client", "add", "--name", "Host app", "--redirect-uri", app.URL+"/callback")), &reg); err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: reg.ClientID, ClientSecret: reg.ClientSecret, RedirectURL: app.URL + "/callback",
		Endpoint: oauth2.Endpoint{AuthURL: s.SP + "/oauth/authorize", TokenURL: s.SP + "/oauth/token"}, Scopes: []string{"openid", "email", "profile"}}
	verifier := oauth2.GenerateVerifier()
	b := harness.NewBrowser(t)
	p := signIn(b, b.Get(conf.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("organization", org))))
	q := p.URL.Query()
	if p.URL.Path != "/callback" || q.Get("code") == "" || q.Get("state") != "st-1" {
		t.Fatalf("the host app got %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	tok, err := conf.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		t.Fatalf("id_token %q: %v", raw, err)
	}
	resp, err := http.Get(s.SP + "/oauth/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var keys jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&keys); err != nil {
		t.Fatal(err)
	}
	found := keys.Key(jws.Signatures[0].Header.KeyID)
	if len(found) != 1 {
		t.Fatalf("JWKS lacks the ID token's key")
	}
	payload, err := jws.Verify(found[0].Key)
	if err != nil {
		t.Fatalf("ID token does not verify with Signet's JWKS: %v", err)
	}
	var claims map[string]any
	var std jwt.Claims
	if err := errors.Join(json.Unmarshal(payload, &claims), json.Unmarshal(payload, &std)); err != nil ||
		std.Validate(jwt.Expected{Issuer: s.SP, AnyAudience: jwt.Audience{reg.ClientID}}) != nil {
		t.Fatalf("ID token claims %s: %v", payload, err)
	}
	return claims
}
