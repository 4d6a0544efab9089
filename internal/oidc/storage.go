// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package oidc

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Lifetimes of the protocol's state.
const (
	requestTTL     = 15 * time.Minute // from authorize to the IdP's answer
	codeTTL        = time.Minute      // a code is redeemed at once or never
	accessTokenTTL = time.Hour
)

// storage is what the protocol library keeps, in the database.
type storage struct{ p *Provider }

var _ op.Storage = storage{}

// CreateAuthRequest stores a validated authorization request for the org
// chosen by its parameters (chooseOrg), refusing what Signet does not do.
func (s storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	choice, _ := ctx.Value(choiceKey{}).(orgChoice)
	if choice.err != nil {
		return nil, choice.err
	}
	c, err := s.p.Store.GetOAuthClient(ctx, req.ClientID)
	if err != nil {
		return nil, oidc.ErrInvalidClient().WithParent(err)
	}
	switch {
	case req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256:
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	case c.Public && req.CodeChallenge == "":
		return nil, oidc.ErrInvalidRequest().WithDescription("this host app is public: PKCE (code_challenge with S256) is required")
	case req.ResponseMode != "" && req.ResponseMode != oidc.ResponseModeQuery:
		return nil, oidc.ErrInvalidRequest().WithDescription("response_mode must be query")
	}
	now := s.p.now()
	q := store.OAuthRequest{ID: newSecret(), ClientID: c.ID, OrgID: choice.org.ID, RedirectURI: req.RedirectURI,
		State: req.State, Nonce: req.Nonce, Scopes: req.Scopes, CodeChallenge: req.CodeChallenge,
		CodeChallengeMethod: string(req.CodeChallengeMethod), CreatedAt: now, ExpiresAt: now.Add(requestTTL), ConnectionID: choice.connection}
	if err := s.p.Store.SaveOAuthRequest(ctx, q); err != nil {
		return nil, err
	}
	return authRequest{q}, nil
}

func (s storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	q, err := s.p.Store.GetOAuthRequest(ctx, id, s.p.now())
	if err != nil {
		return nil, notFound(err, "the sign-in request is unknown or has expired: start again from the app")
	}
	return authRequest{q}, nil
}

// AuthRequestByCode redeems a code: the request holding it is deleted in
// the same statement, so a code works once, on any replica.
func (s storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	q, err := s.p.Store.ConsumeOAuthCode(ctx, web.HashToken(code), s.p.now())
	if err != nil {
		return nil, notFound(err, "the code is invalid, expired or already used")
	}
	return authRequest{q}, nil
}

func (s storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return s.p.Store.SetOAuthCode(ctx, id, web.HashToken(code), s.p.now().Add(codeTTL))
}

func (s storage) DeleteAuthRequest(ctx context.Context, id string) error {
	return s.p.Store.DeleteOAuthRequest(ctx, id)
}

// CreateAccessToken stores what the access token stands for: userinfo
// answers from it, on any replica.
func (s storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	a, ok := req.(authRequest)
	if !ok {
		return "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	t := store.OAuthToken{ID: newSecret(), ClientID: a.ClientID, Subject: a.Subject, Scopes: a.Scopes,
		Profile: a.Profile, ExpiresAt: s.p.now().Add(accessTokenTTL)}
	return t.ID, t.ExpiresAt, s.p.Store.SaveOAuthToken(ctx, t)
}

// Refresh tokens are not offered: a host app signs the person in again.
func (s storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, oidc.ErrUnsupportedGrantType()
}

func (s storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s storage) TerminateSession(context.Context, string, string) error { return nil }

// RevokeToken ends an access token of the calling client.
func (s storage) RevokeToken(ctx context.Context, tokenID, _, clientID string) *oidc.Error {
	t, err := s.p.Store.GetOAuthToken(ctx, tokenID, s.p.now())
	if err != nil || t.ClientID != clientID {
		return nil // RFC 7009: an unknown token is not an error
	}
	if err := s.p.Store.DeleteOAuthToken(ctx, tokenID); err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}

func (s storage) SigningKey(ctx context.Context) (op.SigningKey, error) { return s.p.keys.signing(ctx) }

func (s storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256, jose.ES256}, nil
}

func (s storage) KeySet(ctx context.Context) ([]op.Key, error) { return s.p.keys.published(ctx) }

func (s storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.p.Store.GetOAuthClient(ctx, id)
	if err != nil {
		return nil, notFound(err, "unknown client_id")
	}
	return client{OAuthClient: c, loginURL: s.p.loginURL}, nil
}

// AuthorizeClientIDSecret checks a confidential client's secret against
// its stored hash, in constant time.
func (s storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	c, err := s.p.Store.GetOAuthClient(ctx, id)
	if err != nil || c.Public || c.SecretHash == "" ||
		subtle.ConstantTimeCompare([]byte(c.SecretHash), []byte(web.HashToken(secret))) != 1 {
		return oidc.ErrInvalidClient().WithDescription("client authentication failed")
	}
	return nil
}

// SetUserinfoFromScopes does nothing: the profile comes with the request
// (SetUserinfoFromRequest) or the access token (SetUserinfoFromToken).
func (s storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token from the sign-in's profile.
func (s storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	a, ok := req.(authRequest)
	if !ok {
		return errors.New("ID token for an unknown kind of request")
	}
	return fillUserinfo(info, a.Subject, a.Profile, scopes)
}

func (s storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	t, err := s.p.Store.GetOAuthToken(ctx, tokenID, s.p.now())
	if err != nil || t.Subject != subject {
		return oidc.ErrAccessDenied().WithDescription("the access token is invalid or has expired")
	}
	return fillUserinfo(info, t.Subject, t.Profile, t.Scopes)
}

func (s storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return oidc.ErrUnauthorizedClient().WithDescription("token introspection is not offered")
}

func (s storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, oidc.ErrUnauthorizedClient().WithDescription("JWT client authentication is not offered")
}

func (s storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, oidc.ErrUnauthorizedClient().WithDescription("the JWT profile grant is not offered")
}

func (s storage) Health(ctx context.Context) error { return s.p.Store.Ping(ctx) }

// notFound turns a missing row into the protocol's invalid_grant (or
// passes other errors on, as server errors the library logs).
func notFound(err error, description string) error {
	if errors.Is(err, store.ErrNotFound) {
		return oidc.ErrInvalidGrant().WithDescription("%s", description)
	}
	return err
}
