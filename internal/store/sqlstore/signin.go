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

// AppendSignInAttempt implements store.Workspace: the attempt with its
// event, if any, in one transaction (one round trip on PostgreSQL).
func (s *signinStore) AppendSignInAttempt(ctx context.Context, a store.SignInAttempt) error {
	return s.inOneTrip(ctx, func(ctx context.Context, q execer) error { return insertAttempt(ctx, q, a) })
}

// insertAttempt records an attempt and, when it is an SSO sign-in from the
// org's genuine IdP, its event (q must then write both or neither).
func insertAttempt(ctx context.Context, q execer, a store.SignInAttempt) error {
	a.At, a.ID = stamp(a.At), newAuditID(stamp(a.At))
	_, err := q.ExecContext(ctx, `INSERT INTO sp_signin_attempts (`+attemptColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, a.ID, a.OrgID, ms(a.At), a.OK, a.Code, a.Email,
		a.Flow, a.Message, a.Hint, a.Assertion, a.Test, a.Certificate, a.Unverified, a.ConnectionID)
	if err != nil {
		return fmt.Errorf("record sign-in attempt: %w", mapErr(err))
	}
	typ := signInEventType(a)
	if typ == "" {
		return nil
	}
	return insertEvent(ctx, q, a.OrgID, typ, store.EventSignIn{AttemptID: a.ID, ConnectionID: a.ConnectionID,
		Email: a.Email, Flow: a.Flow, Code: a.Code, Message: a.Message}, a.At)
}

// signInEventType is the event an attempt makes: SSO sign-ins only, and
// not an admin's test or a message no trusted IdP signed (anyone can post
// those; they stay in the attempts log only).
func signInEventType(a store.SignInAttempt) string {
	switch {
	case a.Test, a.Unverified, a.Flow == "password":
		return ""
	case a.OK:
		return store.EventSignInSucceeded
	}
	return store.EventSignInFailed
}

// ListSignInAttempts implements store.Workspace.
func (s *signinStore) ListSignInAttempts(ctx context.Context, orgID string, opt store.ListOptions) ([]store.SignInAttempt, int, error) {
	limit, offset := limits(opt)
	where := ` WHERE org_id = $1 AND (lower(email) LIKE $2 ESCAPE '\' OR lower(code) LIKE $2 ESCAPE '\')`
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sp_signin_attempts`+where, orgID, like(opt.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count sign-in attempts: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+attemptColumns+`
		FROM sp_signin_attempts`+where+` ORDER BY id DESC LIMIT $3 OFFSET $4`, orgID, like(opt.Query), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list sign-in attempts: %w", err)
	}
	list, err := collect(rows, scanAttempt)
	return list, total, err
}

const attemptColumns = `id, org_id, at, ok, code, email, flow, message, hint, assertion, test, certificate, unverified, connection_id`

func scanAttempt(r interface{ Scan(...any) error }) (store.SignInAttempt, error) {
	var a store.SignInAttempt
	var at int64
	err := r.Scan(&a.ID, &a.OrgID, &at, &a.OK, &a.Code, &a.Email, &a.Flow, &a.Message, &a.Hint, &a.Assertion, &a.Test, &a.Certificate, &a.Unverified, &a.ConnectionID)
	a.At = fromMS(at)
	return a, err
}

// RecentSignInAttempts implements store.Workspace.
func (s *signinStore) RecentSignInAttempts(ctx context.Context, orgID string, unverified bool, limit int) ([]store.SignInAttempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+attemptColumns+` FROM sp_signin_attempts
		WHERE org_id = $1 AND unverified = $2 ORDER BY id DESC LIMIT $3`, orgID, unverified, limit)
	if err != nil {
		return nil, fmt.Errorf("list sign-in attempts: %w", err)
	}
	return collect(rows, scanAttempt)
}

// PruneSignInAttempts implements store.Workspace.
func (s *signinStore) PruneSignInAttempts(ctx context.Context, cutoff, unverifiedCutoff time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sp_signin_attempts WHERE at < $1 OR (unverified AND at < $2)`, ms(cutoff), ms(unverifiedCutoff))
	if err != nil {
		return 0, fmt.Errorf("prune sign-in attempts: %w", err)
	}
	return res.RowsAffected()
}

const inviteColumns = `id, org_id, email, role, created_by, created_at, expires_at`

func scanInvite(row interface{ Scan(...any) error }) (store.Invite, error) {
	var inv store.Invite
	var created, expires int64
	err := row.Scan(&inv.ID, &inv.OrgID, &inv.Email, &inv.Role, &inv.CreatedBy, &created, &expires)
	inv.CreatedAt, inv.ExpiresAt = fromMS(created), fromMS(expires)
	return inv, err
}

// CreateInvite implements store.Workspace.
func (s *signinStore) CreateInvite(ctx context.Context, inv store.Invite) error {
	_, err := s.exec(ctx, `INSERT INTO sp_invites (`+inviteColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		inv.ID, inv.OrgID, inv.Email, inv.Role, inv.CreatedBy, ms(stamp(inv.CreatedAt)), ms(inv.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create invite: %w", mapErr(err))
	}
	return nil
}

// GetInvite implements store.Workspace.
func (s *signinStore) GetInvite(ctx context.Context, id string, now time.Time) (store.Invite, error) {
	inv, err := scanInvite(s.db.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM sp_invites WHERE id = $1 AND expires_at > $2`, id, ms(now)))
	return inv, rowErr("invite", "(hidden)", err)
}

// ConsumeInvite implements store.Workspace.
func (s *signinStore) ConsumeInvite(ctx context.Context, id string, now time.Time) (store.Invite, error) {
	var inv store.Invite
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		inv, err = scanInvite(tx.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM sp_invites WHERE id = $1 AND expires_at > $2`+s.fl.forUpdate, id, ms(now)))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("invite", "(hidden)")
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sp_invites WHERE id = $1`, id)
		if err != nil {
			return err
		}
		return checkAffected(res, "invite", "(hidden)")
	})
	return inv, err
}

// JoinByInvite implements store.Workspace.
func (s *signinStore) JoinByInvite(ctx context.Context, orgID, email string, now time.Time) (store.Member, store.Invite, error) {
	var m store.Member
	var inv store.Invite
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		inv, err = scanInvite(tx.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM sp_invites
			WHERE org_id = $1 AND lower(email) = lower($2) AND expires_at > $3 ORDER BY created_at DESC LIMIT 1`+s.fl.forUpdate,
			orgID, email, ms(now)))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("invite", "(hidden)")
		}
		if err != nil {
			return err
		}
		m, err = insertMember(ctx, tx, store.Member{OrgID: orgID, Email: inv.Email, Role: inv.Role, CreatedAt: now})
		if err != nil {
			return err
		}
		return closeInvites(ctx, tx, orgID, inv.Email)
	})
	return m, inv, err
}

// closeInvites deletes the org's invites of the email: its person is a member.
func closeInvites(ctx context.Context, q queryer, orgID, email string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sp_invites WHERE org_id = $1 AND lower(email) = lower($2)`, orgID, email)
	if err != nil {
		return fmt.Errorf("close invites: %w", err)
	}
	return nil
}

// DeleteInvite implements store.Workspace.
func (s *signinStore) DeleteInvite(ctx context.Context, orgID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM sp_invites WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	return checkAffected(res, "invite", "(hidden)")
}

// ListInvites implements store.Workspace.
func (s *signinStore) ListInvites(ctx context.Context, orgID string, now time.Time) ([]store.Invite, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+inviteColumns+` FROM sp_invites WHERE org_id = $1 AND expires_at > $2
		ORDER BY created_at DESC`, orgID, ms(now))
	if err != nil {
		return nil, fmt.Errorf("list invites: %w", err)
	}
	return collect(rows, scanInvite)
}

// GetSPKey implements store.Workspace.
func (s *signinStore) GetSPKey(ctx context.Context, orgID string) (store.SPKey, error) {
	k := store.SPKey{OrgID: orgID}
	var priv string
	var created int64
	err := s.reads().QueryRowContext(ctx, `SELECT certificate_pem, private_key, created_at FROM sp_keys WHERE org_id = $1`, orgID).
		Scan(&k.CertificatePEM, &priv, &created)
	if err != nil {
		return store.SPKey{}, rowErr("SP key of org", orgID, err)
	}
	if k.PrivateKey, err = base64.StdEncoding.DecodeString(priv); err != nil {
		return store.SPKey{}, fmt.Errorf("SP key of org %s: %w", orgID, err)
	}
	k.CreatedAt = fromMS(created)
	return k, nil
}

// AddSPKeyIfAbsent implements store.Workspace.
func (s *signinStore) AddSPKeyIfAbsent(ctx context.Context, k store.SPKey) (store.SPKey, error) {
	_, err := s.exec(ctx, `INSERT INTO sp_keys (org_id, certificate_pem, private_key, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (org_id) DO NOTHING`, k.OrgID, k.CertificatePEM,
		base64.StdEncoding.EncodeToString(k.PrivateKey), ms(stamp(k.CreatedAt)))
	if err != nil {
		return store.SPKey{}, fmt.Errorf("add SP key: %w", mapErr(err))
	}
	return s.GetSPKey(ctx, k.OrgID)
}
