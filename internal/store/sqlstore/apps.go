// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

const appColumns = `id, name, description, acs_url, audience, start_url, relay_state, session_seconds,
	sp_metadata, subject_value, subject_format, status, created_at, updated_at`

func scanApp(row interface{ Scan(...any) error }) (store.App, error) {
	var a store.App
	var secs, created, updated int64
	err := row.Scan(&a.ID, &a.Name, &a.Description, &a.ACSURL, &a.Audience, &a.StartURL, &a.RelayState,
		&secs, &a.SPMetadata, &a.SubjectValue, &a.SubjectFormat, &a.Status, &created, &updated)
	a.SessionDuration = time.Duration(secs) * time.Second
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return a, err
}

// CreateApp implements store.Applications.
func (s *appsStore) CreateApp(ctx context.Context, a store.App, key store.SigningKey) (store.App, error) {
	if a.ID == "" {
		a.ID = newID("app_")
	}
	a.CreatedAt = stamp(a.CreatedAt)
	a.UpdatedAt = a.CreatedAt
	if a.Status == "" {
		a.Status = store.AppActive
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO idp_apps (`+appColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			a.ID, a.Name, a.Description, a.ACSURL, a.Audience, a.StartURL, a.RelayState,
			int64(a.SessionDuration/time.Second), a.SPMetadata, a.SubjectValue, a.SubjectFormat, a.Status,
			ms(a.CreatedAt), ms(a.UpdatedAt))
		if err != nil {
			return fmt.Errorf("create app %q: %w", a.Name, mapErr(err))
		}
		key.AppID = a.ID
		key.Active = true
		_, err = insertKey(ctx, tx, key)
		return err
	})
	if err != nil {
		return store.App{}, err
	}
	return a, nil
}

// GetApp implements store.Applications.
func (s *appsStore) GetApp(ctx context.Context, id string) (store.App, error) {
	a, err := scanApp(s.db.QueryRowContext(ctx, `SELECT `+appColumns+` FROM idp_apps WHERE id = $1`, id))
	return a, rowErr("application", id, err)
}

// GetAppByName implements store.Applications.
func (s *appsStore) GetAppByName(ctx context.Context, name string) (store.App, error) {
	a, err := scanApp(s.db.QueryRowContext(ctx, `SELECT `+appColumns+` FROM idp_apps WHERE lower(name) = lower($1) AND status = 'active'`, name))
	return a, rowErr("application", name, err)
}

// UpdateApp implements store.Applications.
func (s *appsStore) UpdateApp(ctx context.Context, id string, fn func(*store.App) error) (store.App, error) {
	var a store.App
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		a, err = scanApp(tx.QueryRowContext(ctx, `SELECT `+appColumns+` FROM idp_apps WHERE id = $1`+s.fl.forUpdate, id))
		if err != nil {
			return rowErr("application", id, err)
		}
		if err := fn(&a); err != nil {
			return err
		}
		a.ID, a.UpdatedAt = id, now()
		_, err = tx.ExecContext(ctx, `UPDATE idp_apps SET name = $2, description = $3, acs_url = $4, audience = $5,
			start_url = $6, relay_state = $7, session_seconds = $8, sp_metadata = $9, subject_value = $10,
			subject_format = $11, status = $12, updated_at = $13 WHERE id = $1`,
			id, a.Name, a.Description, a.ACSURL, a.Audience, a.StartURL, a.RelayState,
			int64(a.SessionDuration/time.Second), a.SPMetadata, a.SubjectValue, a.SubjectFormat, a.Status, ms(a.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update app %q: %w", id, mapErr(err))
		}
		return nil
	})
	return a, err
}

// DeleteApp implements store.Applications. Mappings, assignments and keys
// go with it (ON DELETE CASCADE).
func (s *appsStore) DeleteApp(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `DELETE FROM idp_apps WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete app %q: %w", id, mapErr(err))
	}
	return checkAffected(res, "application", id)
}

// ListApps implements store.Applications.
func (s *appsStore) ListApps(ctx context.Context, opt store.ListOptions) ([]store.App, int, error) {
	limit, offset := limits(opt)
	where := ` WHERE status = 'active' AND (lower(name) LIKE $1 ESCAPE '\' OR lower(description) LIKE $1 ESCAPE '\')`
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM idp_apps`+where, like(opt.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count apps: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+appColumns+` FROM idp_apps`+where+
		` ORDER BY lower(name) LIMIT $2 OFFSET $3`, like(opt.Query), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list apps: %w", err)
	}
	apps, err := collect(rows, scanApp)
	return apps, total, err
}

// PruneDraftApps implements store.Applications.
func (s *appsStore) PruneDraftApps(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM idp_apps WHERE status = 'draft' AND created_at < $1`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune draft apps: %w", err)
	}
	return res.RowsAffected()
}

// SetAttributeMappings implements store.Applications.
func (s *appsStore) SetAttributeMappings(ctx context.Context, appID, subjectValue, subjectFormat string, attrs []store.AttributeMapping) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE idp_apps SET subject_value = $2, subject_format = $3, updated_at = $4
			WHERE id = $1`, appID, subjectValue, subjectFormat, ms(now()))
		if err != nil {
			return fmt.Errorf("set subject mapping: %w", mapErr(err))
		}
		if err := checkAffected(res, "application", appID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM idp_attribute_mappings WHERE app_id = $1`, appID); err != nil {
			return fmt.Errorf("clear attribute mappings: %w", err)
		}
		for i, m := range attrs {
			_, err := tx.ExecContext(ctx, `INSERT INTO idp_attribute_mappings (app_id, position, name, value, format)
				VALUES ($1, $2, $3, $4, $5)`, appID, i, m.Name, m.Value, m.Format)
			if err != nil {
				return fmt.Errorf("save attribute mapping %q: %w", m.Name, mapErr(err))
			}
		}
		return nil
	})
}

// ListAttributeMappings implements store.Applications.
func (s *appsStore) ListAttributeMappings(ctx context.Context, appID string) ([]store.AttributeMapping, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, value, format FROM idp_attribute_mappings
		WHERE app_id = $1 ORDER BY position`, appID)
	if err != nil {
		return nil, fmt.Errorf("list attribute mappings: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (store.AttributeMapping, error) {
		var m store.AttributeMapping
		return m, r.Scan(&m.Name, &m.Value, &m.Format)
	})
}

// Assign implements store.Applications. The principal must exist.
func (s *appsStore) Assign(ctx context.Context, a store.Assignment) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		table := map[string]string{store.PrincipalUser: "idp_users", store.PrincipalGroup: "idp_groups"}[a.PrincipalKind]
		if table == "" {
			return fmt.Errorf("unknown principal kind %q", a.PrincipalKind)
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, a.PrincipalID).Scan(&one)
		if err != nil {
			return rowErr(a.PrincipalKind, a.PrincipalID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO idp_assignments (app_id, principal_kind, principal_id, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, a.AppID, a.PrincipalKind, a.PrincipalID, ms(stamp(a.CreatedAt)))
		if err != nil {
			return fmt.Errorf("assign: %w", mapErr(err))
		}
		return nil
	})
}

// Unassign implements store.Applications.
func (s *appsStore) Unassign(ctx context.Context, appID, kind, principalID string) error {
	res, err := s.exec(ctx, `DELETE FROM idp_assignments WHERE app_id = $1 AND principal_kind = $2
		AND principal_id = $3`, appID, kind, principalID)
	if err != nil {
		return fmt.Errorf("unassign: %w", mapErr(err))
	}
	return checkAffected(res, "assignment", kind+" "+principalID)
}

// ListAssignments implements store.Applications.
func (s *appsStore) ListAssignments(ctx context.Context, appID string) ([]store.Assignment, error) {
	// One query, the principals' names joined in (no lookup per row).
	rows, err := s.db.QueryContext(ctx, `SELECT a.app_id, a.principal_kind, a.principal_id, a.created_at,
		COALESCE(u.username, g.name, ''), COALESCE(u.email, '')
		FROM idp_assignments a
		LEFT JOIN idp_users u ON a.principal_kind = 'user' AND u.id = a.principal_id
		LEFT JOIN idp_groups g ON a.principal_kind = 'group' AND g.id = a.principal_id
		WHERE a.app_id = $1 ORDER BY a.principal_kind, a.created_at`, appID)
	if err != nil {
		return nil, fmt.Errorf("list assignments: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (store.Assignment, error) {
		var a store.Assignment
		var created int64
		err := r.Scan(&a.AppID, &a.PrincipalKind, &a.PrincipalID, &created, &a.PrincipalName, &a.PrincipalEmail)
		a.CreatedAt = fromMS(created)
		return a, err
	})
}

// assignedApps selects the IDs of apps assigned to $1 directly or via groups.
const assignedApps = `SELECT app_id FROM idp_assignments WHERE principal_kind = 'user' AND principal_id = $1
	UNION SELECT a.app_id FROM idp_assignments a JOIN idp_group_members m
	ON a.principal_kind = 'group' AND a.principal_id = m.group_id WHERE m.user_id = $1`

// AppsForUser implements store.Applications.
func (s *appsStore) AppsForUser(ctx context.Context, userID string) ([]store.App, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+appColumns+` FROM idp_apps WHERE status = 'active'
		AND id IN (`+assignedApps+`) ORDER BY lower(name)`, userID)
	if err != nil {
		return nil, fmt.Errorf("apps for user: %w", err)
	}
	return collect(rows, scanApp)
}

// IsAssigned implements store.Applications.
func (s *appsStore) IsAssigned(ctx context.Context, appID, userID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (`+assignedApps+`) x JOIN idp_apps a ON a.id = x.app_id
		WHERE x.app_id = $2 AND a.status = 'active'`, userID, appID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check assignment: %w", err)
	}
	return n > 0, nil
}

const keyColumns = `id, app_id, certificate_pem, private_key, active, not_after, created_at`

func scanKey(row interface{ Scan(...any) error }) (store.SigningKey, error) {
	var k store.SigningKey
	var priv string
	var notAfter, created int64
	err := row.Scan(&k.ID, &k.AppID, &k.CertificatePEM, &priv, &k.Active, &notAfter, &created)
	if err != nil {
		return k, err
	}
	k.NotAfter, k.CreatedAt = fromMS(notAfter), fromMS(created)
	k.PrivateKey, err = base64.StdEncoding.DecodeString(priv)
	return k, err
}

func insertKey(ctx context.Context, tx *sql.Tx, k store.SigningKey) (store.SigningKey, error) {
	if k.ID == "" {
		k.ID = newID("key_")
	}
	k.CreatedAt = stamp(k.CreatedAt)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM idp_signing_keys WHERE app_id = $1`, k.AppID).Scan(&n); err != nil {
		return k, err
	}
	if n >= store.MaxSigningKeysPerApp {
		return k, fmt.Errorf("%w: an application holds at most %d certificates; delete the inactive one first",
			store.ErrConflict, store.MaxSigningKeysPerApp)
	}
	if k.Active {
		if _, err := tx.ExecContext(ctx, `UPDATE idp_signing_keys SET active = FALSE WHERE app_id = $1`, k.AppID); err != nil {
			return k, err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO idp_signing_keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.ID, k.AppID, k.CertificatePEM, base64.StdEncoding.EncodeToString(k.PrivateKey), k.Active,
		ms(k.NotAfter), ms(k.CreatedAt))
	if err != nil {
		return k, fmt.Errorf("add signing key: %w", mapErr(err))
	}
	return k, nil
}

// AddSigningKey implements store.Applications.
func (s *appsStore) AddSigningKey(ctx context.Context, key store.SigningKey) (store.SigningKey, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM idp_apps WHERE id = $1`+s.fl.forUpdate, key.AppID).Scan(&one)
		if err != nil {
			return rowErr("application", key.AppID, err)
		}
		key, err = insertKey(ctx, tx, key)
		return err
	})
	return key, err
}

// ListSigningKeys implements store.Applications.
func (s *appsStore) ListSigningKeys(ctx context.Context, appID string) ([]store.SigningKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+keyColumns+` FROM idp_signing_keys WHERE app_id = $1
		ORDER BY created_at, id`, appID)
	if err != nil {
		return nil, fmt.Errorf("list signing keys: %w", err)
	}
	return collect(rows, scanKey)
}

// ActiveSigningKey implements store.Applications.
func (s *appsStore) ActiveSigningKey(ctx context.Context, appID string) (store.SigningKey, error) {
	k, err := scanKey(s.db.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM idp_signing_keys
		WHERE app_id = $1 AND active`, appID))
	return k, rowErr("active signing key of application", appID, err)
}

// ActivateSigningKey implements store.Applications.
func (s *appsStore) ActivateSigningKey(ctx context.Context, appID, keyID string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM idp_signing_keys WHERE app_id = $1 AND id = $2`+s.fl.forUpdate, appID, keyID).Scan(&one)
		if err != nil {
			return rowErr("signing key", keyID, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE idp_signing_keys SET active = (id = $2) WHERE app_id = $1`, appID, keyID)
		return err
	})
}

// DeleteSigningKey implements store.Applications.
func (s *appsStore) DeleteSigningKey(ctx context.Context, appID, keyID string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT active FROM idp_signing_keys WHERE app_id = $1 AND id = $2`+s.fl.forUpdate, appID, keyID).Scan(&active)
		if err != nil {
			return rowErr("signing key", keyID, err)
		}
		if active {
			return fmt.Errorf("%w: the active certificate cannot be deleted; activate another one first", store.ErrConflict)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM idp_signing_keys WHERE id = $1`, keyID)
		return err
	})
}
