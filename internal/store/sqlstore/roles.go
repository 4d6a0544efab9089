// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// GetRoleMapping implements store.RoleMappings.
func (s *domainStore) GetRoleMapping(ctx context.Context, orgID string) (store.RoleMapping, error) {
	return getRoleMapping(ctx, s.reads(), orgID, "")
}

func getRoleMapping(ctx context.Context, q reader, orgID, suffix string) (store.RoleMapping, error) {
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
	return m, decodeRoleMapping(&m, rules, updated)
}

// decodeRoleMapping fills in m's stored rules (JSON) and time.
func decodeRoleMapping(m *store.RoleMapping, rules string, updated int64) error {
	m.UpdatedAt = fromMS(updated)
	if err := json.Unmarshal([]byte(rules), &m.Rules); err != nil {
		return fmt.Errorf("role mapping of org %q: %w", m.OrgID, err)
	}
	return nil
}

// UpdateRoleMapping implements store.RoleMappings.
func (s *domainStore) UpdateRoleMapping(ctx context.Context, orgID string, fn func(*store.RoleMapping) error) (store.RoleMapping, error) {
	var m store.RoleMapping
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
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

// AddSSOParticipant implements store.SSOParticipants.
func (s *domainStore) AddSSOParticipant(ctx context.Context, p store.SSOParticipant) error {
	_, err := s.exec(ctx, `INSERT INTO idp_sso_participants (session_id, app_id, name_id, name_id_format, session_index, expires_at,
		answer_to, answer_relay_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (session_id, app_id) DO UPDATE SET
		name_id = excluded.name_id, name_id_format = excluded.name_id_format, session_index = excluded.session_index,
		expires_at = excluded.expires_at, answer_to = excluded.answer_to, answer_relay_state = excluded.answer_relay_state`,
		p.SessionID, p.AppID, p.NameID, p.NameIDFormat, p.SessionIndex, ms(p.ExpiresAt), p.AnswerTo, p.AnswerRelayState)
	if err != nil {
		return fmt.Errorf("record SSO participant: %w", mapErr(err))
	}
	return nil
}

// TakeSSOParticipants implements store.SSOParticipants.
func (s *domainStore) TakeSSOParticipants(ctx context.Context, sessionID string) ([]store.SSOParticipant, error) {
	unlock, err := s.lockWrites(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rows, err := s.db.QueryContext(ctx, `DELETE FROM idp_sso_participants WHERE session_id = $1
		RETURNING session_id, app_id, name_id, name_id_format, session_index, expires_at, answer_to, answer_relay_state`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("take SSO participants: %w", mapErr(err))
	}
	out, err := collect(rows, func(r interface{ Scan(...any) error }) (store.SSOParticipant, error) {
		var p store.SSOParticipant
		var exp int64
		err := r.Scan(&p.SessionID, &p.AppID, &p.NameID, &p.NameIDFormat, &p.SessionIndex, &exp, &p.AnswerTo, &p.AnswerRelayState)
		p.ExpiresAt = fromMS(exp)
		return p, err
	})
	// The chain's initiator, waiting for its answer, comes last.
	initiator := func(p store.SSOParticipant) int {
		if p.AnswerTo != "" {
			return 1
		}
		return 0
	}
	slices.SortFunc(out, func(a, b store.SSOParticipant) int {
		return cmp.Or(cmp.Compare(initiator(a), initiator(b)), strings.Compare(a.AppID, b.AppID))
	})
	return out, err
}

// PruneSSOParticipants implements store.SSOParticipants.
func (s *domainStore) PruneSSOParticipants(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM idp_sso_participants WHERE expires_at <= $1`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("prune SSO participants: %w", err)
	}
	return res.RowsAffected()
}
