// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"errors"
	"net/http"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// settingsConsole is the console's Settings › Authentication page (the
// MFA policy) and the admin's view of a user's MFA devices.
type settingsConsole struct{ *base }

func (h *settingsConsole) mount(mux *http.ServeMux) {
	mux.Handle("GET /admin/settings/authentication", h.admin(h.authentication))
	mux.Handle("POST /admin/settings/authentication", h.admin(h.authenticationSave))
	mux.Handle("POST /admin/users/{id}/mfa/{device}/delete", h.admin(h.removeDevice))
	mux.Handle("POST /admin/users/{id}/require-password-change", h.admin(h.requirePasswordChange))
}

func (h *settingsConsole) requirePasswordChange(w http.ResponseWriter, r *http.Request, admin store.User) error {
	u, err := h.Svc.Store.GetUser(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.Svc.RequirePasswordChange(r.Context(), admin.Username, u); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/users/"+u.ID+"?done=password-change-required")
}

// authenticationPage is Settings › Authentication.
type authenticationPage struct {
	page
	Policy MFAPolicy
}

// Allows reports whether the policy allows a device type (for the checkboxes).
func (p MFAPolicy) Allows(kind string) bool {
	for _, t := range p.Types {
		if t == kind {
			return true
		}
	}
	return false
}

func (h *settingsConsole) authentication(w http.ResponseWriter, r *http.Request, admin store.User) error {
	p, err := h.Svc.MFAPolicy(r.Context())
	if err != nil {
		return err
	}
	pg := authenticationPage{page: adminPage("Authentication", "settings", admin, r), Policy: p}
	if r.URL.Query().Get("done") == "saved" {
		pg.Flash = "Authentication settings saved. They apply from each person's next sign-in."
	}
	h.view.settingsAuthentication(w, r, http.StatusOK, pg)
	return nil
}

func (h *settingsConsole) authenticationSave(w http.ResponseWriter, r *http.Request, admin store.User) error {
	p := MFAPolicy{Prompt: r.PostFormValue("prompt"), Types: r.PostForm["types"], WithoutDevice: r.PostFormValue("without_device")}
	err := h.Svc.SetMFAPolicy(r.Context(), admin.Username, p)
	var pe *PolicyError
	if errors.As(err, &pe) {
		pg := authenticationPage{page: adminPage("Authentication", "settings", admin, r), Policy: p}
		pg.Error = "Not saved: " + pe.Message + "."
		h.view.settingsAuthentication(w, r, http.StatusUnprocessableEntity, pg)
		return nil
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/settings/authentication?done=saved")
}

// removeDevice is the way back in for a person who lost their device: the
// admin removes it (audited); the person's password is still needed, and
// they register a new device at their next sign-in if the policy says so.
func (h *settingsConsole) removeDevice(w http.ResponseWriter, r *http.Request, admin store.User) error {
	u, err := h.Svc.Store.GetUser(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.Svc.RemoveMFADevice(r.Context(), admin.Username, u, r.PathValue("device")); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/users/"+u.ID+"?done=device-removed")
}
