// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// SchemaChecker is what readiness needs from the store.
type SchemaChecker interface {
	Ping(ctx context.Context) error
	SchemaVersion(ctx context.Context) (applied, latest int64, err error)
}

// Drain says whether the server is shutting down: from then on /readyz
// answers 503, so load balancers stop sending requests before the
// listeners close.
type Drain struct{ on atomic.Bool }

// Start marks the server as draining.
func (d *Drain) Start() {
	if d != nil {
		d.on.Store(true)
	}
}

// Draining reports whether Start was called.
func (d *Drain) Draining() bool { return d != nil && d.on.Load() }

// MountHealth adds GET /healthz (the process is up) and GET /readyz (not
// draining, the database answers and its schema is current). Metrics are
// served on the management listener only (MetricsHandler).
func MountHealth(mux *http.ServeMux, db SchemaChecker, drain *Drain) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if drain.Draining() {
			w.Header().Set("Connection", "close")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining", "reason": "shutting down"})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
			return
		}
		applied, latest, err := db.SchemaVersion(ctx)
		if err != nil || applied != latest {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "reason": "database schema not current",
				"schema_version": applied, "want_version": latest})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "schema_version": applied})
	})
}

// MetricsHandler is the management listener: GET /metrics (Prometheus,
// every role's collectors) and GET /healthz.
func MetricsHandler(ms ...*Metrics) http.Handler {
	var g prometheus.Gatherers
	for _, m := range ms {
		g = append(g, m.Registry)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
