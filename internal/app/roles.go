// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/signet-sso/signet/internal/mail"

	"github.com/signet-sso/signet/internal/events"
	"github.com/signet-sso/signet/internal/idp"
	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/web"
)

// dataDir is where Signet keeps files beside the database (the secret key
// file): SIGNET_DATA_DIR, else the SQLite file's folder, else signet-data.
func (c *Config) dataDir(env Env) string {
	if d := env("SIGNET_DATA_DIR"); d != "" {
		return d
	}
	if c.location.Driver == "sqlite" {
		return filepath.Dir(c.location.Path)
	}
	return "signet-data"
}

// env holds what every role needs.
type env struct {
	cfg    *Config
	store  store.Store
	sealer *secret.Sealer
	log    *slog.Logger
	pw     password.Params
}

// openEnv opens the store (migrating it) and the secret key.
func openEnv(ctx context.Context, c *Config, io IO, log *slog.Logger) (*env, func(), error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	st, err := sqlstore.Open(ctx, c.Location(), sqlstore.Options{Migrate: true, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	sealer, err := secret.Load(io.Env("SIGNET_SECRET_KEY"), c.dataDir(io.Env))
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	pw := password.Default()
	if io.Env("SIGNET_INSECURE_FAST_PASSWORDS") == "1" { // tests only: cheap argon2id
		pw = password.Cheap()
	}
	return &env{cfg: c, store: st, sealer: sealer, log: log, pw: pw}, func() { st.Close() }, nil
}

func (e *env) idpService() *idp.Service {
	return &idp.Service{Store: e.store, Sealer: e.sealer, BaseURL: trimSlash(e.cfg.IdPURL), Password: e.pw, Log: e.log, Mail: e.outbox(),
		SCIMClient: web.NewOutboundClient(e.cfg.AllowPrivateMetadataURLs, 15*time.Second)}
}

func (e *env) spService() *sp.Service {
	return &sp.Service{Store: e.store, Sealer: e.sealer, BaseURL: trimSlash(e.cfg.SPURL), Password: e.pw, Log: e.log,
		Fetch: sp.NewFetcher(e.cfg.AllowPrivateMetadataURLs), Resolver: sp.NewResolver(e.cfg.DNSServer), Mail: e.outbox()}
}

// outbox queues email and, in serve, delivers it: over SMTP with
// --smtp-url, to the demo's Email page in the demo, or nowhere yet
// (messages wait, and the Email page says why).
func (e *env) outbox() *mail.Outbox {
	o := &mail.Outbox{Store: e.store, Log: e.log}
	switch {
	case e.cfg.DemoMail:
		o.Sender = mail.Demo{}
	case e.cfg.SMTPURL != "":
		if s, err := mail.NewSMTP(e.cfg.SMTPURL, e.cfg.SMTPFrom); err == nil { // checked by Validate
			o.Sender = s
		}
	}
	return o
}

// webhooks is the webhook service; its client is the SSRF-safe one.
func (e *env) webhooks() *events.Webhooks {
	return &events.Webhooks{Store: e.store, Sealer: e.sealer, Log: e.log,
		Client: web.NewOutboundClient(e.cfg.AllowPrivateMetadataURLs, 15*time.Second)}
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
