// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
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

// DefaultBodyCap is the body cap of ordinary forms (sign-in, settings,
// mappings): far above what a person types, far below what hurts.
const DefaultBodyCap = 64 << 10

// BodyCaps are the larger body caps of the few routes that carry SAML
// messages or metadata uploads, by http.ServeMux pattern
// ("POST /saml/{org}/acs"); every other route takes DefaultBodyCap.
type BodyCaps map[string]int64

// CapBodies caps every request body before anything reads it (before rate
// limits, form parsing or the handler), matching routes to caps the way
// the role's ServeMux matches them. A declared length over the cap is
// refused at once with 413; a body that grows past it while being read
// fails the read (http.MaxBytesReader).
func CapBodies(h http.Handler, caps BodyCaps) http.Handler {
	routes := http.NewServeMux()
	for pattern := range caps {
		routes.Handle(pattern, http.NotFoundHandler())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max := int64(DefaultBodyCap)
		if _, pattern := routes.Handler(r); caps[pattern] > 0 {
			max = caps[pattern]
		}
		tooLarge := func() {
			w.Header().Set("Connection", "close")
			http.Error(w, "Request body too large: this address accepts at most "+strconv.FormatInt(max>>10, 10)+" KiB.", http.StatusRequestEntityTooLarge)
		}
		if r.ContentLength > max {
			tooLarge()
			return
		}
		if r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
			// A streamed body of unknown length is read here, up to the
			// cap, so that handlers which ignore read errors never see a
			// truncated form as if it were whole.
			buf, err := io.ReadAll(io.LimitReader(r.Body, max+1))
			switch {
			case err != nil:
				http.Error(w, "The request body could not be read.", http.StatusBadRequest)
				return
			case int64(len(buf)) > max:
				tooLarge()
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(buf)), int64(len(buf))
		}
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
