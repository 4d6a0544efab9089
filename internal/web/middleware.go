// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ContentSecurityPolicy is sent with every response: nothing loads from
// other origins, no inline script runs, and no one may frame our pages.
// Pages that need an inline script add its hash explicitly.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// Wrap puts the middleware chain around h: recover, request ID, access log,
// metrics and secure headers, outermost first.
func Wrap(h http.Handler, log *slog.Logger, m *Metrics) http.Handler {
	h = secureHeaders(h)
	h = m.instrument(h)
	h = withDeadline(h, RequestDeadline) // outside instrument: it clones the request, whose route the mux records
	h = accessLog(h, log)
	h = recoverPanics(h, log)
	return withRequestID(h)
}

// RequestDeadline bounds every request's work: a stalled database answers
// 503 when it passes, instead of holding the request for the whole stall.
const RequestDeadline = 20 * time.Second

func withDeadline(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// StrictTransport adds HSTS (a year, subdomains too) for a site served
// over https: browsers then never try it over plain http again.
func StrictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		next.ServeHTTP(w, r)
	})
}

// RetryLater marks a 503 as temporary: clients may retry after 5 seconds.
func RetryLater(w http.ResponseWriter) { w.Header().Set("Retry-After", "5") }

func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if h.Get("Content-Security-Policy") == "" {
			h.Set("Content-Security-Policy", ContentSecurityPolicy)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status code and whether anything was written.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	written int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.written += int64(n)
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) code() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

func accessLog(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		if rec.code() >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", routeOf(r)),
			slog.Int("status", rec.code()),
			slog.Int64("bytes", rec.written),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr))
	})
}

// routeOf is the mux pattern that matched, so metrics do not explode with
// one series per URL; unmatched requests share one label.
func routeOf(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	return r.Pattern
}

var internalErrorPage = template.Must(template.New("500").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title></head>
<body><h1>Something went wrong</h1>
<p>Signet could not finish this request. Nothing was changed. Try again; if it keeps happening,
give your administrator this reference: <code>{{.}}</code>.</p></body></html>`))

// recoverPanics turns a panic into a plain 500 page with the request ID;
// the stack goes to the log, never to the browser.
func recoverPanics(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			log.ErrorContext(r.Context(), "panic serving request", "request_id", RequestID(r.Context()),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec.status == 0 {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.WriteHeader(http.StatusInternalServerError)
				internalErrorPage.Execute(w, RequestID(r.Context()))
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// Metrics holds one listener's Prometheus collectors.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	signIns  *prometheus.CounterVec
}

// NewMetrics registers the HTTP collectors, labelled with the role.
func NewMetrics(role string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signet_http_requests_total", Help: "HTTP requests by route and status code.",
			ConstLabels: prometheus.Labels{"role": role},
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "signet_http_request_duration_seconds", Help: "HTTP request latency by route.",
			ConstLabels: prometheus.Labels{"role": role},
			Buckets:     []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "code"}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signet_signins_total", Help: "SSO sign-ins by flow and result (ok, or the error code).",
			ConstLabels: prometheus.Labels{"role": role},
		}, []string{"flow", "result"}),
	}
	reg.MustRegister(m.requests, m.latency, m.signIns)
	return m
}

// CountSignIn counts one sign-in: result is "ok" or the error code, flow
// e.g. "idp-initiated". Both come from small fixed sets.
func (m *Metrics) CountSignIn(flow, result string) {
	m.signIns.WithLabelValues(flow, result).Inc()
}

func (m *Metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route, code := routeOf(r), strconv.Itoa(rec.code())
		m.requests.WithLabelValues(route, code).Inc()
		m.latency.WithLabelValues(route, code).Observe(time.Since(start).Seconds())
	})
}
