// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// IdPSetting implements store.MFA.
func (s *directoryStore) IdPSetting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM idp_settings WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// PutIdPSetting implements store.MFA.
func (s *directoryStore) PutIdPSetting(ctx context.Context, name, value string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO idp_settings (name, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, ms(stamp(at)))
	if err != nil {
		return fmt.Errorf("save setting %s: %w", name, mapErr(err))
	}
	return nil
}

const mfaDeviceColumns = `id, user_id, kind, name, secret_sealed, COALESCE(credential_id, ''), credential, created_at, last_used_at, last_step`

func scanMFADevice(r interface{ Scan(...any) error }) (store.MFADevice, error) {
	var d store.MFADevice
	var secret, credential string
	var created, used int64
	err := r.Scan(&d.ID, &d.UserID, &d.Kind, &d.Name, &secret, &d.CredentialID, &credential, &created, &used, &d.LastStep)
	d.Credential = []byte(credential)
	if err == nil {
		d.Secret, err = base64.StdEncoding.DecodeString(secret)
	}
	d.CreatedAt, d.LastUsedAt = fromMS(created), fromMS(used)
	return d, err
}

// AddMFADevice implements store.MFA.
func (s *directoryStore) AddMFADevice(ctx context.Context, d store.MFADevice) (store.MFADevice, error) {
	d.ID, d.CreatedAt = newID("mfa_"), stamp(d.CreatedAt)
	var credID any
	if d.CredentialID != "" {
		credID = d.CredentialID
	}
	_, err := s.exec(ctx, `INSERT INTO idp_mfa_devices (id, user_id, kind, name, secret_sealed, credential_id, credential,
		created_at, last_used_at, last_step) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		d.ID, d.UserID, d.Kind, d.Name, base64.StdEncoding.EncodeToString(d.Secret), credID, string(d.Credential),
		ms(d.CreatedAt), ms(d.LastUsedAt), d.LastStep)
	if err != nil {
		return d, fmt.Errorf("add MFA device: %w", mapErr(err))
	}
	return d, nil
}

// ListMFADevices implements store.MFA.
func (s *directoryStore) ListMFADevices(ctx context.Context, userID string) ([]store.MFADevice, error) {
	devices, err := queryAll(ctx, s.db, scanMFADevice, `SELECT `+mfaDeviceColumns+` FROM idp_mfa_devices WHERE user_id = $1
		ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list MFA devices: %w", err)
	}
	return devices, nil
}

// UpdateMFACredential implements store.MFA.
func (s *directoryStore) UpdateMFACredential(ctx context.Context, deviceID string, credential []byte, at time.Time) error {
	res, err := s.exec(ctx, `UPDATE idp_mfa_devices SET credential = $2, last_used_at = $3 WHERE id = $1`,
		deviceID, string(credential), ms(stamp(at)))
	if err != nil {
		return fmt.Errorf("update the MFA credential: %w", err)
	}
	return checkAffected(res, "MFA device", deviceID)
}

// DeleteMFADevice implements store.MFA.
func (s *directoryStore) DeleteMFADevice(ctx context.Context, userID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM idp_mfa_devices WHERE user_id = $1 AND id = $2`, userID, id)
	if err != nil {
		return fmt.Errorf("delete MFA device: %w", err)
	}
	return checkAffected(res, "MFA device", id)
}

// UseTOTPStep implements store.MFA.
func (s *directoryStore) UseTOTPStep(ctx context.Context, deviceID string, step int64, at time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE idp_mfa_devices SET last_step = $2, last_used_at = $3 WHERE id = $1 AND last_step < $2`,
		deviceID, step, ms(stamp(at)))
	if err != nil {
		return false, fmt.Errorf("record the TOTP step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CreateMFAChallenge implements store.MFA.
func (s *directoryStore) CreateMFAChallenge(ctx context.Context, c store.MFAChallenge) error {
	_, err := s.exec(ctx, `INSERT INTO idp_mfa_challenges (token_hash, user_id, realm, state, attempts, expires_at)
		VALUES ($1, $2, $3, $4, 0, $5)`, c.TokenHash, c.UserID, c.Realm, c.State, ms(c.ExpiresAt))
	if err != nil {
		return fmt.Errorf("save MFA challenge: %w", mapErr(err))
	}
	return nil
}

// GetMFAChallenge implements store.MFA.
func (s *directoryStore) GetMFAChallenge(ctx context.Context, tokenHash string, now time.Time) (store.MFAChallenge, error) {
	var c store.MFAChallenge
	var expires int64
	err := s.db.QueryRowContext(ctx, `SELECT token_hash, user_id, realm, state, attempts, expires_at
		FROM idp_mfa_challenges WHERE token_hash = $1 AND expires_at > $2`, tokenHash, ms(now)).Scan(
		&c.TokenHash, &c.UserID, &c.Realm, &c.State, &c.Attempts, &expires)
	c.ExpiresAt = fromMS(expires)
	return c, rowErr("MFA challenge", "(hidden)", err)
}

// SetMFACeremony implements store.MFA.
func (s *directoryStore) SetMFACeremony(ctx context.Context, tokenHash, ceremony string) error {
	res, err := s.exec(ctx, `UPDATE idp_mfa_challenges SET ceremony = $2 WHERE token_hash = $1`, tokenHash, ceremony)
	if err != nil {
		return fmt.Errorf("save the WebAuthn ceremony: %w", err)
	}
	return checkAffected(res, "MFA challenge", "(hidden)")
}

// TakeMFACeremony implements store.MFA.
func (s *directoryStore) TakeMFACeremony(ctx context.Context, tokenHash string) (string, error) {
	var ceremony string
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT ceremony FROM idp_mfa_challenges WHERE token_hash = $1`+s.fl.forUpdate, tokenHash).Scan(&ceremony)
		if err != nil {
			return rowErr("MFA challenge", "(hidden)", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE idp_mfa_challenges SET ceremony = '' WHERE token_hash = $1`, tokenHash)
		return err
	})
	return ceremony, err
}

// FailMFAChallenge implements store.MFA.
func (s *directoryStore) FailMFAChallenge(ctx context.Context, tokenHash string) (int, error) {
	var n int
	err := s.writeRow(ctx, func(r *sql.Row) error { return r.Scan(&n) },
		`UPDATE idp_mfa_challenges SET attempts = attempts + 1 WHERE token_hash = $1 RETURNING attempts`, tokenHash)
	return n, rowErr("MFA challenge", "(hidden)", err)
}

// DeleteMFAChallenge implements store.MFA.
func (s *directoryStore) DeleteMFAChallenge(ctx context.Context, tokenHash string) error {
	_, err := s.exec(ctx, `DELETE FROM idp_mfa_challenges WHERE token_hash = $1`, tokenHash)
	return err
}

// KnownBrowser implements store.MFA.
func (s *directoryStore) KnownBrowser(ctx context.Context, userID, browserHash string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM idp_known_browsers WHERE user_id = $1 AND browser_hash = $2`,
		userID, browserHash).Scan(&n)
	return n > 0, err
}

// RememberBrowser implements store.MFA.
func (s *directoryStore) RememberBrowser(ctx context.Context, userID, browserHash string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO idp_known_browsers (user_id, browser_hash, created_at, last_seen_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (user_id, browser_hash) DO UPDATE SET last_seen_at = excluded.last_seen_at`, userID, browserHash, ms(stamp(at)))
	if err != nil {
		return fmt.Errorf("remember the browser: %w", mapErr(err))
	}
	return nil
}

// PruneMFA implements store.MFA.
func (s *directoryStore) PruneMFA(ctx context.Context, now, cutoff time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM idp_mfa_challenges WHERE expires_at <= $1`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("prune MFA challenges: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = s.exec(ctx, `DELETE FROM idp_known_browsers WHERE last_seen_at < $1`, ms(cutoff))
	if err != nil {
		return n, fmt.Errorf("prune known browsers: %w", err)
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}

// SetRecoveryCodes implements store.MFA.
func (s *directoryStore) SetRecoveryCodes(ctx context.Context, userID string, hashes []string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idp_recovery_codes WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("replace recovery codes: %w", err)
		}
		for _, h := range hashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO idp_recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
				return fmt.Errorf("save recovery code: %w", mapErr(err))
			}
		}
		return nil
	})
}

// UseRecoveryCode implements store.MFA.
func (s *directoryStore) UseRecoveryCode(ctx context.Context, userID, hash string) (bool, int, error) {
	var used bool
	var left int
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idp_recovery_codes WHERE user_id = $1 AND code_hash = $2`, userID, hash)
		if err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		n, err := res.RowsAffected()
		used = n == 1
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM idp_recovery_codes WHERE user_id = $1`, userID).Scan(&left)
	})
	return used, left, err
}

// CountRecoveryCodes implements store.MFA.
func (s *directoryStore) CountRecoveryCodes(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM idp_recovery_codes WHERE user_id = $1`, userID).Scan(&n)
	return n, err
}
