// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// APIKey is a key to the management API. Only its hash is kept.
type APIKey struct {
	ID, Name   string
	KeyHash    string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: active
}

// SetupLink hands one org's Single Sign-On Settings to the customer's IT
// admin for a limited time. Only the token's hash is kept.
type SetupLink struct {
	ID, OrgID string
	TokenHash string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero: not revoked
}

// Access holds the credentials of the management API and the setup links.
type Access interface {
	CreateAPIKey(ctx context.Context, k APIKey) (APIKey, error)
	// APIKeyByHash returns the key with this hash, revoked or not.
	APIKeyByHash(ctx context.Context, keyHash string) (APIKey, error)
	ListAPIKeys(ctx context.Context) ([]APIKey, error)
	// RevokeAPIKey stops the key working at once (ErrNotFound if unknown
	// or revoked already).
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
	// TouchAPIKey records a use, at most once a minute per key.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error

	CreateSetupLink(ctx context.Context, l SetupLink) (SetupLink, error)
	// SetupLinkByHash returns the link with this token hash if it is
	// neither expired at now nor revoked.
	SetupLinkByHash(ctx context.Context, tokenHash string, now time.Time) (SetupLink, error)
	GetSetupLink(ctx context.Context, id string) (SetupLink, error)
	ListSetupLinks(ctx context.Context, orgID string) ([]SetupLink, error)
	RevokeSetupLink(ctx context.Context, orgID, id string, at time.Time) error
}
