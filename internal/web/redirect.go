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
	if v == "" || len(v) > maxRedirectTarget || !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") ||
		strings.ContainsAny(v, "\\\r\n\t") {
		return fallback
	}
	dec, err := url.PathUnescape(v)
	if err != nil || strings.HasPrefix(dec, "//") || strings.ContainsAny(dec, "\\\r\n\t") {
		return fallback
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return fallback
	}
	return v
}

// Redirect answers a form or a guard with 303 See Other to to.
func Redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
