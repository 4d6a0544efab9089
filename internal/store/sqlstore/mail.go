// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

const mailColumns = `id, to_addr, subject, body, kind, state, attempts, next_attempt_at, error, created_at, sent_at`

func scanMail(r interface{ Scan(...any) error }) (store.Mail, error) {
	var m store.Mail
	var next, created, sent int64
	err := r.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.Kind, &m.State, &m.Attempts, &next, &m.Error, &created, &sent)
	m.NextAttemptAt, m.CreatedAt, m.SentAt = fromMS(next), fromMS(created), fromMS(sent)
	return m, err
}

// QueueMail implements store.Mailbox.
func (s *directoryStore) QueueMail(ctx context.Context, m store.Mail) (store.Mail, error) {
	m.ID, m.CreatedAt, m.State = newAuditID(stamp(m.CreatedAt)), stamp(m.CreatedAt), store.MailQueued
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	_, err := s.exec(ctx, `INSERT INTO mail_outbox (`+mailColumns+`) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, '', $8, 0)`,
		m.ID, m.To, m.Subject, m.Text, m.Kind, m.State, ms(m.NextAttemptAt), ms(m.CreatedAt))
	if err != nil {
		return m, fmt.Errorf("queue mail: %w", mapErr(err))
	}
	return m, nil
}

// DueMail implements store.Mailbox.
func (s *directoryStore) DueMail(ctx context.Context, now time.Time, limit int) ([]store.Mail, error) {
	list, err := queryAll(ctx, s.db, scanMail, `SELECT `+mailColumns+` FROM mail_outbox WHERE state = 'queued'
		AND next_attempt_at <= $1 ORDER BY id LIMIT $2`, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due mail: %w", err)
	}
	return list, nil
}

// RecordMailAttempt implements store.Mailbox.
func (s *directoryStore) RecordMailAttempt(ctx context.Context, m store.Mail) error {
	res, err := s.exec(ctx, `UPDATE mail_outbox SET state = $2, attempts = $3, next_attempt_at = $4, error = $5, sent_at = $6
		WHERE id = $1`, m.ID, m.State, m.Attempts, ms(m.NextAttemptAt), m.Error, ms(m.SentAt))
	if err != nil {
		return fmt.Errorf("record mail attempt: %w", err)
	}
	return checkAffected(res, "mail", m.ID)
}

// ListMail implements store.Mailbox.
func (s *directoryStore) ListMail(ctx context.Context, limit int) ([]store.Mail, error) {
	list, err := queryAll(ctx, s.db, scanMail, `SELECT `+mailColumns+` FROM mail_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	return list, nil
}

// RequeueMail implements store.Mailbox.
func (s *directoryStore) RequeueMail(ctx context.Context, id string, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE mail_outbox SET state = 'queued', next_attempt_at = $2 WHERE id = $1 AND state = 'failed'`, id, ms(now))
	if err != nil {
		return fmt.Errorf("requeue mail: %w", err)
	}
	return checkAffected(res, "failed mail", id)
}

// CreatePasswordToken implements store.Mailbox.
func (s *directoryStore) CreatePasswordToken(ctx context.Context, t store.PasswordToken) error {
	_, err := s.exec(ctx, `INSERT INTO idp_password_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
		t.TokenHash, t.UserID, t.Purpose, ms(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("save password link: %w", mapErr(err))
	}
	return nil
}

// ConsumePasswordToken implements store.Mailbox.
func (s *directoryStore) ConsumePasswordToken(ctx context.Context, tokenHash string, now time.Time) (store.PasswordToken, error) {
	var t store.PasswordToken
	var expires int64
	err := s.writeRow(ctx, func(r *sql.Row) error { return r.Scan(&t.TokenHash, &t.UserID, &t.Purpose, &expires) },
		`DELETE FROM idp_password_tokens WHERE token_hash = $1 AND expires_at > $2
		RETURNING token_hash, user_id, purpose, expires_at`, tokenHash, ms(now))
	t.ExpiresAt = fromMS(expires)
	return t, rowErr("password link", "(hidden)", err)
}

// PeekPasswordToken implements store.Mailbox.
func (s *directoryStore) PeekPasswordToken(ctx context.Context, tokenHash string, now time.Time) (store.PasswordToken, error) {
	var t store.PasswordToken
	var expires int64
	err := s.db.QueryRowContext(ctx, `SELECT token_hash, user_id, purpose, expires_at FROM idp_password_tokens
		WHERE token_hash = $1 AND expires_at > $2`, tokenHash, ms(now)).Scan(&t.TokenHash, &t.UserID, &t.Purpose, &expires)
	t.ExpiresAt = fromMS(expires)
	return t, rowErr("password link", "(hidden)", err)
}

// PruneMail implements store.Mailbox.
func (s *directoryStore) PruneMail(ctx context.Context, now, cutoff time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM mail_outbox WHERE state = 'sent' AND sent_at < $1`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune mail: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = s.exec(ctx, `DELETE FROM idp_password_tokens WHERE expires_at <= $1`, ms(now))
	if err != nil {
		return n, fmt.Errorf("prune password links: %w", err)
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}
