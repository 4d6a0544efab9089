// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

const clientColumns = `id, name, secret_hash, redirect_uris, public, created_at`

func scanClient(r interface{ Scan(...any) error }) (store.OAuthClient, error) {
	var c store.OAuthClient
	var uris string
	var created int64
	if err := r.Scan(&c.ID, &c.Name, &c.SecretHash, &uris, &c.Public, &created); err != nil {
		return c, err
	}
	c.CreatedAt = fromMS(created)
	return c, json.Unmarshal([]byte(uris), &c.RedirectURIs)
}

// CreateOAuthClient implements store.OAuth; an empty ID gets a new one.
func (s *oauthStore) CreateOAuthClient(ctx context.Context, c store.OAuthClient) (store.OAuthClient, error) {
	if c.ID == "" {
		c.ID = newID("client_")
	}
	uris, _ := json.Marshal(c.RedirectURIs)
	_, err := s.exec(ctx, `INSERT INTO oauth_clients (`+clientColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, c.Name, c.SecretHash, string(uris), c.Public, ms(c.CreatedAt))
	if err != nil {
		return store.OAuthClient{}, fmt.Errorf("create OAuth client: %w", mapErr(err))
	}
	return c, nil
}

// GetOAuthClient implements store.OAuth.
func (s *oauthStore) GetOAuthClient(ctx context.Context, id string) (store.OAuthClient, error) {
	c, err := scanClient(s.db.QueryRowContext(ctx, `SELECT `+clientColumns+` FROM oauth_clients WHERE id = $1`, id))
	return c, rowErr("OAuth client", id, err)
}

// ListOAuthClients implements store.OAuth.
func (s *oauthStore) ListOAuthClients(ctx context.Context) ([]store.OAuthClient, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+clientColumns+` FROM oauth_clients ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("list OAuth clients: %w", err)
	}
	return collect(rows, scanClient)
}

// UpdateOAuthClient implements store.OAuth.
func (s *oauthStore) UpdateOAuthClient(ctx context.Context, id string, fn func(*store.OAuthClient) error) (store.OAuthClient, error) {
	var c store.OAuthClient
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		c, err = scanClient(tx.QueryRowContext(ctx, `SELECT `+clientColumns+` FROM oauth_clients WHERE id = $1`+s.fl.forUpdate, id))
		if err != nil {
			return rowErr("OAuth client", id, err)
		}
		if err := fn(&c); err != nil {
			return err
		}
		c.ID = id
		uris, _ := json.Marshal(c.RedirectURIs)
		_, err = tx.ExecContext(ctx, `UPDATE oauth_clients SET name = $2, secret_hash = $3, redirect_uris = $4, public = $5 WHERE id = $1`,
			id, c.Name, c.SecretHash, string(uris), c.Public)
		return mapErr(err)
	})
	return c, err
}

const requestColumns = `id, client_id, org_id, redirect_uri, state, nonce, scopes, code_challenge, challenge_method,
	response_mode, subject, profile, auth_time, done, created_at, expires_at, unsolicited, connection_id`

func scanRequest(r interface{ Scan(...any) error }) (store.OAuthRequest, error) {
	var q store.OAuthRequest
	var scopes string
	var authTime, created, expires int64
	err := r.Scan(&q.ID, &q.ClientID, &q.OrgID, &q.RedirectURI, &q.State, &q.Nonce, &scopes, &q.CodeChallenge,
		&q.CodeChallengeMethod, &q.ResponseMode, &q.Subject, &q.Profile, &authTime, &q.Done, &created, &expires, &q.Unsolicited, &q.ConnectionID)
	q.Scopes = strings.Fields(scopes)
	q.AuthTime, q.CreatedAt, q.ExpiresAt = fromMS(authTime), fromMS(created), fromMS(expires)
	return q, err
}

// SaveOAuthRequest implements store.OAuth.
func (s *oauthStore) SaveOAuthRequest(ctx context.Context, q store.OAuthRequest) error {
	_, err := s.exec(ctx, `INSERT INTO oauth_requests (`+requestColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		q.ID, q.ClientID, q.OrgID, q.RedirectURI, q.State, q.Nonce, strings.Join(q.Scopes, " "), q.CodeChallenge,
		q.CodeChallengeMethod, q.ResponseMode, q.Subject, q.Profile, ms(q.AuthTime), q.Done, ms(q.CreatedAt), ms(q.ExpiresAt), q.Unsolicited, q.ConnectionID)
	if err != nil {
		return fmt.Errorf("save OAuth request: %w", mapErr(err))
	}
	return nil
}

// GetOAuthRequest implements store.OAuth.
func (s *oauthStore) GetOAuthRequest(ctx context.Context, id string, now time.Time) (store.OAuthRequest, error) {
	q, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM oauth_requests
		WHERE id = $1 AND expires_at > $2`, id, ms(now)))
	return q, rowErr("OAuth request", id, err)
}

// CompleteOAuthRequest implements store.OAuth: the WHERE clause both
// checks and sets, so a request is completed once.
func (s *oauthStore) CompleteOAuthRequest(ctx context.Context, id, orgID, subject, profile string, authTime, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE oauth_requests SET subject = $3, profile = $4, auth_time = $5, done = TRUE
		WHERE id = $1 AND org_id = $2 AND NOT done AND expires_at > $6`, id, orgID, subject, profile, ms(authTime), ms(now))
	if err != nil {
		return fmt.Errorf("complete OAuth request: %w", mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, notFound("open OAuth request", id))
	}
	return nil
}

// SetOAuthCode implements store.OAuth.
func (s *oauthStore) SetOAuthCode(ctx context.Context, id, codeHash string, expiresAt time.Time) error {
	res, err := s.exec(ctx, `UPDATE oauth_requests SET code_hash = $2, expires_at = $3
		WHERE id = $1 AND done AND code_hash IS NULL`, id, codeHash, ms(expiresAt))
	if err != nil {
		return fmt.Errorf("set OAuth code: %w", mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, notFound("signed-in OAuth request", id))
	}
	return nil
}

// ConsumeOAuthCode implements store.OAuth with one DELETE … RETURNING.
func (s *oauthStore) ConsumeOAuthCode(ctx context.Context, codeHash string, now time.Time) (store.OAuthRequest, error) {
	var q store.OAuthRequest
	err := s.writeRow(ctx, func(r *sql.Row) (err error) { q, err = scanRequest(r); return err },
		`DELETE FROM oauth_requests WHERE code_hash = $1 AND expires_at > $2 RETURNING `+requestColumns, codeHash, ms(now))
	return q, rowErr("OAuth code", "", err)
}

// DeleteOAuthRequest implements store.OAuth.
func (s *oauthStore) DeleteOAuthRequest(ctx context.Context, id string) error {
	_, err := s.exec(ctx, `DELETE FROM oauth_requests WHERE id = $1`, id)
	return mapErr(err)
}

// SaveOAuthToken implements store.OAuth.
func (s *oauthStore) SaveOAuthToken(ctx context.Context, t store.OAuthToken) error {
	_, err := s.exec(ctx, `INSERT INTO oauth_tokens (id, client_id, subject, scopes, profile, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, t.ClientID, t.Subject, strings.Join(t.Scopes, " "), t.Profile, ms(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("save access token: %w", mapErr(err))
	}
	return nil
}

// GetOAuthToken implements store.OAuth.
func (s *oauthStore) GetOAuthToken(ctx context.Context, id string, now time.Time) (store.OAuthToken, error) {
	var t store.OAuthToken
	var scopes string
	var expires int64
	err := s.db.QueryRowContext(ctx, `SELECT id, client_id, subject, scopes, profile, expires_at FROM oauth_tokens
		WHERE id = $1 AND expires_at > $2`, id, ms(now)).Scan(&t.ID, &t.ClientID, &t.Subject, &scopes, &t.Profile, &expires)
	t.Scopes, t.ExpiresAt = strings.Fields(scopes), fromMS(expires)
	return t, rowErr("access token", id, err)
}

// DeleteOAuthToken implements store.OAuth.
func (s *oauthStore) DeleteOAuthToken(ctx context.Context, id string) error {
	_, err := s.exec(ctx, `DELETE FROM oauth_tokens WHERE id = $1`, id)
	return mapErr(err)
}

// ListOIDCKeys implements store.OAuth, newest first.
func (s *oauthStore) ListOIDCKeys(ctx context.Context) ([]store.OIDCKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, algorithm, private_key, created_at FROM oidc_keys ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list OIDC keys: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (store.OIDCKey, error) {
		var k store.OIDCKey
		var created int64
		err := r.Scan(&k.ID, &k.Algorithm, &k.PrivateKey, &created)
		k.CreatedAt = fromMS(created)
		return k, err
	})
}

// CreateOIDCKey implements store.OAuth.
func (s *oauthStore) CreateOIDCKey(ctx context.Context, k store.OIDCKey) error {
	_, err := s.exec(ctx, `INSERT INTO oidc_keys (id, algorithm, private_key, created_at) VALUES ($1, $2, $3, $4)`,
		k.ID, k.Algorithm, k.PrivateKey, ms(k.CreatedAt))
	return mapErr(err)
}

// PruneOAuth implements store.OAuth.
func (s *oauthStore) PruneOAuth(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, q := range []string{`DELETE FROM oauth_requests WHERE expires_at <= $1`, `DELETE FROM oauth_tokens WHERE expires_at <= $1`} {
		res, err := s.exec(ctx, q, ms(now))
		if err != nil {
			return total, fmt.Errorf("prune OAuth state: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
