// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSecurityCase70AutoPostEscapes: RelayState and values are escaped,
// the page runs only its own script and style, its form goes only to its
// destination, and a javascript: action is refused (76).
func TestSecurityCase70AutoPostEscapes(t *testing.T) {
	rec := httptest.NewRecorder()
	err := WriteAutoPost(rec, AutoPost{Action: "https://sp.example/saml/acme/acs", Field: "SAMLResponse", Value: "PHg+",
		RelayState: `"><script>alert(1)</script>`, Target: `<b>App</b>`})
	if err != nil {
		t.Fatal(err)
	}
	page := rec.Body.String()
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "<b>App") {
		t.Errorf("unescaped input in the form:\n%s", page)
	}
	csp := rec.Header().Get("Content-Security-Policy")
	if strings.Count(page, "<script>") != 1 || !strings.Contains(csp, "script-src 'sha256-") || strings.Contains(csp, "unsafe-inline") ||
		!strings.Contains(csp, "form-action https://sp.example;") || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the page must have one script and its style allowed by hash, post only to its destination, and not be cached: %q", csp)
	}
	if !strings.Contains(page, `<button type="submit">Continue</button>`) {
		t.Error("no visible button for browsers without JavaScript")
	}
	for action, want := range map[string]string{
		"https://sp.example:8443/saml/acs?x=1": "form-action https://sp.example:8443;",
		"javascript:alert(1)":                  "form-action 'none';",
		"https://evil.example;script-src *":    "form-action 'none';",
	} {
		if csp := autoPostCSP(action); !strings.Contains(csp, want) {
			t.Errorf("autoPostCSP(%q) = %q, want %q", action, csp, want)
		}
	}
	if err := WriteAutoPost(httptest.NewRecorder(), AutoPost{Action: "javascript:alert(1)", Field: "SAMLResponse"}); err == nil {
		t.Error("a javascript: action was accepted (76)")
	}
}
