// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

const provisioningColumns = `app_id, scim_url, token_sealed, enabled, updated_at, last_run_at, last_error`

func scanProvisioning(r interface{ Scan(...any) error }) (store.Provisioning, error) {
	var p store.Provisioning
	var token string
	var updated, run int64
	err := r.Scan(&p.AppID, &p.SCIMURL, &token, &p.Enabled, &updated, &run, &p.LastError)
	if err == nil {
		p.Token, err = base64.StdEncoding.DecodeString(token)
	}
	p.UpdatedAt, p.LastRunAt = fromMS(updated), fromMS(run)
	return p, err
}

// PutProvisioning implements store.Provisionings.
func (s *scimStore) PutProvisioning(ctx context.Context, p store.Provisioning) error {
	_, err := s.exec(ctx, `INSERT INTO idp_provisioning (`+provisioningColumns+`) VALUES ($1, $2, $3, $4, $5, 0, '')
		ON CONFLICT (app_id) DO UPDATE SET scim_url = excluded.scim_url, token_sealed = excluded.token_sealed,
		enabled = excluded.enabled, updated_at = excluded.updated_at, last_error = ''`,
		p.AppID, p.SCIMURL, base64.StdEncoding.EncodeToString(p.Token), p.Enabled, ms(stamp(p.UpdatedAt)))
	if err != nil {
		return fmt.Errorf("save provisioning: %w", mapErr(err))
	}
	return nil
}

// GetProvisioning implements store.Provisionings.
func (s *scimStore) GetProvisioning(ctx context.Context, appID string) (store.Provisioning, error) {
	p, err := scanProvisioning(s.db.QueryRowContext(ctx, `SELECT `+provisioningColumns+` FROM idp_provisioning WHERE app_id = $1`, appID))
	return p, rowErr("provisioning of app", appID, err)
}

// EnabledProvisionings implements store.Provisionings.
func (s *scimStore) EnabledProvisionings(ctx context.Context) ([]store.Provisioning, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+provisioningColumns+` FROM idp_provisioning WHERE enabled ORDER BY app_id`)
	if err != nil {
		return nil, fmt.Errorf("list provisioning: %w", err)
	}
	return collect(rows, scanProvisioning)
}

// RecordProvisioningRun implements store.Provisionings.
func (s *scimStore) RecordProvisioningRun(ctx context.Context, appID string, at time.Time, runErr string) error {
	_, err := s.exec(ctx, `UPDATE idp_provisioning SET last_run_at = $2, last_error = $3 WHERE app_id = $1`, appID, ms(at), runErr)
	return err
}

const provisionedColumns = `app_id, kind, local_id, remote_id, fingerprint, active, error, attempts, retry_at, pushed_at`

// ListProvisioned implements store.Provisionings.
func (s *scimStore) ListProvisioned(ctx context.Context, appID, kind string) ([]store.Provisioned, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+provisionedColumns+` FROM idp_provisioned WHERE app_id = $1 AND kind = $2
		ORDER BY local_id`, appID, kind)
	if err != nil {
		return nil, fmt.Errorf("list provisioned: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (store.Provisioned, error) {
		var p store.Provisioned
		var retry, pushed int64
		err := r.Scan(&p.AppID, &p.Kind, &p.LocalID, &p.RemoteID, &p.Fingerprint, &p.Active, &p.Error, &p.Attempts, &retry, &pushed)
		p.RetryAt, p.PushedAt = fromMS(retry), fromMS(pushed)
		return p, err
	})
}

// PutProvisioned implements store.Provisionings.
func (s *scimStore) PutProvisioned(ctx context.Context, p store.Provisioned) error {
	_, err := s.exec(ctx, `INSERT INTO idp_provisioned (`+provisionedColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (app_id, kind, local_id) DO UPDATE SET remote_id = excluded.remote_id, fingerprint = excluded.fingerprint,
		active = excluded.active, error = excluded.error, attempts = excluded.attempts, retry_at = excluded.retry_at,
		pushed_at = excluded.pushed_at`,
		p.AppID, p.Kind, p.LocalID, p.RemoteID, p.Fingerprint, p.Active, p.Error, p.Attempts, ms(p.RetryAt), ms(p.PushedAt))
	if err != nil {
		return fmt.Errorf("record provisioned %s: %w", p.Kind, mapErr(err))
	}
	return nil
}

// DeleteProvisioned implements store.Provisionings.
func (s *scimStore) DeleteProvisioned(ctx context.Context, appID, kind, localID string) error {
	_, err := s.exec(ctx, `DELETE FROM idp_provisioned WHERE app_id = $1 AND kind = $2 AND local_id = $3`, appID, kind, localID)
	return err
}

// RepushProvisioned implements store.Provisionings.
func (s *scimStore) RepushProvisioned(ctx context.Context, appID, kind, localID string) error {
	res, err := s.exec(ctx, `UPDATE idp_provisioned SET fingerprint = '', retry_at = 0 WHERE app_id = $1 AND kind = $2 AND local_id = $3`,
		appID, kind, localID)
	if err != nil {
		return err
	}
	return checkAffected(res, "provisioned "+kind, localID)
}

// TryLease implements store.Provisionings: one statement takes a free or
// expired lease, or renews the holder's own.
func (s *scimStore) TryLease(ctx context.Context, name, holder string, now, expiresAt time.Time) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= $4`, name, holder, ms(expiresAt), ms(now))
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, mapErr(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
