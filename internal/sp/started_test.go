// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/web"
)

// TestStartedCookie: over https the cookie is __Host-, Secure and
// SameSite=None (it must reach the ACS on the IdP's cross-site POST); it
// keeps the newest requests only.
func TestStartedCookie(t *testing.T) {
	for _, secure := range []bool{true, false} {
		h := &samlEndpoints{&base{Svc: &Service{}, Sessions: &web.Sessions{Secure: secure}}}
		r := httptest.NewRequest("GET", "/saml/acme/login", nil)
		var cookie string
		for i := range maxStartedRequests + 2 {
			rec := httptest.NewRecorder()
			if cookie != "" {
				r.Header.Set("Cookie", cookie)
			}
			h.rememberStarted(rec, r, "_id"+string(rune('a'+i)))
			set := rec.Result().Cookies()[0]
			cookie = set.Name + "=" + set.Value
			if secure && (set.Name != "__Host-signet_sso" || !set.Secure || set.SameSite != http.SameSiteNoneMode || set.Path != "/") {
				t.Fatalf("https cookie = %+v", set)
			}
			if !secure && (set.Name != "signet_sso" || set.SameSite != http.SameSiteLaxMode) {
				t.Fatalf("http cookie = %+v", set)
			}
		}
		r.Header.Set("Cookie", cookie)
		got := h.startedRequests(r)
		if len(got) != maxStartedRequests || got[0] != "_idg" || strings.Contains(strings.Join(got, ","), "_ida") {
			t.Errorf("secure=%v: started = %v, want the %d newest, newest first", secure, got, maxStartedRequests)
		}
	}
}
