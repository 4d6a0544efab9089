// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

//go:embed templates
var templateFiles embed.FS

// Templates returns the Workspace's pages, parsed (fails fast).
func Templates(log *slog.Logger) (*web.Pages, error) {
	return web.ParseDir(templateFiles, "templates", log)
}

// Handler serves the Workspace: sign-in (signInPages), the org's home,
// members and settings (orgPages), the Single Sign-On Settings (ssoPages)
// and the SAML endpoints (samlEndpoints), each a handler of its own that
// mounts its routes over the state they share.
type Handler struct{ *base }

// base is what every part of the Workspace's web edge shares: the
// service, pages, sessions and limits, error rendering and the guards.
type base struct {
	Svc      *Service
	view     views // the pages, one typed method each
	Log      *slog.Logger
	Sessions *web.Sessions
	// Pending holds IdP-initiated sign-ins waiting for the browser to
	// confirm that it replaces another person's session (login CSRF).
	Pending *web.Sessions
	Logins  *web.RateLimiter // SSO discovery, per source address
	// SignIns limits password guessing per source and per account, never
	// locking out a browser that signed in before.
	SignIns *web.SignInLimits
	// Starts budgets anonymous SP-initiated sign-ins, each of which stores
	// a request ID: per source address and per org.
	Starts, OrgStarts *web.RateLimiter
	// Setup holds setup-link sessions: one org's SSO settings, nothing else.
	Setup *web.Sessions
	// HostApps, if set, completes the sign-ins host apps start over
	// OpenID Connect (internal/oidc).
	HostApps HostApps
}

// HostApps finishes host apps' OpenID Connect requests once the org's IdP
// has answered: Complete returns where the browser goes to collect its
// code; Fail returns the host app's redirect URI carrying the error ("" if
// the request is unknown).
//
// StartUnsolicited makes the request of an IdP-initiated sign-in for a
// host app, already signed in, and returns its ID and the app's name; the
// browser holding the HostAppCookie with that ID may collect its code.
type HostApps interface {
	Complete(ctx context.Context, oauthRequest string, o store.Org, provider string, in *SignIn) (string, error)
	Fail(ctx context.Context, oauthRequest string, o store.Org, e *saml.Error) string
	StartUnsolicited(ctx context.Context, o store.Org, to HostAppTarget, in *SignIn) (id, app string, err error)
}

// HostAppCookie binds an IdP-initiated sign-in for a host app to the
// browser it arrived in: only that browser can collect the code.
const HostAppCookie = "signet_hostapp"

// NewHandler wires a Handler with the default cookie settings.
func NewHandler(svc *Service, pages *web.Pages, log *slog.Logger) *Handler {
	secure := strings.HasPrefix(svc.BaseURL, "https://")
	signIns := &web.SignInLimits{PerSource: &web.RateLimiter{Every: 6 * time.Second, Burst: 10}, Counts: svc.Store,
		PerAccount: 10, Window: 5 * time.Minute, Cookie: "signet_device", Secure: secure, Now: svc.now}
	if svc.Sealer != nil {
		signIns.MAC = svc.Sealer.MAC
	}
	return &Handler{&base{Svc: svc, view: views{pages}, Log: log, SignIns: signIns,
		Sessions: &web.Sessions{Store: svc.Store, Realm: store.RealmWorkspace, Cookie: "signet_workspace", Path: "/",
			TTL: 12 * time.Hour, Idle: 2 * time.Hour, Secure: secure, Now: svc.now},
		Pending: &web.Sessions{Store: svc.Store, Realm: store.RealmWorkspacePending, TTL: 10 * time.Minute, Now: svc.now},
		Setup: &web.Sessions{Store: svc.Store, Realm: store.RealmSetup, Cookie: "signet_setup", Path: "/",
			TTL: 12 * time.Hour, Idle: 2 * time.Hour, Secure: secure, Now: svc.now},
		Logins:    &web.RateLimiter{Every: 6 * time.Second, Burst: 10},
		Starts:    &web.RateLimiter{Every: 3 * time.Second, Burst: 20},
		OrgStarts: &web.RateLimiter{Every: 100 * time.Millisecond, Burst: 300},
	}}
}

// SAMLPostPatterns are the routes that receive cross-site POSTs by design.
func SAMLPostPatterns() []string { return []string{"POST /saml/{org}/acs", "POST /saml/{org}/slo"} }

// Mount registers every route: each part mounts its own.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/login", http.StatusFound) })
	(&signInPages{h.base}).mount(mux)
	(&orgPages{h.base}).mount(mux)
	saml := &samlEndpoints{h.base}
	saml.mount(mux)
	(&ssoPages{h.base, saml}).mount(mux)
	(&setupPages{h.base}).mount(mux)
	(&scimEndpoints{h.base}).mount(mux)
}

// page is what the layout needs.
type page struct {
	Title, Nav, Flash, Error string
	// Refresh, a same-origin path (or a URL Signet built, such as the
	// IdP's single logout with a signed request), is where the page moves on to by
	// itself: a navigation the CSP's form-action 'self' does not govern,
	// so a form can lead to another origin's sign-in page.
	Refresh  string
	Warnings []string
	Narrow   bool
	Org      *store.Org
	Member   *store.Member
}

func (h *base) handle(fn web.HandlerFunc) http.Handler { return web.Handle(fn, h.renderError) }

// problem is the data of the problem page.
type problem struct {
	page
	Heading, Message, Fix, AdminHint, Code, RequestID, Back, BackLabel string
	Admins                                                             bool
}

func (h *base) renderError(w http.ResponseWriter, r *http.Request, err error) {
	var maxErr *http.MaxBytesError
	var inErr *web.PublicError
	p := problem{page: page{Title: "Problem", Narrow: true}}
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, store.ErrNotFound):
		status, p.Heading, p.Message = http.StatusNotFound, "Not found", "There is nothing here. It may have been removed."
	case errors.Is(err, errForbidden):
		status, p.Heading, p.Message = http.StatusForbidden, "Not allowed", "Only an org admin can see or change this."
		p.Back, p.BackLabel = "/orgs/"+r.PathValue("org"), "Back to the organization"
	case errors.Is(err, ErrNotOnPlan):
		status, p.Heading, p.Message, p.Code = http.StatusForbidden, "Not on this plan",
			"Single sign-on is available on the Scholarship, Growth and Enterprise plans.", string(signin.CodeSSONotOnPlan)
	case store.IsUnavailable(err):
		web.RetryLater(w)
		h.Log.WarnContext(r.Context(), "database unavailable", "path", r.URL.Path, "err", err)
		status, p.Heading, p.Message, p.Code = http.StatusServiceUnavailable, "Temporarily unavailable",
			"Signet cannot reach its database right now. Nothing was changed.", "unavailable"
		p.Fix = "Try again in a few seconds."
	case errors.As(err, &inErr):
		status, p.Heading, p.Message, p.Code = inErr.Status, "Not accepted", inErr.Message, inErr.Code
		if org := r.PathValue("org"); org != "" {
			p.Back, p.BackLabel = "/orgs/"+org, "Back to the organization"
		}
	case errors.As(err, &maxErr):
		status, p.Heading, p.Message, p.Code = http.StatusRequestEntityTooLarge, "Too large", "What you sent is larger than Signet accepts.", string(saml.CodeTooLarge)
	default:
		p.RequestID = web.RequestID(r.Context())
		h.Log.ErrorContext(r.Context(), "request failed", "request_id", p.RequestID, "path", r.URL.Path, "err", err)
		p.Heading, p.Message, p.Code = "Something went wrong", "Signet could not finish this request. Nothing was changed.", "internal_error"
		p.Fix = "Try again. If it keeps happening, give your administrator the reference below."
	}
	p.Title = p.Heading
	h.view.problem(w, r, status, p)
}

var errForbidden = errors.New("forbidden")

// badRequest refuses bad input with a message saying what to change.
func badRequest(msg string) error { return web.BadRequest(msg) }

// memberFunc is a handler with the signed-in member of the URL's org.
type memberFunc func(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, s store.Session) error

// member requires a session in the URL's org.
func (h *base) member(fn memberFunc) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		o, err := h.Svc.Store.GetOrgBySlug(r.Context(), r.PathValue("org"))
		if err != nil {
			return err
		}
		if m, sess, ok, err := h.memberOf(r, o); err != nil || ok {
			return cmp.Or(err, fn(w, r, o, m, sess))
		}
		return h.toLogin(w, r, o)
	})
}

// memberOf returns the member of o whose session this browser holds.
func (h *base) memberOf(r *http.Request, o store.Org) (store.Member, store.Session, bool, error) {
	sess, ok := h.Sessions.Load(r)
	if !ok || sess.OrgID != o.ID {
		return store.Member{}, sess, false, nil
	}
	m, err := h.Svc.Store.GetMember(r.Context(), sess.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.OrgID != o.ID) {
		return m, sess, false, nil
	}
	if err != nil {
		return m, sess, false, err
	}
	allowed, err := h.Svc.SessionAllowed(r.Context(), o, m, sess)
	return m, sess, allowed && err == nil, err
}

func (h *base) toLogin(w http.ResponseWriter, r *http.Request, o store.Org) error {
	if r.Method != http.MethodGet {
		return web.Redirect(w, r, "/login?org="+url.QueryEscape(o.Slug))
	}
	return web.Redirect(w, r, "/login?org="+url.QueryEscape(o.Slug)+"&next="+url.QueryEscape(r.URL.RequestURI()))
}

// ssoAdmin is admin for the SSO settings pages, which a setup link's
// holder may use too (for its own org only, while the link works): they
// act as an admin named after the link.
func (h *base) ssoAdmin(fn memberFunc) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		o, err := h.Svc.Store.GetOrgBySlug(r.Context(), r.PathValue("org"))
		if err != nil {
			return err
		}
		if m, sess, ok, err := h.memberOf(r, o); err != nil || ok {
			if err == nil && m.Role != "admin" {
				return errForbidden
			}
			return cmp.Or(err, fn(w, r, o, m, sess))
		}
		l, ok, err := h.setupHolder(r, o)
		if err != nil {
			return err
		}
		if ok {
			return fn(w, r, o, store.Member{OrgID: o.ID, Email: SetupLinkActor(l), Role: "admin"}, store.Session{Method: "setup-link"})
		}
		return h.toLogin(w, r, o)
	})
}

// admin requires an org admin; others get 403.
func (h *base) admin(fn memberFunc) http.Handler {
	return h.member(func(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, s store.Session) error {
		if m.Role != "admin" {
			return errForbidden
		}
		return fn(w, r, o, m, s)
	})
}
