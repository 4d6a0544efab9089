// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// States of an outgoing email.
const (
	MailQueued = "queued" // waiting for its first or next attempt
	MailSent   = "sent"
	MailFailed = "failed" // retries are exhausted; an admin can send it again
)

// Mail is an email Signet sends, queued in the database so that a mail
// server that is down delays it but never loses it.
type Mail struct {
	ID            string
	To            string
	Subject       string
	Text          string // plain text
	Kind          string // "invitation", "password_reset", "mfa_device", …
	State         string
	Attempts      int
	NextAttemptAt time.Time
	Error         string // the last attempt's failure, in words
	CreatedAt     time.Time
	SentAt        time.Time
}

// PasswordToken is a single-use link to set a password: an invitation or
// a reset. Only its hash is stored.
type PasswordToken struct {
	TokenHash string
	UserID    string
	Purpose   string // "invite" or "reset"
	ExpiresAt time.Time
}

// Mailbox holds outgoing email and password links.
type Mailbox interface {
	QueueMail(ctx context.Context, m Mail) (Mail, error)
	// DueMail lists queued mail due at now, oldest first, at most limit.
	DueMail(ctx context.Context, now time.Time, limit int) ([]Mail, error)
	// RecordMailAttempt writes an attempt's outcome (State, Attempts,
	// NextAttemptAt, Error, SentAt).
	RecordMailAttempt(ctx context.Context, m Mail) error
	// ListMail lists mail newest first (limit at most).
	ListMail(ctx context.Context, limit int) ([]Mail, error)
	// RequeueMail makes a failed message queued and due at now.
	RequeueMail(ctx context.Context, id string, now time.Time) error

	// CreatePasswordToken stores a link; ConsumePasswordToken deletes and
	// returns it if it had not expired at now (at most one caller gets it).
	CreatePasswordToken(ctx context.Context, t PasswordToken) error
	ConsumePasswordToken(ctx context.Context, tokenHash string, now time.Time) (PasswordToken, error)
	// PeekPasswordToken returns the link without using it.
	PeekPasswordToken(ctx context.Context, tokenHash string, now time.Time) (PasswordToken, error)
	// PruneMail deletes sent mail and expired links older than cutoff.
	PruneMail(ctx context.Context, now, cutoff time.Time) (int64, error)
}
