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
		!strings.HasSuffix(csp, "; form-action https://sp.example") || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the page must have one script and its style allowed by hash, post only to its destination, and not be cached: %q", csp)
	}
	if !strings.Contains(page, `<button type="submit">Continue</button>`) {
		t.Error("no visible button for browsers without JavaScript")
	}
	for action, want := range map[string]string{
		"https://sp.example:8443/saml/acs?x=1": "; form-action https://sp.example:8443",
		"http://127.0.0.1:8081/saml/acme/acs":  "; form-action http://127.0.0.1:8081",
		"javascript:alert(1)":                  "",
		"https://evil.example;script-src *":    "",
		"https://evil.example;script-src":      "",
		"https://a'b.example/acs":              "",
		"https://user@sp.example/acs":          "",
		"/saml/acme/acs":                       "",
	} {
		rec := httptest.NewRecorder()
		err := WriteAutoPost(rec, AutoPost{Action: action, Field: "SAMLResponse", Value: "PHg+"})
		csp := rec.Header().Get("Content-Security-Policy")
		switch {
		case want == "" && (err == nil || rec.Body.Len() > 0):
			t.Errorf("WriteAutoPost(%q) was not refused: %q", action, csp)
		case want != "" && (err != nil || !strings.HasSuffix(csp, want)):
			t.Errorf("WriteAutoPost(%q): %v, CSP %q, want it to end %q", action, err, csp, want)
		}
	}
	if err := WriteAutoPost(httptest.NewRecorder(), AutoPost{Action: "javascript:alert(1)", Field: "SAMLResponse"}); err == nil {
		t.Error("a javascript: action was accepted (76)")
	}
}
