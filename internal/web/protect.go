// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Protect refuses cross-origin state-changing requests (http.CrossOriginProtection)
// except for the given patterns, which must be exactly the SAML endpoints
// that receive cross-site POSTs by design: the ACS and the IdP's SSO
// service (DESIGN.md §4 rule 7).
func Protect(h http.Handler, samlPostPatterns ...string) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, p := range samlPostPatterns {
		cop.AddInsecureBypassPattern(p)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "This request came from another site and was refused. Go back, reload the page and try again.", http.StatusForbidden)
	}))
	return cop.Handler(h)
}

// LimitBody caps request bodies (http.MaxBytesReader).
func LimitBody(h http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, max)
		h.ServeHTTP(w, r)
	})
}

// RateLimiter allows each key (an IP address, a username) a burst of
// attempts, refilled at a steady rate. It forgets idle keys.
type RateLimiter struct {
	Every time.Duration // one attempt regained per Every
	Burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// Allow reports whether key may make an attempt now.
func (l *RateLimiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	if now.Sub(l.sweep) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 30*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.Every), l.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// ClientIP is the remote address without the port.
func ClientIP(r *http.Request) string {
	host := r.RemoteAddr
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == ':' {
			return host[:i]
		}
	}
	return host
}
