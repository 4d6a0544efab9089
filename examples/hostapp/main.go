// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Command hostapp is a SaaS app that adds enterprise SSO through Signet:
// it sends a person to Signet naming their company's org, and receives
// who they are over OpenID Connect, with nothing but a standard client
// library (golang.org/x/oauth2 and github.com/coreos/go-oidc/v3).
//
//	signet sp client add --name "My app" --redirect-uri http://127.0.0.1:5555/callback
//	HOSTAPP_CLIENT_ID=… HOSTAPP_CLIENT_SECRET=… go run . --issuer http://localhost:8000
//
// Then open http://127.0.0.1:5555 and sign in with your org's ID.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

func main() {
	issuer := flag.String("issuer", envOr("HOSTAPP_ISSUER", "http://localhost:8000"), "Signet Workspace URL (the OpenID Connect issuer)")
	addr := flag.String("addr", envOr("HOSTAPP_ADDR", "127.0.0.1:5555"), "address to listen on")
	flag.Parse()
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, *issuer) // discovery; the issuer must match exactly
	if err != nil {
		log.Fatalf("discover %s: %v", *issuer, err)
	}
	app := &hostApp{
		oauth: oauth2.Config{ClientID: os.Getenv("HOSTAPP_CLIENT_ID"), ClientSecret: os.Getenv("HOSTAPP_CLIENT_SECRET"),
			Endpoint: provider.Endpoint(), RedirectURL: "http://" + *addr + "/callback",
			Scopes: []string{oidc.ScopeOpenID, "email", "profile", "groups"}},
	}
	app.verifier = provider.Verifier(&oidc.Config{ClientID: app.oauth.ClientID})
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("hostapp listening on http://%s\n", l.Addr())
	srv := &http.Server{Handler: app.routes(), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(l))
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

type hostApp struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func (a *hostApp) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { render(w, http.StatusOK, "home", nil) })
	mux.HandleFunc("GET /login", a.login)
	mux.HandleFunc("GET /callback", a.callback)
	return mux
}

// login sends the person to Signet with their org (or their work email,
// which Signet routes by the org's verified domain), a state and a nonce
// (kept in a cookie) and a PKCE challenge.
func (a *hostApp) login(w http.ResponseWriter, r *http.Request) {
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	http.SetCookie(w, &http.Cookie{Name: "hostapp_flow", Value: state + "." + nonce + "." + verifier, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	opts := []oauth2.AuthCodeOption{oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)}
	if org := strings.TrimSpace(r.URL.Query().Get("organization")); org != "" {
		opts = append(opts, oauth2.SetAuthURLParam("organization", org))
	}
	if email := strings.TrimSpace(r.URL.Query().Get("email")); email != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", email))
	}
	http.Redirect(w, r, a.oauth.AuthCodeURL(state, opts...), http.StatusFound)
}

// callback checks the state, redeems the code with the PKCE verifier,
// verifies the ID token (signature, issuer, audience, expiry, nonce) and
// shows who signed in.
func (a *hostApp) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var state, nonce, verifier string
	if c, err := r.Cookie("hostapp_flow"); err == nil {
		if parts := strings.Split(c.Value, "."); len(parts) == 3 {
			state, nonce, verifier = parts[0], parts[1], parts[2]
		}
	}
	switch {
	case q.Get("state") == "" && q.Get("code") != "" && q.Get("error") == "":
		// IdP-initiated: a tile click at the customer's IdP, which the
		// person confirmed at Signet; no state, nonce or PKCE of ours.
		nonce, verifier = "", ""
	case state == "" || q.Get("state") != state:
		render(w, http.StatusBadRequest, "error", map[string]string{"Error": "state_mismatch", "Description": "This sign-in was not started here."})
		return
	}
	if e := q.Get("error"); e != "" {
		render(w, http.StatusUnauthorized, "error", map[string]string{"Error": e, "Description": q.Get("error_description")})
		return
	}
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	tok, err := a.oauth.Exchange(r.Context(), q.Get("code"), opts...)
	if err != nil {
		render(w, http.StatusBadGateway, "error", map[string]string{"Error": "code_exchange", "Description": err.Error()})
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := a.verifier.Verify(r.Context(), raw)
	if err != nil || idt.Nonce != nonce {
		render(w, http.StatusBadGateway, "error", map[string]string{"Error": "id_token", "Description": fmt.Sprint("ID token refused: ", err)})
		return
	}
	var claims struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Org   struct {
			Slug string `json:"slug"`
		} `json:"org"`
	}
	var all map[string]any
	if err := idt.Claims(&claims); err != nil || idt.Claims(&all) != nil {
		render(w, http.StatusBadGateway, "error", map[string]string{"Error": "claims", "Description": fmt.Sprint(err)})
		return
	}
	pretty, _ := json.MarshalIndent(all, "", "  ")
	render(w, http.StatusOK, "signed_in", map[string]string{"Email": claims.Email, "Name": claims.Name, "Org": claims.Org.Slug,
		"Subject": idt.Subject, "Claims": string(pretty)})
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var pages = template.Must(template.New("").Parse(`
{{define "home"}}<!doctype html><title>Host app</title><h1>Host app</h1>
<form method="get" action="/login"><label>Work email <input name="email" type="email"></label>
<label>or organization ID <input name="organization"></label>
<button type="submit">Sign in with SSO</button></form>{{end}}
{{define "signed_in"}}<!doctype html><title>Signed in</title><h1>Signed in as {{.Email}}</h1>
<p>Organization: <strong>{{.Org}}</strong>{{with .Name}} · Name: {{.}}{{end}} · Subject: <code>{{.Subject}}</code></p>
<pre>{{.Claims}}</pre>{{end}}
{{define "error"}}<!doctype html><title>Sign-in failed</title><h1>Sign-in failed</h1>
<p><code>{{.Error}}</code>: {{.Description}}</p><p><a href="/">Try again</a></p>{{end}}`))

func render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pages.ExecuteTemplate(w, name, data)
}
