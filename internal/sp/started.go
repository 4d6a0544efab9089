// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// A browser's SP-initiated requests are bound to it by a cookie holding
// their IDs (128 random bits each), so a response to a request can only be
// consumed in the browser that made it (SECURITY-CASES 63): someone who
// answers their own request cannot sign another browser in with it.

// maxStartedRequests is how many recent requests a browser may answer
// (several tabs, a retry).
const maxStartedRequests = 5

// startedCookie is the cookie's name: with the __Host- prefix over https,
// so a sibling subdomain cannot set it.
func (h *samlEndpoints) startedCookie() string {
	if h.Sessions.Secure {
		return "__Host-signet_sso"
	}
	return "signet_sso"
}

// startedRequests returns the request IDs the browser started.
func (h *samlEndpoints) startedRequests(r *http.Request) []string {
	c, err := r.Cookie(h.startedCookie())
	if err != nil || c.Value == "" {
		return nil
	}
	ids := strings.Split(c.Value, ".")
	return ids[:min(len(ids), maxStartedRequests)]
}

// rememberStarted adds id to the browser's started requests. The cookie
// must reach the ACS on the IdP's cross-site POST: SameSite=None over
// https; over http (a local demo, where IdP and SP are the same site) Lax.
func (h *samlEndpoints) rememberStarted(w http.ResponseWriter, r *http.Request, id string) {
	ids := append([]string{id}, slices.DeleteFunc(h.startedRequests(r), func(x string) bool { return x == id })...)
	ids = ids[:min(len(ids), maxStartedRequests)]
	ttl := h.Svc.RequestTTL
	if ttl <= 0 {
		ttl = 15 * time.Minute
	}
	c := &http.Cookie{Name: h.startedCookie(), Value: strings.Join(ids, "."), Path: "/", MaxAge: int(ttl / time.Second),
		HttpOnly: true, Secure: h.Sessions.Secure, SameSite: http.SameSiteLaxMode}
	if h.Sessions.Secure {
		c.SameSite = http.SameSiteNoneMode
	}
	http.SetCookie(w, c)
}
