// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Listener is one role's HTTP server.
type Listener struct {
	Role    string // "idp" or "sp", for logs
	Addr    string
	Handler http.Handler
}

// ShutdownGrace is how long in-flight requests get to finish on shutdown.
const ShutdownGrace = 15 * time.Second

// ServeAll binds every listener first (so a taken port fails before anything
// is served), then serves until ctx is done. Then it marks drain (so
// /readyz answers 503), waits for wait while load balancers notice, and
// finishes in-flight requests. ready, if not nil, is called with the bound
// addresses once all listen.
func ServeAll(ctx context.Context, log *slog.Logger, ls []Listener, ready func(map[string]string), drain *Drain, wait time.Duration) error {
	bound, addrs, err := listenAll(ls)
	if err != nil {
		return err
	}
	servers := make([]*http.Server, len(ls))
	errc := make(chan error, len(ls))
	for i, l := range ls {
		servers[i] = newServer(ctx, log, l.Handler)
		log.Info("listening", "role", l.Role, "addr", bound[i].Addr().String())
		go func(s *http.Server, nl net.Listener) {
			if err := s.Serve(nl); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}(servers[i], bound[i])
	}
	if ready != nil {
		ready(addrs)
	}
	var serveErr error
	select {
	case <-ctx.Done():
		drain.Start()
		if wait > 0 {
			log.Info("shutting down: /readyz answers 503 while load balancers stop sending", "drain", wait)
			select {
			case <-time.After(wait):
			case serveErr = <-errc:
			}
		}
		log.Info("shutting down: finishing in-flight requests", "grace", ShutdownGrace)
	case serveErr = <-errc:
		log.Error("listener failed; shutting down", "err", serveErr)
	}
	shutdownAll(log, servers)
	return serveErr
}

// listenAll binds every listener, or none: a taken address names its flag.
func listenAll(ls []Listener) ([]net.Listener, map[string]string, error) {
	var bound []net.Listener
	addrs := map[string]string{}
	for _, l := range ls {
		nl, err := net.Listen("tcp", l.Addr)
		if err != nil {
			for _, b := range bound {
				b.Close()
			}
			if errors.Is(err, syscall.EADDRINUSE) {
				return nil, nil, fmt.Errorf("%s listener: %s is already in use (is another Signet running?): choose another address with --%s-addr", l.Role, l.Addr, l.Role)
			}
			return nil, nil, fmt.Errorf("%s listener: cannot listen on %s: %w", l.Role, l.Addr, err)
		}
		bound = append(bound, nl)
		addrs[l.Role] = nl.Addr().String()
	}
	return bound, addrs, nil
}

// newServer is one listener's server, with timeouts against slow clients;
// requests keep running through shutdown until ShutdownGrace.
func newServer(ctx context.Context, log *slog.Logger, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
}

// shutdownAll finishes in-flight requests of every server, up to ShutdownGrace.
func shutdownAll(log *slog.Logger, servers []*http.Server) {
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Go(func() {
			if err := s.Shutdown(sctx); err != nil {
				log.Warn("shutdown did not finish cleanly", "err", err)
			}
		})
	}
	wg.Wait()
}
