// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWrapRecoversPanicsWithoutLeaking(t *testing.T) {
	var logs bytes.Buffer
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret internal detail") })
	h := Wrap(mux, slog.New(slog.NewJSONHandler(&logs, nil)), NewMetrics("test"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != 500 {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	body := rec.Body.String()
	id := rec.Header().Get(RequestIDHeader)
	if strings.Contains(body, "secret") || strings.Contains(body, "goroutine") || !strings.Contains(body, id) {
		t.Errorf("500 page must show the request ID and no detail:\n%s", body)
	}
	if !strings.Contains(logs.String(), "secret internal detail") || !strings.Contains(logs.String(), id) {
		t.Errorf("the log must carry the detail and the request ID:\n%s", logs.String())
	}
}

func TestRequestIDHeader(t *testing.T) {
	h := Wrap(http.NewServeMux(), slog.New(slog.DiscardHandler), NewMetrics("test"))
	tests := []struct{ in, want string }{
		{"abc-123", "abc-123"},
		{"<script>", ""},
		{strings.Repeat("a", 65), ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set(RequestIDHeader, tt.in)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(RequestIDHeader)
		if tt.want != "" && got != tt.want || tt.want == "" && (got == tt.in || len(got) != 24) {
			t.Errorf("incoming %q: response ID %q", tt.in, got)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Error("missing nosniff")
		}
	}
}
