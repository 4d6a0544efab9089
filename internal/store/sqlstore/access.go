// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

const apiKeyColumns = `id, name, key_hash, created_at, last_used_at, revoked_at`

func scanAPIKey(r interface{ Scan(...any) error }) (store.APIKey, error) {
	var k store.APIKey
	var created, used, revoked int64
	err := r.Scan(&k.ID, &k.Name, &k.KeyHash, &created, &used, &revoked)
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = fromMS(created), fromMS(used), fromMS(revoked)
	return k, err
}

// CreateAPIKey implements store.Access.
func (s *accessStore) CreateAPIKey(ctx context.Context, k store.APIKey) (store.APIKey, error) {
	if k.ID == "" {
		k.ID = newID("key_")
	}
	_, err := s.exec(ctx, `INSERT INTO api_keys (id, name, key_hash, created_at) VALUES ($1, $2, $3, $4)`,
		k.ID, k.Name, k.KeyHash, ms(k.CreatedAt))
	if err != nil {
		return store.APIKey{}, fmt.Errorf("create API key: %w", mapErr(err))
	}
	return k, nil
}

// APIKeyByHash implements store.Access.
func (s *accessStore) APIKeyByHash(ctx context.Context, keyHash string) (store.APIKey, error) {
	k, err := scanAPIKey(s.db.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = $1`, keyHash))
	return k, rowErr("API key", "", err)
}

// ListAPIKeys implements store.Access.
func (s *accessStore) ListAPIKeys(ctx context.Context) ([]store.APIKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	return collect(rows, scanAPIKey)
}

// RevokeAPIKey implements store.Access.
func (s *accessStore) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	res, err := s.exec(ctx, `UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0`, id, ms(at))
	if err != nil {
		return fmt.Errorf("revoke API key: %w", mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, notFound("active API key", id))
	}
	return nil
}

// TouchAPIKey implements store.Access; the WHERE clause keeps it to one
// write a minute per key however busy the key is.
func (s *accessStore) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND last_used_at < $3`,
		id, ms(at), ms(at.Add(-time.Minute)))
	return mapErr(err)
}

const setupLinkColumns = `id, token_hash, org_id, created_by, created_at, expires_at, revoked_at`

func scanSetupLink(r interface{ Scan(...any) error }) (store.SetupLink, error) {
	var l store.SetupLink
	var created, expires, revoked int64
	err := r.Scan(&l.ID, &l.TokenHash, &l.OrgID, &l.CreatedBy, &created, &expires, &revoked)
	l.CreatedAt, l.ExpiresAt, l.RevokedAt = fromMS(created), fromMS(expires), fromMS(revoked)
	return l, err
}

// CreateSetupLink implements store.Access.
func (s *accessStore) CreateSetupLink(ctx context.Context, l store.SetupLink) (store.SetupLink, error) {
	if l.ID == "" {
		l.ID = newID("setup_")
	}
	_, err := s.exec(ctx, `INSERT INTO sp_setup_links (id, token_hash, org_id, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, l.ID, l.TokenHash, l.OrgID, l.CreatedBy, ms(l.CreatedAt), ms(l.ExpiresAt))
	if err != nil {
		return store.SetupLink{}, fmt.Errorf("create setup link: %w", mapErr(err))
	}
	return l, nil
}

// SetupLinkByHash implements store.Access.
func (s *accessStore) SetupLinkByHash(ctx context.Context, tokenHash string, now time.Time) (store.SetupLink, error) {
	l, err := scanSetupLink(s.db.QueryRowContext(ctx, `SELECT `+setupLinkColumns+` FROM sp_setup_links
		WHERE token_hash = $1 AND expires_at > $2 AND revoked_at = 0`, tokenHash, ms(now)))
	return l, rowErr("setup link", "", err)
}

// GetSetupLink implements store.Access.
func (s *accessStore) GetSetupLink(ctx context.Context, id string) (store.SetupLink, error) {
	l, err := scanSetupLink(s.db.QueryRowContext(ctx, `SELECT `+setupLinkColumns+` FROM sp_setup_links WHERE id = $1`, id))
	return l, rowErr("setup link", id, err)
}

// ListSetupLinks implements store.Access, newest first.
func (s *accessStore) ListSetupLinks(ctx context.Context, orgID string) ([]store.SetupLink, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+setupLinkColumns+` FROM sp_setup_links WHERE org_id = $1
		ORDER BY created_at DESC, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list setup links: %w", err)
	}
	return collect(rows, scanSetupLink)
}

// RevokeSetupLink implements store.Access.
func (s *accessStore) RevokeSetupLink(ctx context.Context, orgID, id string, at time.Time) error {
	res, err := s.exec(ctx, `UPDATE sp_setup_links SET revoked_at = $3 WHERE id = $1 AND org_id = $2 AND revoked_at = 0`,
		id, orgID, ms(at))
	if err != nil {
		return fmt.Errorf("revoke setup link: %w", mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, notFound("active setup link", id))
	}
	return nil
}
