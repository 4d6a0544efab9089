// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// SaveAuthnRequest implements store.SAMLState.
func (s *stateStore) SaveAuthnRequest(ctx context.Context, r store.AuthnRequest) error {
	_, err := s.exec(ctx, `INSERT INTO saml_authn_requests (id, org_id, expires_at, purpose, connection_id)
		VALUES ($1, $2, $3, $4, $5)`, r.ID, r.OrgID, ms(r.ExpiresAt), r.Purpose, r.ConnectionID)
	if err != nil {
		return fmt.Errorf("save AuthnRequest ID: %w", mapErr(err))
	}
	return nil
}

// ConsumeAuthnRequest implements store.SAMLState. The DELETE both checks and
// consumes, so two concurrent calls cannot both succeed.
func (s *stateStore) ConsumeAuthnRequest(ctx context.Context, orgID, id string, now time.Time) (store.AuthnRequest, bool, error) {
	r := store.AuthnRequest{ID: id, OrgID: orgID}
	var expires int64
	err := s.writeRow(ctx, func(row *sql.Row) error { return row.Scan(&expires, &r.Purpose, &r.ConnectionID) },
		`DELETE FROM saml_authn_requests WHERE id = $1 AND org_id = $2 AND expires_at > $3
		RETURNING expires_at, purpose, connection_id`, id, orgID, ms(now))
	if errors.Is(err, sql.ErrNoRows) {
		return store.AuthnRequest{}, false, nil
	}
	if err != nil {
		return store.AuthnRequest{}, false, fmt.Errorf("consume AuthnRequest ID: %w", err)
	}
	r.ExpiresAt = fromMS(expires)
	return r, true, nil
}

// RecordAssertion implements store.SAMLState with an insert-if-absent.
func (s *stateStore) RecordAssertion(ctx context.Context, assertionID string, expiresAt time.Time) (bool, error) {
	res, err := s.execPrepared(ctx, `INSERT INTO saml_replay_cache (assertion_id, expires_at) VALUES ($1, $2)
		ON CONFLICT (assertion_id) DO NOTHING`, assertionID, ms(expiresAt))
	if err != nil {
		return false, fmt.Errorf("record assertion ID: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// lookUpSignInQuery is the replay check, the org's setup version and the
// member lookup in one statement; the member's columns are empty when there
// is none.
const lookUpSignInQuery = `SELECT EXISTS (SELECT 1 FROM saml_replay_cache WHERE assertion_id = $1), org.setup_version,
	COALESCE(m.id, ''), COALESCE(m.org_id, ''), COALESCE(m.email, ''), COALESCE(m.role, ''),
	COALESCE(m.password_hash, ''), COALESCE(m.created_at, 0), COALESCE(m.deactivated, FALSE)
	FROM (SELECT COALESCE((SELECT setup_version FROM sp_orgs WHERE id = $2), -1) AS setup_version) AS org
	LEFT JOIN sp_members m ON m.org_id = $2 AND lower(m.email) = lower($3) AND $3 <> ''`

// LookUpSignIn implements store.SAMLState.
func (s *stateStore) LookUpSignIn(ctx context.Context, assertionID, orgID, email string) (store.SignInLookup, error) {
	var l store.SignInLookup
	m, err := scanMember(leadingColumns{s.reads().QueryRowContext(ctx, lookUpSignInQuery, assertionID, orgID, email), []any{&l.Seen, &l.SetupVersion}})
	if err != nil {
		return store.SignInLookup{}, fmt.Errorf("look up assertion ID and member: %w", mapErr(err))
	}
	l.Member, l.Found = m, m.ID != ""
	return l, nil
}

// leadingColumns lets a scanner of one row shape (scanMember, scanConn)
// read a row that has other columns first: those go to lead.
type leadingColumns struct {
	row  interface{ Scan(...any) error }
	lead []any
}

func (r leadingColumns) Scan(dest ...any) error {
	return r.row.Scan(append(r.lead[:len(r.lead):len(r.lead)], dest...)...)
}

// insertAssertionUse records a sign-in's assertion ID. Unlike
// RecordAssertion it fails if the ID is there already: as a sign-in's
// first statement, it refuses the whole record (mapErr makes that
// store.ErrReplayed).
func insertAssertionUse(ctx context.Context, q execer, a store.AssertionUse) error {
	_, err := q.ExecContext(ctx, `INSERT INTO saml_replay_cache (assertion_id, expires_at) VALUES ($1, $2)`, a.ID, ms(a.ExpiresAt))
	if err != nil {
		return fmt.Errorf("record assertion ID: %w", mapErr(err))
	}
	return nil
}

// PruneSAMLState implements store.SAMLState.
func (s *stateStore) PruneSAMLState(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM saml_authn_requests WHERE expires_at <= $1`,
			`DELETE FROM saml_replay_cache WHERE expires_at <= $1`,
		} {
			res, err := tx.ExecContext(ctx, q, ms(now))
			if err != nil {
				return fmt.Errorf("prune SAML state: %w", err)
			}
			n, _ := res.RowsAffected()
			total += n
		}
		return nil
	})
	return total, err
}

const sessionColumns = `id, realm, user_id, org_id, method, detail, created_at, expires_at, last_seen_at,
	name_id, name_id_format, session_index`

// CreateSession implements store.Sessions.
func (s *stateStore) CreateSession(ctx context.Context, ss store.Session) error {
	return insertSession(ctx, s.writes(), ss)
}

func insertSession(ctx context.Context, q execer, ss store.Session) error {
	ss.CreatedAt = stamp(ss.CreatedAt)
	if ss.LastSeenAt.IsZero() {
		ss.LastSeenAt = ss.CreatedAt
	}
	_, err := q.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		ss.ID, ss.Realm, ss.UserID, ss.OrgID, ss.Method, ss.Detail, ms(ss.CreatedAt), ms(ss.ExpiresAt), ms(ss.LastSeenAt),
		ss.NameID, ss.NameIDFormat, ss.SessionIndex)
	if err != nil {
		return fmt.Errorf("create session: %w", mapErr(err))
	}
	return nil
}

// TouchSession implements store.Sessions.
func (s *stateStore) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, id, ms(at))
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// RecordSignIn implements store.Sessions: the assertion ID, the session,
// the attempt (with its event) and the audit entries of one sign-in, all or
// none, in one round trip on PostgreSQL.
func (s *stateStore) RecordSignIn(ctx context.Context, r store.SignInRecord) error {
	return s.inOneTrip(ctx, func(ctx context.Context, tx execer) error {
		if r.Assertion != nil {
			if err := insertAssertionUse(ctx, tx, *r.Assertion); err != nil {
				return err
			}
		}
		if r.Session != nil {
			if err := insertSession(ctx, tx, *r.Session); err != nil {
				return err
			}
		}
		for _, e := range r.Audit {
			if err := insertAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		if r.Attempt != nil {
			return insertAttempt(ctx, tx, *r.Attempt)
		}
		return nil
	})
}

// GetSession implements store.Sessions.
func (s *stateStore) GetSession(ctx context.Context, id string, now time.Time) (store.Session, error) {
	var ss store.Session
	var created, expires, seen int64
	err := s.reads().QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1 AND expires_at > $2`,
		id, ms(now)).Scan(&ss.ID, &ss.Realm, &ss.UserID, &ss.OrgID, &ss.Method, &ss.Detail, &created, &expires, &seen,
		&ss.NameID, &ss.NameIDFormat, &ss.SessionIndex)
	ss.CreatedAt, ss.ExpiresAt, ss.LastSeenAt = fromMS(created), fromMS(expires), fromMS(seen)
	return ss, rowErr("session", "(hidden)", err)
}

// DeleteSession implements store.Sessions. Deleting a missing session is not an error.
func (s *stateStore) DeleteSession(ctx context.Context, id string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	return err
}

// DeleteUserSessions implements store.Sessions.
func (s *stateStore) DeleteUserSessions(ctx context.Context, realm, userID string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE realm = $1 AND user_id = $2`, realm, userID)
	return err
}

// HitRateLimit implements store.Sessions with one upsert: concurrent hits
// of one key are counted, never lost.
func (s *stateStore) HitRateLimit(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	start := now.Truncate(window)
	var n int
	err := s.writeRow(ctx, func(r *sql.Row) error { return r.Scan(&n) }, `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING count`, key, ms(start))
	if err != nil {
		return 0, fmt.Errorf("count attempt: %w", err)
	}
	return n, nil
}

// PruneRateLimits implements store.Sessions.
func (s *stateStore) PruneRateLimits(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM rate_limits WHERE window_start < $1`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune rate limits: %w", err)
	}
	return res.RowsAffected()
}

// EndPasswordSessions implements store.Sessions.
func (s *stateStore) EndPasswordSessions(ctx context.Context, orgID string) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE realm = $1 AND org_id = $2 AND method = 'password'
		AND user_id NOT IN (SELECT id FROM sp_members WHERE org_id = $2 AND role = 'admin')`, store.RealmWorkspace, orgID)
	if err != nil {
		return 0, fmt.Errorf("end password sessions: %w", err)
	}
	return res.RowsAffected()
}

// EndSSOSessions implements store.Sessions.
func (s *stateStore) EndSSOSessions(ctx context.Context, orgID, idpEntityID, nameID string, sessionIndexes []string) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		const q = `DELETE FROM sessions WHERE realm = $1 AND org_id = $2 AND method = 'sso' AND detail = $3 AND name_id = $4`
		var results []sql.Result
		if len(sessionIndexes) == 0 {
			res, err := tx.ExecContext(ctx, q, store.RealmWorkspace, orgID, idpEntityID, nameID)
			if err != nil {
				return err
			}
			results = append(results, res)
		}
		for _, si := range sessionIndexes {
			res, err := tx.ExecContext(ctx, q+` AND session_index = $5`, store.RealmWorkspace, orgID, idpEntityID, nameID, si)
			if err != nil {
				return err
			}
			results = append(results, res)
		}
		for _, res := range results {
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("end SSO sessions: %w", mapErr(err))
	}
	return n, nil
}

// PruneSessions implements store.Sessions.
func (s *stateStore) PruneSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	return res.RowsAffected()
}

// AppendAudit implements store.Audit.
func (s *stateStore) AppendAudit(ctx context.Context, e store.AuditEvent) error {
	return insertAudit(ctx, s.writes(), e)
}

func insertAudit(ctx context.Context, q execer, e store.AuditEvent) error {
	e.At = stamp(e.At)
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (id, at, realm, org_id, actor, action, target, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, newAuditID(e.At), ms(e.At), e.Realm, e.OrgID, e.Actor, e.Action, e.Target, e.Detail)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

// ListAudit implements store.Audit.
func (s *stateStore) ListAudit(ctx context.Context, realm, orgID string, opt store.ListOptions) ([]store.AuditEvent, int, error) {
	limit, offset := limits(opt)
	where := ` WHERE realm = $1 AND ($2 = '' OR org_id = $2) AND (lower(action) LIKE $3 ESCAPE '\'
		OR lower(actor) LIKE $3 ESCAPE '\' OR lower(target) LIKE $3 ESCAPE '\' OR lower(detail) LIKE $3 ESCAPE '\')`
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+where, realm, orgID, like(opt.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit events: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, realm, org_id, actor, action, target, detail FROM audit_log`+
		where+` ORDER BY id DESC LIMIT $4 OFFSET $5`, realm, orgID, like(opt.Query), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit events: %w", err)
	}
	events, err := collect(rows, func(r interface{ Scan(...any) error }) (store.AuditEvent, error) {
		var e store.AuditEvent
		var at int64
		err := r.Scan(&e.ID, &at, &e.Realm, &e.OrgID, &e.Actor, &e.Action, &e.Target, &e.Detail)
		e.At = fromMS(at)
		return e, err
	})
	return events, total, err
}
