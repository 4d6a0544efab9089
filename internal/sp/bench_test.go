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
