// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/web"
)

func runServe(ctx context.Context, io IO, args []string) error {
	var c Config
	fs := newFlagSet("serve", "[--role all|idp|sp] [--database URL] [--idp-url URL] [--sp-url URL] [--idp-addr A] [--sp-addr A]", io.Stderr)
	fs.StringVar(&c.Role, "role", "all", "which roles to run: all, idp (Identity Center) or sp (Workspace)")
	c.databaseFlags(fs)
	c.urlFlags(fs)
	c.serverFlags(fs)
	if err := parseFlags(fs, args, io.Env); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := c.Validate(); err != nil {
		return err
	}
	log := newLogger(io.Stderr, c.LogLevel, c.LogFormat)
	st, err := sqlstore.Open(ctx, c.Location(), sqlstore.Options{Migrate: true, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "database", c.Location().String())
	return serve(ctx, log, &c, st, nil)
}

// serve runs the configured listeners on st until ctx is done.
func serve(ctx context.Context, log *slog.Logger, c *Config, st store.Store, ready func(map[string]string)) error {
	var ls []web.Listener
	if c.runsIdP() {
		ls = append(ls, web.Listener{Role: "idp", Addr: c.IdPAddr, Handler: roleHandler("idp", log, st)})
	}
	if c.runsSP() {
		ls = append(ls, web.Listener{Role: "sp", Addr: c.SPAddr, Handler: roleHandler("sp", log, st)})
	}
	go pruneLoop(ctx, log, st, time.Minute)
	return web.ServeAll(ctx, log, ls, ready)
}

// roleHandler builds one listener's routes and wraps them in the middleware.
func roleHandler(role string, log *slog.Logger, st store.Store) http.Handler {
	log = log.With("role", role)
	m := web.NewMetrics(role)
	mux := http.NewServeMux()
	web.MountHealth(mux, st, m)
	return web.Wrap(mux, log, m)
}

// pruneLoop deletes expired sessions, request IDs and replay-cache entries,
// so lookups stay fast however long Signet runs.
func pruneLoop(ctx context.Context, log *slog.Logger, st store.Store, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			n1, err1 := st.PruneSAMLState(ctx, now)
			n2, err2 := st.PruneSessions(ctx, now)
			if err1 != nil || err2 != nil {
				if ctx.Err() == nil {
					log.Warn("pruning expired state failed", "saml_err", err1, "session_err", err2)
				}
				continue
			}
			if n1+n2 > 0 {
				log.Debug("pruned expired state", "saml", n1, "sessions", n2)
			}
		}
	}
}

func runMigrate(ctx context.Context, io IO, args []string) error {
	var c Config
	fs := newFlagSet("migrate", "[--database URL]", io.Stderr)
	c.databaseFlags(fs)
	if err := parseFlags(fs, args, io.Env); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := c.Validate(); err != nil {
		return err
	}
	log := newLogger(io.Stderr, "info", "text")
	st, err := sqlstore.Open(ctx, c.Location(), sqlstore.Options{Migrate: true, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	applied, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Stdout, "%s is at schema version %d\n", c.Location(), applied)
	return nil
}
