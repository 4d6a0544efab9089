// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Setup links hand one org's Single Sign-On Settings to the customer's IT
// admin, who has no Workspace account: for a limited time, revocable, and
// for nothing else (no members, no invitations, no other org).
const (
	DefaultSetupLinkTTL = 72 * time.Hour
	MaxSetupLinkTTL     = 30 * 24 * time.Hour
)

// SetupLinkActor is how a setup link's holder appears in the audit log.
func SetupLinkActor(l store.SetupLink) string { return "IT admin (setup link " + l.ID + ")" }

// NewSetupLink makes a setup link for o and returns its URL (shown once:
// only the token's hash is kept).
func (a Accounts) NewSetupLink(ctx context.Context, actor string, o store.Org, ttl time.Duration) (string, store.SetupLink, error) {
	if ttl == 0 {
		ttl = DefaultSetupLinkTTL
	}
	if ttl < time.Minute || ttl > MaxSetupLinkTTL {
		return "", store.SetupLink{}, badRequest("A setup link lasts from a minute to 30 days (720h).")
	}
	if !SSOAvailable(o.Plan) {
		return "", store.SetupLink{}, ErrNotOnPlan
	}
	tok := newToken(a.svc.rand())
	now := a.svc.now()
	l, err := a.svc.Store.CreateSetupLink(ctx, store.SetupLink{OrgID: o.ID, TokenHash: web.HashToken(tok), CreatedBy: actor,
		CreatedAt: now, ExpiresAt: now.Add(ttl)})
	if err != nil {
		return "", l, err
	}
	a.svc.Audit(ctx, o, actor, "setup_link.create", fmt.Sprintf("setup link %s, valid until %s", l.ID, l.ExpiresAt.Format(time.RFC3339)))
	return a.svc.BaseURL + "/setup/" + tok, l, nil
}

// RevokeSetupLink ends one of o's setup links; a browser using it loses
// access at its next request.
func (a Accounts) RevokeSetupLink(ctx context.Context, actor string, o store.Org, id string) error {
	if err := a.svc.Store.RevokeSetupLink(ctx, o.ID, id, a.svc.now()); err != nil {
		return err
	}
	a.svc.Audit(ctx, o, actor, "setup_link.revoke", "revoked setup link "+id)
	return nil
}

// errSetupLinkGone is the page for a setup link that is unknown, expired
// or revoked.
var errSetupLinkGone = &web.PublicError{Status: http.StatusGone, Code: "setup_link_invalid",
	Message: "This setup link has expired or was revoked: ask the organization that sent it for a new one."}

// setupPages serves setup links: opening one starts a setup session for
// its org, which the SSO settings pages accept in place of an admin.
type setupPages struct{ *base }

func (h *setupPages) mount(mux *http.ServeMux) {
	mux.Handle("GET /setup/{token}", h.handle(h.open))
}

// open checks the link, starts a setup session (a new ID, bound to the
// link and its org) and moves on to the org's SSO settings, so the token
// stays out of the page's URL and referrers.
func (h *setupPages) open(w http.ResponseWriter, r *http.Request) error {
	l, err := h.Svc.Store.SetupLinkByHash(r.Context(), web.HashToken(r.PathValue("token")), h.Svc.now())
	if errors.Is(err, store.ErrNotFound) {
		return errSetupLinkGone
	}
	if err != nil {
		return err
	}
	o, err := h.Svc.Store.GetOrg(r.Context(), l.OrgID)
	if err != nil {
		return err
	}
	if _, err := h.Setup.Start(w, r, store.Session{UserID: l.ID, OrgID: o.ID, Method: "setup-link"}); err != nil {
		return err
	}
	h.Svc.Audit(r.Context(), o, SetupLinkActor(l), "setup_link.open", "opened the Single Sign-On Settings through setup link "+l.ID)
	return web.Redirect(w, r, "/orgs/"+o.Slug+"/settings/sso")
}

// setupHolder returns the setup link whose session this browser holds for
// o, if the link still works.
func (h *base) setupHolder(r *http.Request, o store.Org) (store.SetupLink, bool, error) {
	sess, ok := h.Setup.Load(r)
	if !ok || sess.OrgID != o.ID {
		return store.SetupLink{}, false, nil
	}
	l, err := h.Svc.Store.GetSetupLink(r.Context(), sess.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return l, false, nil
	}
	if err != nil {
		return l, false, err
	}
	now := h.Svc.now()
	return l, l.OrgID == o.ID && l.RevokedAt.IsZero() && now.Before(l.ExpiresAt), nil
}
