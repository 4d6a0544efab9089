// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/signet-sso/signet/internal/store"
)

// GetRoleMapping implements store.RoleMappings.
func (s *domainStore) GetRoleMapping(ctx context.Context, orgID string) (store.RoleMapping, error) {
	return getRoleMapping(ctx, s.db, orgID, "")
}

func getRoleMapping(ctx context.Context, q queryer, orgID, suffix string) (store.RoleMapping, error) {
	m := store.RoleMapping{OrgID: orgID}
	var rules string
	var updated int64
	err := q.QueryRowContext(ctx, `SELECT attribute, default_role, rules, updated_at FROM sp_role_mappings WHERE org_id = $1`+suffix, orgID).
		Scan(&m.Attribute, &m.DefaultRole, &rules, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("get role mapping: %w", mapErr(err))
	}
	m.UpdatedAt = fromMS(updated)
	if err := json.Unmarshal([]byte(rules), &m.Rules); err != nil {
		return m, fmt.Errorf("role mapping of org %q: %w", orgID, err)
	}
	return m, nil
}

// UpdateRoleMapping implements store.RoleMappings.
func (s *domainStore) UpdateRoleMapping(ctx context.Context, orgID string, fn func(*store.RoleMapping) error) (store.RoleMapping, error) {
	var m store.RoleMapping
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = getRoleMapping(ctx, tx, orgID, s.fl.forUpdate); err != nil {
			return err
		}
		if err := fn(&m); err != nil {
			return err
		}
		m.OrgID, m.UpdatedAt = orgID, now()
		if m.Rules == nil {
			m.Rules = []store.RoleRule{}
		}
		rules, err := json.Marshal(m.Rules)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sp_role_mappings (org_id, attribute, default_role, rules, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org_id) DO UPDATE SET attribute = excluded.attribute, default_role = excluded.default_role,
			rules = excluded.rules, updated_at = excluded.updated_at`, orgID, m.Attribute, m.DefaultRole, string(rules), ms(m.UpdatedAt))
		if err != nil {
			return fmt.Errorf("save role mapping: %w", mapErr(err))
		}
		return nil
	})
	return m, err
}
