// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// purposeNewPassword marks a parked sign-in that waits for the new
// password an admin required (after the password and any second factor):
// the MFA pages refuse it, and this page refuses any other.
const purposeNewPassword = "new-password"

func newPasswordPath(realm string) string {
	if realm == store.RealmAdmin {
		return "/admin/new-password"
	}
	return "/portal/new-password"
}

// askNewPassword parks a sign-in that has passed every check until the
// person chooses the new password an admin required.
func (h *base) askNewPassword(w http.ResponseWriter, r *http.Request, u store.User, realm string, st mfaState) error {
	st.Purpose = purposeNewPassword
	if _, err := h.park(w, r, u, realm, st); err != nil {
		return err
	}
	return web.Redirect(w, r, newPasswordPath(realm))
}

func (h *mfaHandler) mountNewPassword(mux *http.ServeMux) {
	for _, realm := range []string{store.RealmPortal, store.RealmAdmin} {
		mux.Handle("GET "+newPasswordPath(realm), h.handle(h.newPasswordPage(realm)))
		mux.Handle("POST "+newPasswordPath(realm), h.handle(h.newPasswordSubmit(realm)))
	}
}

// parkedFor loads the parked sign-in of this browser if it waits for purpose.
func (h *mfaHandler) parkedFor(r *http.Request, realm, purpose string) (store.MFAChallenge, store.User, mfaState, bool, error) {
	var st mfaState
	ch, u, ok, err := h.challenge(r, realm)
	if err != nil || !ok {
		return ch, u, st, false, err
	}
	if err := json.Unmarshal([]byte(ch.State), &st); err != nil {
		return ch, u, st, false, err
	}
	return ch, u, st, st.Purpose == purpose, nil
}

// parkedOrStartOver is parkedFor; without such a sign-in it sends the
// browser to sign in again (ok false, the answer written).
func (h *mfaHandler) parkedOrStartOver(w http.ResponseWriter, r *http.Request, realm, purpose string) (store.MFAChallenge, store.User, mfaState, bool, error) {
	ch, u, st, ok, err := h.parkedFor(r, realm, purpose)
	if err == nil && !ok {
		err = h.startOver(w, r, realm)
	}
	return ch, u, st, ok && err == nil, err
}

func (h *mfaHandler) newPasswordPage(realm string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, u, _, ok, err := h.parkedOrStartOver(w, r, realm, purposeNewPassword)
		if !ok {
			return err
		}
		h.view.password(w, r, http.StatusOK, passwordPage{page: page{Title: "Choose a new password", Section: sectionFor(realm), Narrow: true},
			Action: newPasswordPath(realm), Username: u.Username, Required: true})
		return nil
	}
}

func (h *mfaHandler) newPasswordSubmit(realm string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ch, u, st, ok, err := h.parkedOrStartOver(w, r, realm, purposeNewPassword)
		if !ok {
			return err
		}
		p := passwordPage{page: page{Title: "Choose a new password", Section: sectionFor(realm), Narrow: true},
			Action: newPasswordPath(realm), Username: u.Username, Required: true}
		pw := r.PostFormValue("password")
		if pw != r.PostFormValue("confirm") {
			p.Errors = FieldErrors{"confirm": "The two passwords are not the same."}
			h.view.password(w, r, http.StatusUnprocessableEntity, p)
			return nil
		}
		u, err = h.Svc.ChangeRequiredPassword(r.Context(), u, pw)
		if errors.As(err, &p.Errors) {
			h.view.password(w, r, http.StatusUnprocessableEntity, p)
			return nil
		}
		if err != nil {
			return err
		}
		if err := h.Svc.EndParkedSignIn(r.Context(), ch.TokenHash); err != nil {
			return err
		}
		st.PasswordChanged = true
		return h.finishSignIn(w, r, u, realm, st.Method, st)
	}
}
