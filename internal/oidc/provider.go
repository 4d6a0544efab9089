// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/cors"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Provider is the OpenID Connect provider host apps use. Its issuer is the
// Workspace's base URL.
type Provider struct {
	Store  store.Store
	Sealer *secret.Sealer // seals the signing keys and the access tokens
	Issuer string         // the Workspace's base URL, without a trailing slash
	// KeyType is "rsa" (RS256, the default) or "ecdsa" (ES256) for new keys.
	KeyType string
	Now     func() time.Time
	Log     *slog.Logger
	// Authorizes budgets anonymous authorization requests, each of which
	// stores a row, per source address.
	Authorizes *web.RateLimiter

	keys    keyRing
	op      *op.Provider
	handler http.Handler
}

// New builds the provider on github.com/zitadel/oidc's op package.
func New(p *Provider) (*Provider, error) {
	if p.Sealer == nil {
		return nil, errors.New("the OpenID Connect provider needs the secret key (it seals its signing keys)")
	}
	p.keys.p = p
	if p.Authorizes == nil {
		p.Authorizes = &web.RateLimiter{Every: 3 * time.Second, Burst: 20}
	}
	cfg := &op.Config{CodeMethodS256: true, AuthMethodPost: true, SupportedUILocales: []language.Tag{language.English},
		SupportedScopes: []string{oidc.ScopeOpenID, oidc.ScopeEmail, oidc.ScopeProfile, scopeGroups}}
	opts := []op.Option{
		op.WithCrypto(sealCrypto{p.Sealer}),
		op.WithCustomAuthEndpoint(op.NewEndpoint("oauth/authorize")),
		op.WithCustomTokenEndpoint(op.NewEndpoint("oauth/token")),
		op.WithCustomUserinfoEndpoint(op.NewEndpoint("oauth/userinfo")),
		op.WithCustomKeysEndpoint(op.NewEndpoint("oauth/jwks")),
		op.WithCustomRevocationEndpoint(op.NewEndpoint("oauth/revoke")),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint("oauth/introspect")),
		op.WithCustomEndSessionEndpoint(op.NewEndpoint("oauth/end_session")),
		// Host apps' back ends call the token and userinfo endpoints;
		// browsers may read discovery and keys, without credentials.
		op.WithCORSOptions(&cors.Options{AllowedOrigins: []string{"*"}, AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Authorization", "Content-Type"}}),
	}
	if p.Log != nil {
		opts = append(opts, op.WithLogger(p.Log))
	}
	if strings.HasPrefix(p.Issuer, "http://") {
		opts = append(opts, op.WithAllowInsecure()) // a lab or a developer's machine
	}
	prov, err := op.NewProvider(cfg, storage{p}, op.StaticIssuer(p.Issuer), opts...)
	if err != nil {
		return nil, err
	}
	p.op, p.handler = prov, prov
	return p, nil
}

func (p *Provider) now() time.Time {
	if p.Now != nil {
		return p.Now().UTC()
	}
	return time.Now().UTC()
}

// Mount serves the provider's routes on the Workspace's mux.
func (p *Provider) Mount(mux *http.ServeMux) {
	mux.Handle("GET /.well-known/openid-configuration", http.HandlerFunc(p.discovery))
	mux.Handle("GET /oauth/authorize", http.HandlerFunc(p.authorize))
	mux.Handle("GET /oauth/authorize/callback", http.HandlerFunc(p.callback))
	mux.Handle("POST /oauth/continue", http.HandlerFunc(p.continueToHostApp))
	mux.Handle("GET /oauth/login", http.HandlerFunc(p.login))
	for _, path := range []string{"/oauth/token", "/oauth/revoke", "/oauth/introspect"} {
		mux.Handle("POST "+path, p.handler)
	}
	for _, path := range []string{"/oauth/userinfo", "/oauth/jwks", "/oauth/end_session"} {
		mux.Handle(path, p.handler)
	}
}

// discovery is the library's discovery document, narrowed to what Signet
// offers: the authorization-code flow only (no implicit, device or JWT
// grants), and the profile's own claims.
func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	doc := op.CreateDiscoveryConfig(op.ContextWithIssuer(r.Context(), p.Issuer), p.op, storage{p})
	doc.DeviceAuthorizationEndpoint = ""
	doc.ResponseTypesSupported = []string{string(oidc.ResponseTypeCode)}
	doc.ResponseModesSupported = []string{string(oidc.ResponseModeQuery)}
	doc.GrantTypesSupported = []oidc.GrantType{oidc.GrantTypeCode}
	doc.CodeChallengeMethodsSupported = []oidc.CodeChallengeMethod{oidc.CodeChallengeMethodS256}
	doc.ClaimsSupported = append(doc.ClaimsSupported, "groups", "org", "connection", "saml")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_ = json.NewEncoder(w).Encode(doc)
}

// CrossOriginExempt are the routes that other sites' servers (and
// browsers, without cookies) call by design: the token exchange and
// userinfo authenticate the caller themselves.
var crossOriginExempt = []string{"POST /oauth/token", "POST /oauth/revoke", "POST /oauth/introspect", "POST /oauth/userinfo"}

// CrossOriginExempt lists the routes exempt from cross-origin protection.
func CrossOriginExempt() []string { return append([]string(nil), crossOriginExempt...) }

// authorize chooses the org from the request's parameters and hands the
// request to the library, which validates the client and the redirect URI
// before anything is stored and redirects any error to that URI only.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	if !p.Authorizes.Allow(web.ClientIP(r)) {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "Too many sign-in requests from this address: wait a little and try again.", http.StatusTooManyRequests)
		return
	}
	choice := p.chooseOrg(r.Context(), r.URL.Query())
	p.handler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), choiceKey{}, choice)))
}

// login is where the library sends the browser to sign in: on to the
// chosen org's IdP, through the Workspace's SP-initiated sign-in.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	q, err := p.Store.GetOAuthRequest(r.Context(), id, p.now())
	if err != nil {
		http.Error(w, "This sign-in request is unknown or has expired: start again from the app.", http.StatusBadRequest)
		return
	}
	o, err := p.Store.GetOrg(r.Context(), q.OrgID)
	if err != nil {
		http.Error(w, "This sign-in request is unknown or has expired: start again from the app.", http.StatusBadRequest)
		return
	}
	next := "/saml/" + o.Slug + "/login?oauth_request=" + url.QueryEscape(id)
	if q.ConnectionID != "" {
		next += "&connection=" + url.QueryEscape(q.ConnectionID)
	}
	http.Redirect(w, r, next, http.StatusFound)
}

func (p *Provider) loginURL(id string) string { return "/oauth/login?id=" + url.QueryEscape(id) }

// Complete records who signed in for a host app's request and returns the
// URL that issues the code (the library's authorize callback).
func (p *Provider) Complete(ctx context.Context, id string, o store.Org, provider string, in *sp.SignIn) (string, error) {
	prof, err := p.profileFor(ctx, o, provider, in)
	if err != nil {
		return "", err
	}
	b, err := jsonMarshal(prof)
	if err != nil {
		return "", err
	}
	sub := subject(o.ID, in.IdP, in.Assertion, in.Email)
	if err := p.Store.CompleteOAuthRequest(ctx, id, o.ID, sub, b, p.now(), p.now()); err != nil {
		return "", err
	}
	return p.Issuer + "/oauth/authorize/callback?id=" + url.QueryEscape(id), nil
}

// Fail ends a host app's request with the sign-in's error: the browser
// goes back to the app's redirect URI with error, error_description (the
// code and plain words) and state (RFC 6749 §4.1.2.1). It returns "" when
// the request is unknown (the Workspace then shows its own error page).
func (p *Provider) Fail(ctx context.Context, id string, o store.Org, e *saml.Error) string {
	q, err := p.Store.GetOAuthRequest(ctx, id, p.now())
	if err != nil || q.OrgID != o.ID {
		return ""
	}
	if err := p.Store.DeleteOAuthRequest(ctx, id); err != nil && p.Log != nil {
		p.Log.ErrorContext(ctx, "end OAuth request", "err", err)
	}
	v := url.Values{"error": {"access_denied"}, "error_description": {string(e.Code) + ": " + e.Message}}
	if q.State != "" {
		v.Set("state", q.State)
	}
	return withQuery(q.RedirectURI, v)
}

func withQuery(raw string, v url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// sealCrypto encrypts access tokens and codes with the deployment's
// secret key (AES-256-GCM), so every replica can read them.
type sealCrypto struct{ s *secret.Sealer }

func (c sealCrypto) Encrypt(plain string) (string, error) {
	return base64.RawURLEncoding.EncodeToString(c.s.Seal([]byte(plain))), nil
}

func (c sealCrypto) Decrypt(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", err
	}
	plain, err := c.s.Open(b)
	return string(plain), err
}
