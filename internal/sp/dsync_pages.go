// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"net/http"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// directorySync is the settings page's Directory sync card: the SCIM base
// URL for the org's IdP and its token (shown once, when made).
type directorySync struct {
	BaseURL   string
	TokenMade time.Time // zero: no token yet
	NewToken  string    // set on the page that made it
	Requests  []store.SCIMRequest
}

// shownSCIMRequests is how many of the request log the page shows.
const shownSCIMRequests = 50

func (h *ssoPages) mountDirectorySync(mux *http.ServeMux) {
	mux.Handle("POST /orgs/{org}/settings/sso/scim-token", h.ssoAdmin(h.scimToken))
}

func (h *ssoPages) directorySync(r *http.Request, o store.Org) (directorySync, error) {
	d := directorySync{BaseURL: h.Svc.BaseURL + "/scim/v2/" + o.Slug}
	var err error
	if d.TokenMade, err = h.Svc.DirectorySync().TokenCreated(r.Context(), o); err != nil || d.TokenMade.IsZero() {
		return d, err
	}
	d.Requests, err = h.Svc.Store.ListSCIMRequests(r.Context(), o.ID, shownSCIMRequests)
	return d, err
}

// scimToken makes a new SCIM token and shows it once, on the page itself
// (never in a URL or a redirect).
func (h *ssoPages) scimToken(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	actor := m.Email
	if actor == "" {
		actor = "setup link"
	}
	token, err := h.Svc.DirectorySync().NewToken(r.Context(), actor, o)
	if err != nil {
		return err
	}
	p, err := h.ssoData(r, o, m)
	if err != nil {
		return err
	}
	p.DirectorySync.NewToken = token
	p.Flash = "New SCIM token made. Copy it into your identity provider now: it is not shown again, and the previous token no longer works."
	w.Header().Set("Cache-Control", "no-store")
	h.view.sso(w, r, http.StatusOK, p)
	return nil
}
