// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

//go:embed templates
var templateFiles embed.FS

// Templates returns the Identity Center's pages, parsed (fails fast).
func Templates(log *slog.Logger) (*web.Pages, error) {
	return web.ParseDir(templateFiles, "templates", log)
}

// Handler serves the Identity Center: the console's directory (/admin/users,
// /admin/groups) and applications (/admin/applications), the access portal
// (/portal) and the SAML endpoints (/saml/apps/{app}/…) — each a handler of
// its own (directoryConsole, appsConsole, portalHandler, ssoHandler) that
// mounts its routes over the state they share.
type Handler struct{ *base }

// base is the state and the helpers every part of the Identity Center's
// web edge shares: the service, the pages, the sessions and the sign-in
// limits, error rendering and the two "signed in" guards.
type base struct {
	Svc    *Service
	view   views // the pages, one typed method each
	Log    *slog.Logger
	Admin  *web.Sessions // realm admin
	Portal *web.Sessions // realm portal
	// Logins limits password attempts per client address and per username,
	// never locking out a browser that signed in to that username before.
	Logins *web.SignInLimits
	Limits saml.Limits
	// continueSSO answers an application's sign-in request carried
	// through the sign-in (the SSO handler's).
	continueSSO func(w http.ResponseWriter, r *http.Request, req *ssoRequest, u store.User, sess store.Session) error
}

// NewHandler wires a Handler with the default cookie settings.
func NewHandler(svc *Service, pages *web.Pages, log *slog.Logger, portalTTL time.Duration) *Handler {
	secure := strings.HasPrefix(svc.BaseURL, "https://")
	if portalTTL <= 0 {
		portalTTL = 8 * time.Hour
	}
	logins := &web.SignInLimits{PerSource: &web.RateLimiter{Every: 6 * time.Second, Burst: 10}, Counts: svc.Store,
		PerAccount: 10, Window: 5 * time.Minute, Cookie: "signet_idp_device", Secure: secure, Now: svc.now}
	if svc.Sealer != nil {
		logins.MAC = svc.Sealer.MAC
	}
	return &Handler{&base{
		Svc: svc, view: views{pages}, Log: log, Logins: logins,
		Admin: &web.Sessions{Store: svc.Store, Realm: store.RealmAdmin, Cookie: "signet_idp_admin", Path: "/",
			TTL: 8 * time.Hour, Idle: time.Hour, Secure: secure, Now: svc.now},
		Portal: &web.Sessions{Store: svc.Store, Realm: store.RealmPortal, Cookie: "signet_idp_portal", Path: "/",
			TTL: portalTTL, Idle: 2 * time.Hour, Secure: secure, Now: svc.now},
	}}
}

// SAMLPostPatterns are the routes that receive cross-site POSTs by design.
func SAMLPostPatterns() []string {
	return []string{"POST /saml/apps/{app}/sso", "POST /saml/apps/{app}/slo"}
}

// Mount registers every route on mux: each part mounts its own.
func (h *Handler) Mount(mux *http.ServeMux) {
	(&directoryConsole{h.base}).mount(mux)
	(&appsConsole{h.base}).mount(mux)
	portal := &portalHandler{base: h.base}
	sso := &ssoHandler{portal}
	h.continueSSO = sso.continueSSO
	portal.mount(mux)
	sso.mount(mux)
	(&mfaHandler{h.base}).mount(mux)
	(&settingsConsole{h.base}).mount(mux)
	(&emailConsole{h.base}).mount(mux)
	(&passwordPages{base: h.base, perSource: &web.RateLimiter{Every: 20 * time.Second, Burst: 5}}).mount(mux)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/portal", http.StatusFound)
	})
}

// page is what every template's layout needs.
type page struct {
	Title    string
	Section  string // "admin" or "portal"
	Nav      string
	User     *store.User
	Flash    string
	Error    string
	Warnings []string
	Narrow   bool
	// Refresh is where the page moves on to by itself (a URL Signet
	// built): a navigation the CSP's form-action 'self' does not govern.
	Refresh string
}

// flashes are the fixed messages a redirect may ask for (?done=key): no
// text from the URL is ever shown.
var flashes = map[string]string{
	"user-created": "User added.", "user-saved": "Changes saved.", "user-deleted": "User deleted.",
	"group-created": "Group created.", "group-deleted": "Group deleted.", "member-added": "Member added.",
	"member-removed": "Member removed.", "app-created": "Application added. Next: edit its attribute mappings and assign users and groups.",
	"app-saved": "Configuration saved.", "app-deleted": "Application deleted.", "mappings-saved": "Attribute mappings saved.",
	"assigned": "Users and groups assigned.", "unassigned": "Access removed.", "cert-created": "New certificate generated (inactive).",
	"cert-activated":           "Certificate set as active. Give the application the new metadata if it does not have it yet.",
	"cert-deleted":             "Certificate deleted.",
	"signed-out":               "You are signed out of the access portal and of the applications it signed you in to.",
	"device-removed":           "MFA device removed.",
	"device-added":             "Authenticator app registered.",
	"password-set":             "Password saved. Sign in with it.",
	"password-change-required": "They will choose a new password at their next sign-in.",
	"invite-sent":              "Invitation emailed.",
	"reset-sent":               "Password reset email sent.",
	"mail-resent":              "The message is queued again.",
}

func flash(r *http.Request) string { return flashes[r.URL.Query().Get("done")] }

func (h *base) handle(fn web.HandlerFunc) http.Handler { return web.Handle(fn, h.renderError) }

// problem is the data of the problem page.
type problem struct {
	page
	Heading, Message, Reason, Fix, Code, RequestID, Back string
}

func (h *base) renderError(w http.ResponseWriter, r *http.Request, err error) {
	var maxErr *http.MaxBytesError
	var pub *web.PublicError
	switch {
	case errors.As(err, &pub):
		h.view.problem(w, r, pub.Status, problem{page: page{Title: "Not accepted", Section: sectionOf(r), Narrow: true},
			Heading: "Not accepted", Message: pub.Message, Code: pub.Code, Back: backOf(r)})
	case errors.Is(err, store.ErrNotFound):
		h.view.problem(w, r, http.StatusNotFound, problem{page: page{Title: "Not found", Section: sectionOf(r), Narrow: true},
			Heading: "Not found", Message: "There is nothing here. It may have been deleted.", Back: backOf(r)})
	case store.IsUnavailable(err):
		web.RetryLater(w)
		h.Log.WarnContext(r.Context(), "database unavailable", "path", r.URL.Path, "err", err)
		h.view.problem(w, r, http.StatusServiceUnavailable, problem{page: page{Title: "Temporarily unavailable", Section: sectionOf(r), Narrow: true},
			Heading: "Temporarily unavailable", Message: "Signet cannot reach its database right now. Nothing was changed.",
			Fix: "Try again in a few seconds.", Code: "unavailable"})
	case errors.As(err, &maxErr):
		h.view.problem(w, r, http.StatusRequestEntityTooLarge, problem{page: page{Title: "Too large", Section: sectionOf(r), Narrow: true},
			Heading: "Too large", Message: "What you sent is larger than Signet accepts.", Code: string(saml.CodeTooLarge), Back: backOf(r)})
	default:
		id := web.RequestID(r.Context())
		h.Log.ErrorContext(r.Context(), "request failed", "request_id", id, "path", r.URL.Path, "err", err)
		h.view.problem(w, r, http.StatusInternalServerError, problem{page: page{Title: "Something went wrong", Section: sectionOf(r), Narrow: true},
			Heading: "Something went wrong", Message: "Signet could not finish this request. Nothing was changed.",
			Fix: "Try again. If it keeps happening, give your administrator the reference below.", Code: "internal_error", RequestID: id})
	}
}

func sectionOf(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/admin") {
		return "admin"
	}
	return "portal"
}

func backOf(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/admin") {
		return "/admin/applications"
	}
	return ""
}
