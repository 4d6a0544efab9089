// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"net/http"
	"net/url"
	"strings"
)

// maxRedirectTarget bounds a redirect target taken from a request.
const maxRedirectTarget = 2048

// SafeRedirect returns v if it is a path on this origin, else fallback:
// never //host, /\host, a scheme, a control character, or an encoded
// variant of those (SECURITY-CASES 69–71). Every redirect target that
// comes from a request (next, RelayState) goes through it.
func SafeRedirect(v, fallback string) string {
	if v == "" || len(v) > maxRedirectTarget || !isLocalPath(v) {
		return fallback
	}
	dec, err := url.PathUnescape(v)
	if err != nil || !isLocalPath(dec) {
		return fallback
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return fallback
	}
	return v
}

// isLocalPath reports whether v is a path that cannot name another
// host: it starts with one slash and has no backslash or control
// character (browsers drop tabs and newlines, so "/\t/evil" is "//evil").
func isLocalPath(v string) bool {
	if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.Contains(v, "\\") {
		return false
	}
	return !strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// Redirect answers a form or a guard with 303 See Other to to.
func Redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
