// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package mail_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/mail"
	"github.com/signet-sso/signet/internal/mail/mailtest"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
)

func newStore(t *testing.T) store.Store {
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestSMTPWithSTARTTLSAndAuth: a message reaches a real SMTP server over
// STARTTLS with AUTH PLAIN; wrong credentials and an untrusted
// certificate are refused.
func TestSMTPWithSTARTTLSAndAuth(t *testing.T) {
	srv := mailtest.Start(t, true, "signet", "s3cret-pass")
	s, err := mail.NewSMTP("smtp://signet:s3cret-pass@"+srv.Addr, "Signet <no-reply@signet.test>")
	if err != nil {
		t.Fatal(err)
	}
	s.RootCAs = srv.Roots
	m := store.Mail{To: "pat@corp.example", Subject: "Réinitialisez your password", Text: "Click https://idp.test/portal/password/abc=def\nThanks."}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].To != "pat@corp.example" || got[0].Subject != m.Subject || !strings.Contains(got[0].Body, "https://idp.test/portal/password/abc=def") {
		t.Fatalf("received %+v", got)
	}
	bad, _ := mail.NewSMTP("smtp://signet:wrong@"+srv.Addr, "no-reply@signet.test")
	bad.RootCAs = srv.Roots
	if err := bad.Send(t.Context(), m); err == nil {
		t.Error("wrong credentials were accepted")
	}
	untrusted, _ := mail.NewSMTP("smtp://signet:s3cret-pass@"+srv.Addr, "no-reply@signet.test")
	if err := untrusted.Send(t.Context(), m); err == nil {
		t.Error("a certificate nobody trusts was accepted")
	}
	plain := mailtest.Start(t, false, "", "")
	noTLS, _ := mail.NewSMTP("smtp://"+plain.Addr, "no-reply@signet.test")
	if err := noTLS.Send(t.Context(), m); err == nil {
		t.Error("a server without STARTTLS got mail although TLS is required by default")
	}
	for _, u := range []string{"http://mail.test", "smtp://", "smtp://mail.test:99999", "smtp://mail.test?tls=maybe"} {
		if _, err := mail.NewSMTP(u, "a@b.test"); err == nil {
			t.Errorf("NewSMTP(%q) accepted", u)
		}
	}
	if _, err := mail.NewSMTP("smtp://mail.test", ""); err == nil {
		t.Error("no sender address accepted")
	}
}

// TestOutboxWaitsForTheServer: with the mail server down the message
// stays queued, with the reason, and goes out once the server is back.
func TestOutboxWaitsForTheServer(t *testing.T) {
	srv := mailtest.Start(t, false, "", "")
	s, _ := mail.NewSMTP("smtp://"+srv.Addr+"?tls=none", "no-reply@signet.test")
	st := newStore(t)
	now := time.Now().UTC()
	o := &mail.Outbox{Store: st, Sender: s, Now: func() time.Time { return now }}
	srv.Stop()
	if err := o.Queue(t.Context(), "pat@corp.example", "Hello", "Body", "test"); err != nil {
		t.Fatal(err)
	}
	if err := o.DeliverDue(t.Context(), "r1"); err != nil {
		t.Fatal(err)
	}
	list, _ := st.ListMail(t.Context(), 10)
	if len(list) != 1 || list[0].State != store.MailQueued || list[0].Attempts != 1 || list[0].Error == "" {
		t.Fatalf("after a failed attempt: %+v", list)
	}
	srv.Restart()
	if err := o.DeliverDue(t.Context(), "r1"); err != nil || len(srv.Messages()) != 0 {
		t.Fatalf("sent before its retry time: %v %d", err, len(srv.Messages()))
	}
	now = now.Add(mail.RetryBase)
	if err := o.DeliverDue(t.Context(), "r1"); err != nil {
		t.Fatal(err)
	}
	list, _ = st.ListMail(t.Context(), 10)
	if len(srv.Messages()) != 1 || list[0].State != store.MailSent || list[0].Error != "" {
		t.Fatalf("after the server came back: %d messages, %+v", len(srv.Messages()), list)
	}
	if err := o.DeliverDue(t.Context(), "r1"); err != nil || len(srv.Messages()) != 1 {
		t.Errorf("sent twice: %d", len(srv.Messages()))
	}
}

// TestOutboxGivesUpAndResends: after MaxAttempts a message fails; an
// admin's resend queues it again. Without a mail server it waits, saying so.
func TestOutboxGivesUpAndResends(t *testing.T) {
	st := newStore(t)
	now := time.Now().UTC()
	o := &mail.Outbox{Store: st, Now: func() time.Time { return now }}
	if err := o.Queue(t.Context(), "pat@corp.example", "Hello", "Body", "test"); err != nil {
		t.Fatal(err)
	}
	for range mail.MaxAttempts {
		if err := o.DeliverDue(t.Context(), "r1"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(mail.RetryMax)
	}
	list, _ := st.ListMail(t.Context(), 10)
	if list[0].State != store.MailFailed || !strings.Contains(list[0].Error, "--smtp-url") {
		t.Fatalf("after %d attempts: %+v", mail.MaxAttempts, list[0])
	}
	if err := o.Resend(t.Context(), list[0].ID); err != nil {
		t.Fatal(err)
	}
	if list, _ = st.ListMail(t.Context(), 10); list[0].State != store.MailQueued {
		t.Errorf("after resend: %+v", list[0])
	}
	if err := o.Resend(t.Context(), list[0].ID); err == nil {
		t.Error("a queued message was 'resent'")
	}
}
