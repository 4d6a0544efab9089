// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package oidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// NewClient is a host app to register.
type NewClient struct {
	Name         string
	RedirectURIs []string
	Public       bool // PKCE only, no secret (single-page and native apps)
}

// Registered is a registered host app with its secret, which is shown
// once and stored only as a hash.
type Registered struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
}

// RegisterClient checks and stores a host app. Redirect URIs must be
// absolute https URLs, or http on a loopback host (a developer's machine);
// they are later matched exactly.
func RegisterClient(ctx context.Context, st store.OAuth, in NewClient, now time.Time) (Registered, error) {
	name, err := ident.Clean(in.Name, ident.MaxName)
	if err != nil || name == "" {
		msg := "Give the host app a name (--name)."
		if err != nil {
			msg = "The host app name is not accepted: " + err.Error() + "."
		}
		return Registered{}, web.BadRequest(msg)
	}
	if len(in.RedirectURIs) == 0 {
		return Registered{}, web.BadRequest("Give at least one redirect URI (--redirect-uri), where the host app receives the code.")
	}
	for _, u := range in.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return Registered{}, web.BadRequest("The redirect URI " + u + " is not accepted: " + err.Error() + ".")
		}
	}
	c := store.OAuthClient{Name: name, RedirectURIs: in.RedirectURIs, Public: in.Public, CreatedAt: now}
	var secret string
	if !in.Public {
		secret = newSecret()
		c.SecretHash = web.HashToken(secret)
	}
	c, err = st.CreateOAuthClient(ctx, c)
	if err != nil {
		return Registered{}, err
	}
	return Registered{ClientID: c.ID, ClientSecret: secret}, nil
}

// RotateSecret gives a confidential host app a new secret; the old one
// stops working at once.
func RotateSecret(ctx context.Context, st store.OAuth, clientID string) (Registered, error) {
	secret := newSecret()
	_, err := st.UpdateOAuthClient(ctx, clientID, func(c *store.OAuthClient) error {
		if c.Public {
			return web.BadRequest("A public host app has no secret to rotate.")
		}
		c.SecretHash = web.HashToken(secret)
		return nil
	})
	if err != nil {
		return Registered{}, err
	}
	return Registered{ClientID: clientID, ClientSecret: secret}, nil
}

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fmt.Errorf("use an absolute URL such as https://app.example.com/callback")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("a redirect URI has no fragment")
	case u.User != nil:
		return fmt.Errorf("a redirect URI has no user name or password")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("use https (http only on localhost or a loopback address)")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// client is a registered host app as the protocol library sees it.
type client struct {
	store.OAuthClient
	loginURL func(requestID string) string
}

var _ op.Client = client{}

func (c client) GetID() string                    { return c.ID }
func (c client) RedirectURIs() []string           { return c.OAuthClient.RedirectURIs }
func (c client) PostLogoutRedirectURIs() []string { return nil }
func (c client) ApplicationType() op.ApplicationType {
	if c.Public {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}
func (c client) AuthMethod() oidc.AuthMethod {
	if c.Public {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}
func (c client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c client) GrantTypes() []oidc.GrantType { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c client) LoginURL(id string) string    { return c.loginURL(id) }
func (c client) AccessTokenType() op.AccessTokenType {
	return op.AccessTokenTypeBearer
}
func (c client) IDTokenLifetime() time.Duration { return 10 * time.Minute }

// DevMode lets a public client's registered http loopback URIs through the
// library's scheme rule; registration already allows http only on loopback
// hosts, and every URI is still matched exactly.
func (c client) DevMode() bool { return c.Public }
func (c client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) IsScopeAllowed(scope string) bool { return scope == scopeGroups }

// IDTokenUserinfoClaimsAssertion puts the profile in the ID token as well
// as at userinfo: a host app needs nothing but the ID token.
func (c client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c client) ClockSkew() time.Duration             { return 0 }

// scopeGroups asks for the groups claim.
const scopeGroups = "groups"
