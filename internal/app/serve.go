// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/api"
	"github.com/signet-sso/signet/internal/events"
	"github.com/signet-sso/signet/internal/idp"
	"github.com/signet-sso/signet/internal/oidc"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/web"
)

func runServe(ctx context.Context, io IO, args []string) error {
	var c Config
	fs := newFlagSet("serve", "[--role all|idp|sp] [--database URL] [--idp-url URL] [--sp-url URL] [--idp-addr A] [--sp-addr A] [--metrics-addr A] [--drain D]", io.Stderr)
	fs.StringVar(&c.Role, "role", "all", "which roles to run: all, idp (Identity Center) or sp (Workspace)")
	c.databaseFlags(fs)
	c.urlFlags(fs)
	c.serverFlags(fs)
	if err := parseConfig(fs, args, io.Env, &c); err != nil {
		return err
	}
	log := newLogger(io.Stderr, c.LogLevel, c.LogFormat)
	e, closeEnv, err := openEnv(ctx, &c, io, log)
	if err != nil {
		return err
	}
	defer closeEnv()
	log.Info("database ready", "database", c.Location().String())
	return serve(ctx, e, nil)
}

// serve runs the configured listeners until ctx is done.
func serve(ctx context.Context, e *env, ready func(map[string]string)) error {
	var ls []web.Listener
	var metrics []*web.Metrics
	drain := &web.Drain{}
	if e.cfg.runsIdP() {
		h, m, err := e.idpHandler(drain)
		if err != nil {
			return err
		}
		ls, metrics = append(ls, web.Listener{Role: "idp", Addr: e.cfg.IdPAddr, Handler: h}), append(metrics, m)
		go workerLoop(ctx, e.log.With("role", "idp"), "provisioning", 2*time.Second, e.idpService().ProvisionAll)
		go workerLoop(ctx, e.log.With("role", "idp"), "certificate expiry warnings", time.Hour, func(ctx context.Context, holder string) error {
			now := time.Now()
			if ok, err := e.store.TryLease(ctx, "certificate-expiry", holder, now, now.Add(time.Minute)); err != nil || !ok {
				return err
			}
			_, err := e.idpService().WarnExpiringCertificates(ctx)
			return err
		})
	}
	if e.cfg.runsSP() {
		svc := e.spService()
		h, m, err := e.spHandler(svc, drain)
		if err != nil {
			return err
		}
		ls, metrics = append(ls, web.Listener{Role: "sp", Addr: e.cfg.SPAddr, Handler: h}), append(metrics, m)
		go refreshLoop(ctx, e.log.With("role", "sp"), svc, time.Hour) // shares svc's parse and key caches
		go workerLoop(ctx, e.log.With("role", "sp"), "webhook deliveries", 2*time.Second, e.webhooks().DeliverAll)
	}
	if a := e.cfg.MetricsAddr; a != "" && a != "off" {
		// Metrics only on the management listener, never to the public.
		ls = append(ls, web.Listener{Role: "metrics", Addr: a, Handler: web.MetricsHandler(metrics...)})
	}
	go pruneLoop(ctx, e.log, e.store, time.Minute)
	go workerLoop(ctx, e.log, "email delivery", 2*time.Second, e.outbox().DeliverDue) // both roles' email
	return web.ServeAll(ctx, e.log, ls, ready, drain, e.cfg.Drain)
}

// idpHandler builds the Identity Center listener.
func (e *env) idpHandler(drain *web.Drain) (http.Handler, *web.Metrics, error) {
	log := e.log.With("role", "idp")
	pages, err := idp.Templates(log)
	if err != nil {
		return nil, nil, err
	}
	m := web.NewMetrics("idp")
	h := idp.NewHandler(e.idpService(), pages, log, e.cfg.PortalSessionTTL)
	return roleHandler(e, log, m, drain, h.Mount, idp.SAMLPostPatterns(), idp.BodyCaps(), e.cfg.IdPURL), m, nil
}

// spHandler builds the Workspace listener around svc.
func (e *env) spHandler(svc *sp.Service, drain *web.Drain) (http.Handler, *web.Metrics, error) {
	log := e.log.With("role", "sp")
	pages, err := sp.Templates(log)
	if err != nil {
		return nil, nil, err
	}
	m := web.NewMetrics("sp")
	svc.Metrics = m
	h := sp.NewHandler(svc, pages, log)
	mount, exempt := h.Mount, sp.SAMLPostPatterns()
	if svc.Sealer != nil {
		// Host apps sign their customers' people in over OpenID Connect.
		op, err := oidc.New(&oidc.Provider{Store: e.store, Sealer: svc.Sealer, Issuer: svc.BaseURL, Log: log})
		if err != nil {
			return nil, nil, err
		}
		h.HostApps = op
		// Host apps run their customers' orgs through the management API.
		mgmt := &api.Handler{Store: e.store, SP: svc, Webhooks: e.webhooks(), Log: log}
		mount = func(mux *http.ServeMux) { h.Mount(mux); op.Mount(mux); mgmt.Mount(mux) }
		exempt = append(exempt, oidc.CrossOriginExempt()...)
	}
	return roleHandler(e, log, m, drain, mount, exempt, sp.BodyCaps(), e.cfg.SPURL), m, nil
}

// roleHandler builds one listener: health, the role's routes (mount),
// static files, body caps, cross-origin protection except for the SAML
// POST endpoints, and the middleware chain.
func roleHandler(e *env, log *slog.Logger, m *web.Metrics, drain *web.Drain, mount func(*http.ServeMux), samlPosts []string,
	bodyCaps web.BodyCaps, publicURL string) http.Handler {
	mux := http.NewServeMux()
	web.MountHealth(mux, e.store, drain)
	web.MountStatic(mux)
	mount(mux)
	// Bodies are capped first, before cross-origin checks, rate limits and
	// form parsing read anything.
	var h http.Handler = web.CapBodies(web.Protect(mux, samlPosts...), bodyCaps)
	if strings.HasPrefix(publicURL, "https://") {
		h = web.StrictTransport(h)
	}
	return web.Wrap(h, log, m)
}

// workerLoop runs a background worker every tick; the worker takes a
// lease as this replica (holder), so one replica at a time does the work
// and another takes over within a minute if it stops. Workers: pushing
// provisioning changes (idp.Service.ProvisionAll), delivering webhooks
// (events.Webhooks.DeliverAll) and sending email (mail.Outbox.DeliverDue).
func workerLoop(ctx context.Context, log *slog.Logger, what string, every time.Duration, work func(ctx context.Context, holder string) error) {
	holder := replicaID()
	everyTick(ctx, every, func(time.Time) {
		run, cancel := context.WithTimeout(ctx, 50*time.Second)
		defer cancel()
		if err := work(run, holder); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, what, "err", err)
		}
	})
}

// replicaID names this process among the replicas that compete for the
// workers' leases.
func replicaID() string {
	return "replica-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.Itoa(os.Getpid())
}

// everyTick calls fn at each tick of every until ctx is done.
func everyTick(ctx context.Context, every time.Duration, fn func(now time.Time)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			fn(now)
		}
	}
}

// refreshLoop re-reads, every hour, the IdP metadata of connections made
// from an https URL that were last read a day ago or more, and looks up
// again the DNS records of domains last checked sp.DomainRecheckInterval
// ago, so a verification ends when its record goes.
func refreshLoop(ctx context.Context, log *slog.Logger, svc *sp.Service, every time.Duration) {
	everyTick(ctx, every, func(time.Time) {
		n, err := svc.RefreshDue(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("metadata refresh failed", "err", err)
		} else if n > 0 {
			log.Info("refreshed IdP metadata", "connections", n)
		}
		if n, err := svc.AnnounceExpiringCertificates(ctx); err != nil && ctx.Err() == nil {
			log.Warn("checking IdP certificates for expiry failed", "err", err)
		} else if n > 0 {
			log.Info("announced expiring IdP certificates", "certificates", n)
		}
		n, err = svc.Domains().RecheckDue(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("domain re-check failed", "err", err)
		} else if n > 0 {
			log.Info("re-checked domain verification records", "domains", n)
		}
	})
}

// pruneLoop deletes expired sessions, request IDs and replay-cache entries,
// so lookups stay fast however long Signet runs.
func pruneLoop(ctx context.Context, log *slog.Logger, st store.Store, every time.Duration) {
	everyTick(ctx, every, func(now time.Time) {
		n1, err1 := st.PruneSAMLState(ctx, now)
		n2, err2 := st.PruneSessions(ctx, now)
		if _, err := st.PruneSSOParticipants(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("pruning ended portal sessions' applications failed", "err", err)
		}
		if _, err := st.PruneOAuth(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("pruning expired OpenID Connect requests and tokens failed", "err", err)
		}
		if _, err := st.PruneDraftApps(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("pruning abandoned application drafts failed", "err", err)
		}
		if _, err := st.PruneMail(ctx, now, now.Add(-30*24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("pruning sent email and expired password links failed", "err", err)
		}
		if _, err := st.PruneMFA(ctx, now, now.Add(-365*24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("pruning MFA sign-ins and known browsers failed", "err", err)
		}
		if _, err := st.PruneEvents(ctx, now.Add(-events.Retention)); err != nil && ctx.Err() == nil {
			log.Warn("pruning old events failed", "err", err)
		}
		if _, err := st.PruneSignInAttempts(ctx, now.Add(-sp.AttemptRetention), now.Add(-sp.UnverifiedRetention)); err != nil && ctx.Err() == nil {
			log.Warn("pruning old sign-in attempts failed", "err", err)
		}
		switch {
		case err1 != nil || err2 != nil:
			if ctx.Err() == nil {
				log.Warn("pruning expired state failed", "saml_err", err1, "session_err", err2)
			}
		case n1+n2 > 0:
			log.Debug("pruned expired state", "saml", n1, "sessions", n2)
		}
	})
}

func runMigrate(ctx context.Context, io IO, args []string) error {
	var c Config
	fs := newFlagSet("migrate", "[--database URL]", io.Stderr)
	c.databaseFlags(fs)
	if err := parseConfig(fs, args, io.Env, &c); err != nil {
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
