// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/signet-sso/signet/internal/store"
)

// Sender hands one message to a mail server.
type Sender interface {
	Send(ctx context.Context, m store.Mail) error
}

// SMTP sends through a mail server named by a URL:
// smtp://[user:password@]host[:port] (STARTTLS required, port 587 by
// default; ?tls=opportunistic or ?tls=none only for labs) or
// smtps://…[:465] (TLS from the start). From is the sender's address.
type SMTP struct {
	host, user, pass string
	port             int
	ssl              bool
	policy           gomail.TLSPolicy
	from             string
	// RootCAs, if set, are the certificate authorities the mail server's
	// certificate must chain to (default: the system's).
	RootCAs *x509.CertPool
}

// NewSMTP checks the URL and the sender's address.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, errors.New("--smtp-url must look like smtp://user:password@mail.example.com:587 or smtps://…:465")
	}
	s := &SMTP{host: u.Hostname(), ssl: u.Scheme == "smtps", policy: gomail.TLSMandatory, from: from, port: 587}
	if s.ssl {
		s.port = 465
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port <= 0 || s.port > 65535 {
			return nil, errors.New("--smtp-url has an invalid port")
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	switch u.Query().Get("tls") {
	case "", "required":
	case "opportunistic":
		s.policy = gomail.TLSOpportunistic
	case "none":
		s.policy = gomail.NoTLS
	default:
		return nil, errors.New("--smtp-url: tls is required (the default), opportunistic or none")
	}
	if from == "" {
		return nil, errors.New("--smtp-from is required with --smtp-url: the address Signet's email comes from")
	}
	return s, nil
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, m store.Mail) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("the sender's address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("the recipient's address: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(15 * time.Second), gomail.WithTLSPolicy(s.policy)}
	if s.ssl {
		opts = append(opts, gomail.WithSSL())
	}
	if s.RootCAs != nil {
		opts = append(opts, gomail.WithTLSConfig(&tls.Config{ServerName: s.host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// Demo is the demo's "mail server": every message is kept in the outbox,
// where the demo's Email page shows it.
type Demo struct{}

// Send implements Sender: nothing leaves the machine.
func (Demo) Send(context.Context, store.Mail) error { return nil }

// Outbox queues messages and delivers them.
type Outbox struct {
	Store  store.Store
	Sender Sender // nil: no mail server configured; messages wait, and say so
	Log    *slog.Logger
	Now    func() time.Time
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

// ShowsBodies reports whether admins may read the messages themselves:
// only in the demo, where the outbox is the mail server.
func (o *Outbox) ShowsBodies() bool {
	_, demo := o.Sender.(Demo)
	return demo
}

// Queue stores a message for delivery; it is sent within seconds while
// `signet serve` runs.
func (o *Outbox) Queue(ctx context.Context, to, subject, text, kind string) error {
	_, err := o.Store.QueueMail(ctx, store.Mail{To: to, Subject: subject, Text: text, Kind: kind, CreatedAt: o.now()})
	return err
}

// Delivery policy: attempts back off from RetryBase, doubling up to
// RetryMax; after MaxAttempts a message fails (an admin can send it again).
const (
	RetryBase   = 30 * time.Second
	RetryMax    = time.Hour
	MaxAttempts = 10
	// Lease names the worker's lease: one replica sends at a time.
	Lease = "mail"
)

// DeliverDue sends what is due, if this replica (holder) holds the lease.
func (o *Outbox) DeliverDue(ctx context.Context, holder string) error {
	due, err := o.Store.DueMail(ctx, o.now(), 50)
	if err != nil || len(due) == 0 {
		return err
	}
	now := o.now()
	if ok, err := o.Store.TryLease(ctx, Lease, holder, now, now.Add(time.Minute)); err != nil || !ok {
		return err
	}
	for _, m := range due {
		if err := o.attempt(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (o *Outbox) attempt(ctx context.Context, m store.Mail) error {
	m.Attempts++
	var err error
	if o.Sender == nil {
		err = errors.New("no mail server is configured: start signet serve with --smtp-url and --smtp-from")
	} else {
		sendCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err = o.Sender.Send(sendCtx, m)
		cancel()
	}
	now := o.now()
	switch {
	case err == nil:
		m.State, m.Error, m.SentAt = store.MailSent, "", now
	case m.Attempts >= MaxAttempts:
		m.State, m.Error = store.MailFailed, problem(err)
	default:
		m.Error, m.NextAttemptAt = problem(err), now.Add(backoff(m.Attempts))
	}
	if err != nil && o.Log != nil {
		o.Log.WarnContext(ctx, "email not sent", "mail", m.ID, "kind", m.Kind, "attempt", m.Attempts, "err", err)
	}
	return o.Store.RecordMailAttempt(ctx, m)
}

// problem words a delivery failure for the admin's Email page.
func problem(err error) string {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "the mail server did not answer in time"
	}
	s := err.Error()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func backoff(attempts int) time.Duration {
	d := RetryBase
	for i := 1; i < attempts && d < RetryMax; i++ {
		d *= 2
	}
	return min(d, RetryMax)
}

// Resend queues a failed message again, at once.
func (o *Outbox) Resend(ctx context.Context, id string) error {
	return o.Store.RequeueMail(ctx, id, o.now())
}
