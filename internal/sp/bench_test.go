// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkACS is one IdP-initiated sign-in through the Workspace's ACS
// handler on SQLite: verification, replay cache, member lookup, session
// and attempt log. Each iteration posts a fresh, unique signed response;
// generating them is not timed. bench/ drives the same handler over HTTP
// under load.
func BenchmarkACS(b *testing.B) {
	h, posts := acsBench(b)
	b.ResetTimer()
	for _, body := range posts {
		postACS(b, h, body)
	}
}

// BenchmarkACSParallel is BenchmarkACS from eight goroutines at once, as
// the ACS is used: it measures what concurrent sign-ins cost each other
// (SQLite allows one writer at a time).
func BenchmarkACSParallel(b *testing.B) {
	h, posts := acsBench(b)
	next := make(chan string, len(posts))
	for _, body := range posts {
		next <- body
	}
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			postACS(b, h, <-next)
		}
	})
}

// acsBench is the Workspace with acme connected and its member, and b.N
// fresh, unique signed responses as ACS form bodies (made before the clock).
func acsBench(b *testing.B) (http.Handler, []string) {
	w := newWorld(b)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	posts := make([]string, b.N)
	for i := range posts {
		posts[i] = url.Values{"SAMLResponse": {w.response(w.acme, nil)}}.Encode()
	}
	b.ReportAllocs()
	return w.srv.Config.Handler, posts
}

// postACS posts one response to acme's ACS and expects a sign-in.
func postACS(b *testing.B, h http.Handler, body string) {
	req := httptest.NewRequest("POST", "http://signet.test/saml/acme/acs", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		b.Errorf("ACS = %d\n%s", rec.Code, excerpt(rec.Body.String()))
	}
}
