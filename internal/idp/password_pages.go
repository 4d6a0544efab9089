// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// passwordPages are "Forgot password?" and the emailed links that set a
// password (invitations and resets).
type passwordPages struct {
	*base
	// perSource limits how often one client may ask for reset emails.
	perSource *web.RateLimiter
}

func (h *passwordPages) mount(mux *http.ServeMux) {
	mux.Handle("GET /portal/forgot", h.handle(h.forgotForm))
	mux.Handle("POST /portal/forgot", h.handle(h.forgot))
	mux.Handle("GET /portal/password/{token}", h.handle(h.linkForm))
	mux.Handle("POST /portal/password/{token}", h.handle(h.setPassword))
}

// forgotPage asks for the username; passwordPage for the new password.
type forgotPage struct {
	page
	Sent bool
}

type passwordPage struct {
	page
	Action, Username string
	Required         bool // an admin asked for a new password at this sign-in
	Errors           FieldErrors
}

func (h *passwordPages) forgotForm(w http.ResponseWriter, r *http.Request) error {
	h.view.forgot(w, r, http.StatusOK, forgotPage{page: page{Title: "Forgot your password?", Section: "portal", Narrow: true}})
	return nil
}

// resetsPerAccount is how many reset emails one account gets an hour.
const resetsPerAccount = 3

// forgot emails a reset link to the account's address. The answer is the
// same whether or not the account exists, has an email or was limited,
// so nobody learns which usernames exist.
func (h *passwordPages) forgot(w http.ResponseWriter, r *http.Request) error {
	p := forgotPage{page: page{Title: "Forgot your password?", Section: "portal", Narrow: true}, Sent: true}
	if !h.perSource.Allow(web.ClientIP(r)) {
		web.RetryLater(w)
		p.Sent, p.Error = false, "Too many requests from your network. Wait a few minutes and try again."
		h.view.forgot(w, r, http.StatusTooManyRequests, p)
		return nil
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	u, err := h.Svc.Store.GetUserByUsername(r.Context(), username)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case u.Active && u.Email != "":
		n, err := h.Svc.Store.HitRateLimit(r.Context(), "reset:"+u.ID, time.Hour, h.Svc.now())
		if err != nil {
			return err
		}
		if n <= resetsPerAccount {
			if err := h.Svc.SendPasswordReset(r.Context(), u.Username, u); err != nil && !errors.Is(err, ErrNoMail) {
				return err
			}
		}
	}
	h.view.forgot(w, r, http.StatusOK, p)
	return nil
}

func (h *passwordPages) linkForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	u, err := h.Svc.PasswordLinkUser(r.Context(), token)
	if errors.Is(err, ErrLinkUsed) {
		return h.linkUsed(w, r)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.view.password(w, r, http.StatusOK, passwordPage{page: page{Title: "Choose your password", Section: "portal", Narrow: true},
		Action: "/portal/password/" + token, Username: u.Username})
	return nil
}

func (h *passwordPages) linkUsed(w http.ResponseWriter, r *http.Request) error {
	h.view.problem(w, r, http.StatusGone, problem{page: page{Title: "Link expired", Section: "portal", Narrow: true},
		Heading: "This link has been used or has expired", Message: "Links to set a password work once, for a limited time.",
		Fix:  "Ask for a new one under “Forgot your password?” on the sign-in page, or ask your administrator to send you a new invitation.",
		Code: "link_expired"})
	return nil
}

func (h *passwordPages) setPassword(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	pw := r.PostFormValue("password")
	p := passwordPage{page: page{Title: "Choose your password", Section: "portal", Narrow: true}, Action: "/portal/password/" + token}
	if pw != r.PostFormValue("confirm") {
		p.Errors = FieldErrors{"confirm": "The two passwords are not the same."}
	} else {
		_, err := h.Svc.SetPasswordWithLink(r.Context(), token, pw)
		switch {
		case errors.Is(err, ErrLinkUsed):
			return h.linkUsed(w, r)
		case errors.As(err, &p.Errors):
		case err != nil:
			return err
		default:
			return web.Redirect(w, r, "/portal/login?done=password-set")
		}
	}
	u, err := h.Svc.PasswordLinkUser(r.Context(), token)
	if errors.Is(err, ErrLinkUsed) {
		return h.linkUsed(w, r)
	}
	if err != nil {
		return err
	}
	p.Username = u.Username
	h.view.password(w, r, http.StatusUnprocessableEntity, p)
	return nil
}
