// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// loginPage is the sign-in form of the console and the portal.
type loginPage struct {
	page
	Action, Next, Username, Continuing string
	Hidden                             map[string]string
	// Reauthenticate: the application asked for a fresh sign-in
	// (ForceAuthn) although the person is signed in.
	Reauthenticate bool
}

// adminFunc is a console handler with the signed-in admin.
type adminFunc func(w http.ResponseWriter, r *http.Request, admin store.User) error

// admin requires a signed-in, active Identity Center admin.
func (h *base) admin(fn adminFunc) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		sess, ok := h.Admin.Load(r)
		if ok {
			u, err := h.Svc.Store.GetUser(r.Context(), sess.UserID)
			if err == nil && u.Active && u.Admin {
				return fn(w, r, u)
			}
		}
		if r.Method != http.MethodGet {
			return web.Redirect(w, r, "/admin/login")
		}
		return web.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()))
	})
}

func (h *directoryConsole) adminLoginForm(w http.ResponseWriter, r *http.Request) error {
	h.view.login(w, r, http.StatusOK, loginPage{page: page{Title: "Sign in", Section: "admin", Narrow: true},
		Action: "/admin/login", Next: web.SafeRedirect(r.URL.Query().Get("next"), "/admin/applications")})
	return nil
}

// login checks a password sign-in with rate limits; it renders the form
// again on failure and returns the user on success.
func (h *base) login(w http.ResponseWriter, r *http.Request, p loginPage) (store.User, bool) {
	username := strings.TrimSpace(r.PostFormValue("username"))
	p.Username = username
	if ok, err := h.Logins.Allow(r, username); err != nil {
		h.renderError(w, r, err)
		return store.User{}, false
	} else if !ok {
		web.RetryLater(w)
		p.Error = "Too many sign-in attempts. Wait a few minutes and try again."
		h.view.login(w, r, http.StatusTooManyRequests, p)
		return store.User{}, false
	}
	u, err := h.Svc.Directory().Authenticate(r.Context(), username, r.PostFormValue("password"))
	if err != nil {
		if !errors.Is(err, ErrBadCredentials) {
			h.renderError(w, r, err)
			return store.User{}, false
		}
		h.Svc.Audit(r.Context(), username, "signin.failed", p.Section, "wrong username or password, or deactivated account")
		p.Error = "The username or password is incorrect."
		h.view.login(w, r, http.StatusUnauthorized, p)
		return store.User{}, false
	}
	h.Logins.Remember(w, u.Username)
	return u, true
}

func (h *directoryConsole) adminLogin(w http.ResponseWriter, r *http.Request) error {
	p := loginPage{page: page{Title: "Sign in", Section: "admin", Narrow: true}, Action: "/admin/login",
		Next: web.SafeRedirect(r.PostFormValue("next"), "/admin/applications")}
	u, ok := h.login(w, r, p)
	if !ok {
		return nil
	}
	if !u.Admin {
		h.Svc.Audit(r.Context(), u.Username, "signin.denied", "admin", "not an Identity Center admin")
		p.Username, p.Error = u.Username, "This account may use the access portal, but not the Identity Center console."
		h.view.login(w, r, http.StatusForbidden, p)
		return nil
	}
	return h.signIn(w, r, u, store.RealmAdmin, mfaState{Next: p.Next}, p)
}

func (h *directoryConsole) adminLogout(w http.ResponseWriter, r *http.Request) error {
	if err := h.Admin.End(w, r); err != nil {
		h.Log.WarnContext(r.Context(), "sign-out: the session could not be deleted; it expires on its own", "err", err)
	}
	return web.Redirect(w, r, "/admin/login")
}
