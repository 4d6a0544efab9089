// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// SchemaChecker is what readiness needs from the store.
type SchemaChecker interface {
	Ping(ctx context.Context) error
	SchemaVersion(ctx context.Context) (applied, latest int64, err error)
}

// MountHealth adds GET /healthz (the process is up), GET /readyz (the
// database answers and its schema is current) and GET /metrics.
func MountHealth(mux *http.ServeMux, db SchemaChecker, m *Metrics) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
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
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
