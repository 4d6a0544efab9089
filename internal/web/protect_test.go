// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCapBodiesByPattern: a route's cap is found the way the ServeMux finds
// the route, so only the named method and shape get the larger cap; every
// other request, near misses included, gets DefaultBodyCap (SECURITY-CASES 96).
func TestCapBodiesByPattern(t *testing.T) {
	h := CapBodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		}
	}), BodyCaps{"POST /saml/{org}/acs": 1 << 20})
	big := DefaultBodyCap + 1
	for _, tc := range []struct {
		method, path string
		size, want   int
	}{
		{"POST", "/saml/acme/acs", big, http.StatusOK},
		{"POST", "/saml/acme/acs", 1<<20 + 1, http.StatusRequestEntityTooLarge},
		{"PUT", "/saml/acme/acs", big, http.StatusRequestEntityTooLarge},
		{"POST", "/saml/acme/acs/more", big, http.StatusRequestEntityTooLarge},
		{"POST", "/saml/acme/acs%2F..%2F..%2Flogin", big, http.StatusRequestEntityTooLarge},
		{"POST", "/login", big, http.StatusRequestEntityTooLarge},
		{"POST", "/login", DefaultBodyCap, http.StatusOK},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, strings.NewReader(strings.Repeat("a", tc.size))))
		if rec.Code != tc.want {
			t.Errorf("%s %s with %d bytes: %d, want %d", tc.method, tc.path, tc.size, rec.Code, tc.want)
		}
	}
}
