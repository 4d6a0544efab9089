// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// OAuthClient is a host app registered to sign its customers' people in
// through the Workspace over OpenID Connect.
type OAuthClient struct {
	ID, Name string
	// SecretHash is the hash of the client secret (web.HashToken); empty
	// for a public client, which proves itself with PKCE alone.
	SecretHash   string
	RedirectURIs []string // matched exactly
	Public       bool
	CreatedAt    time.Time
}

// OAuthRequest is one authorization request of a host app, from
// /oauth/authorize until its code is redeemed: the request's parameters,
// the org it signs in to, and — once the person has signed in at the org's
// IdP — who they are.
type OAuthRequest struct {
	ID, ClientID, OrgID                string
	RedirectURI, State, Nonce          string
	Scopes                             []string
	CodeChallenge, CodeChallengeMethod string
	ResponseMode                       string
	CreatedAt, ExpiresAt               time.Time
	// Unsolicited marks a request Signet made for an IdP-initiated
	// sign-in (no state, nonce or PKCE from the host app).
	Unsolicited bool
	// ConnectionID is the org's SSO connection the request chose
	// ("": the person chooses when the org has several).
	ConnectionID string

	// Set by CompleteOAuthRequest.
	Subject  string
	Profile  string // the claims, as a JSON object
	AuthTime time.Time
	Done     bool
}

// OAuthToken is what an access token stands for (the token the host app
// holds carries only the ID, encrypted).
type OAuthToken struct {
	ID, ClientID, Subject string
	Scopes                []string
	Profile               string
	ExpiresAt             time.Time
}

// OIDCKey is one of the OpenID Connect provider's ID-token signing keys.
type OIDCKey struct {
	ID, Algorithm string
	PrivateKey    string // sealed PKCS #8 PEM
	CreatedAt     time.Time
}

// OAuth holds the OpenID Connect provider's clients and protocol state,
// shared by every replica.
type OAuth interface {
	CreateOAuthClient(ctx context.Context, c OAuthClient) (OAuthClient, error)
	GetOAuthClient(ctx context.Context, id string) (OAuthClient, error)
	ListOAuthClients(ctx context.Context) ([]OAuthClient, error)
	// UpdateOAuthClient reads the client, applies fn and writes the result.
	UpdateOAuthClient(ctx context.Context, id string, fn func(*OAuthClient) error) (OAuthClient, error)

	SaveOAuthRequest(ctx context.Context, r OAuthRequest) error
	// GetOAuthRequest returns the request if it exists and has not expired.
	GetOAuthRequest(ctx context.Context, id string, now time.Time) (OAuthRequest, error)
	// CompleteOAuthRequest records who signed in, once: a request that is
	// done, expired or of another org is ErrNotFound.
	CompleteOAuthRequest(ctx context.Context, id, orgID, subject, profile string, authTime, now time.Time) error
	// SetOAuthCode binds the hash of a new code to a done request.
	SetOAuthCode(ctx context.Context, id, codeHash string, expiresAt time.Time) error
	// ConsumeOAuthCode deletes the request holding the code and returns it;
	// of any number of concurrent calls, at most one gets it.
	ConsumeOAuthCode(ctx context.Context, codeHash string, now time.Time) (OAuthRequest, error)
	DeleteOAuthRequest(ctx context.Context, id string) error

	SaveOAuthToken(ctx context.Context, t OAuthToken) error
	GetOAuthToken(ctx context.Context, id string, now time.Time) (OAuthToken, error)
	DeleteOAuthToken(ctx context.Context, id string) error

	ListOIDCKeys(ctx context.Context) ([]OIDCKey, error)
	CreateOIDCKey(ctx context.Context, k OIDCKey) error
	// PruneOAuth deletes expired requests and tokens.
	PruneOAuth(ctx context.Context, now time.Time) (int64, error)
}
