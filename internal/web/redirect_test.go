// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"strings"
	"testing"
)

func TestSafeRedirect(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/orgs/acme", "/orgs/acme"},
		{"/admin/users?q=pat&page=2", "/admin/users?q=pat&page=2"},
		{"", "/home"},
		{"https://evil.example/", "/home"},
		{"//evil.example/", "/home"},
		{"/\\evil.example/", "/home"},
		{"/%2Fevil.example/", "/home"},
		{"/%5Cevil.example/", "/home"},
		{"/%0d%0aSet-Cookie:x", "/home"},
		{"javascript:alert(1)", "/home"},
		{"/\t/evil.example/", "/home"},
		{"/%09/evil.example/", "/home"},
		{"/%00/x", "/home"},
		{"/x\x7f", "/home"},
		{"/%2e%2e/orgs", "/%2e%2e/orgs"},
		{"orgs/acme", "/home"},
		{"/" + strings.Repeat("a", 3000), "/home"},
	} {
		if got := SafeRedirect(tt.in, "/home"); got != tt.want {
			t.Errorf("SafeRedirect(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
