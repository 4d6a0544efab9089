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
	w := newWorld(b)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	h := w.srv.Config.Handler
	responses := make([]string, b.N)
	for i := range responses {
		responses[i] = url.Values{"SAMLResponse": {w.response(w.acme, nil)}}.Encode()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest("POST", w.srv.URL+"/saml/acme/acs", strings.NewReader(responses[i]))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			b.Fatalf("ACS = %d\n%s", rec.Code, excerpt(rec.Body.String()))
		}
	}
}

// BenchmarkACSParallel is BenchmarkACS from eight goroutines at once, as
// the ACS is used: it measures what concurrent sign-ins cost each other
// (SQLite allows one writer at a time).
func BenchmarkACSParallel(b *testing.B) {
	w := newWorld(b)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	h := w.srv.Config.Handler
	responses := make(chan string, b.N)
	for range b.N {
		responses <- url.Values{"SAMLResponse": {w.response(w.acme, nil)}}.Encode()
	}
	close(responses)
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", w.srv.URL+"/saml/acme/acs", strings.NewReader(<-responses))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther {
				b.Errorf("ACS = %d\n%s", rec.Code, excerpt(rec.Body.String()))
				return
			}
		}
	})
}
