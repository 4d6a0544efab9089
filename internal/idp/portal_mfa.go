// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"errors"
	"net/http"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// mfaDevicesPage is the access portal's "MFA devices": the person's
// devices, and the registration of another authenticator app.
type mfaDevicesPage struct {
	page
	Devices []store.MFADevice
	Enrol   *enrolment // another authenticator app
	Passkey *ceremony  // another security key or passkey
	// CodesLeft is how many recovery codes the person has; NewCodes the
	// ones just made, shown once.
	CodesLeft int
	NewCodes  []string
}

func (h *portalHandler) mountDevices(mux *http.ServeMux) {
	mux.Handle("GET /portal/mfa-devices", h.portal(h.devices))
	mux.Handle("POST /portal/mfa-devices", h.portal(h.addDevice))
	mux.Handle("POST /portal/mfa-devices/{id}/delete", h.portal(h.deleteDevice))
	mux.Handle("POST /portal/mfa-devices/recovery-codes", h.portal(h.newRecoveryCodes))
}

// newRecoveryCodes replaces the person's recovery codes and shows the new
// ones once.
func (h *portalHandler) newRecoveryCodes(w http.ResponseWriter, r *http.Request, u store.User) error {
	codes, err := h.Svc.NewRecoveryCodes(r.Context(), u.Username, u)
	if err != nil {
		return err
	}
	return h.showDevices(w, r, u, codes)
}

func (h *portalHandler) showDevices(w http.ResponseWriter, r *http.Request, u store.User, codes []string) error {
	p, err := h.devicesPage(r, u)
	if err != nil {
		return err
	}
	p.NewCodes, p.CodesLeft = codes, len(codes)
	if codes != nil {
		p.Flash = "New recovery codes made: save them now, they are shown only once. Earlier codes no longer work."
	}
	w.Header().Set("Cache-Control", "no-store")
	h.view.mfaDevices(w, r, http.StatusOK, p)
	return nil
}

func (h *portalHandler) devicesPage(r *http.Request, u store.User) (mfaDevicesPage, error) {
	devices, err := h.Svc.Store.ListMFADevices(r.Context(), u.ID)
	if err != nil {
		return mfaDevicesPage{}, err
	}
	p := mfaDevicesPage{page: portalPage("MFA devices", &u, r), Devices: devices}
	if p.CodesLeft, err = h.Svc.Store.CountRecoveryCodes(r.Context(), u.ID); err != nil {
		return p, err
	}
	policy, err := h.Svc.MFAPolicy(r.Context())
	if err != nil {
		return p, err
	}
	if policy.Allows(store.MFATOTP) {
		if p.Enrol, err = h.newEnrolment(u); err != nil {
			return p, err
		}
	}
	if policy.Allows(store.MFAWebAuthn) {
		p.Passkey, err = h.passkeyRegistration(r.Context(), u)
	}
	return p, err
}

func (h *portalHandler) devices(w http.ResponseWriter, r *http.Request, u store.User) error {
	p, err := h.devicesPage(r, u)
	if err != nil {
		return err
	}
	h.view.mfaDevices(w, r, http.StatusOK, p)
	return nil
}

// addDevice registers another authenticator app or security key for the
// signed-in person.
func (h *portalHandler) addDevice(w http.ResponseWriter, r *http.Request, u store.User) error {
	var err error
	if resp := r.PostFormValue("webauthn_response"); resp != "" {
		_, err = h.Svc.FinishPasskeyRegistration(r.Context(), u.Username, u, r.PostFormValue("name"), r.PostFormValue("passkey_register"), resp)
	} else if secret, mine := h.enrolledSecret(u, r.PostFormValue("enrol")); !mine {
		err = &PolicyError{"the registration expired: scan the new QR code"}
	} else {
		_, err = h.Svc.AddTOTPDevice(r.Context(), u.Username, u, r.PostFormValue("name"), secret, r.PostFormValue("code"))
	}
	var pe *PolicyError
	switch {
	case err == nil:
		codes, err := h.Svc.FirstRecoveryCodes(r.Context(), u.Username, u)
		if err != nil || codes == nil {
			if err == nil {
				err = web.Redirect(w, r, "/portal/mfa-devices?done=device-added")
			}
			return err
		}
		return h.showDevices(w, r, u, codes)
	case errors.Is(err, ErrPasskeyRefused):
		pe = &PolicyError{"the security key's answer did not verify: try again"}
	case errors.Is(err, ErrWrongCode):
		pe = &PolicyError{"that code is not right: scan the new QR code and enter the code it shows"}
	case !errors.As(err, &pe):
		return err
	}
	p, derr := h.devicesPage(r, u)
	if derr != nil {
		return derr
	}
	p.Error = "Not registered: " + pe.Message + "."
	h.view.mfaDevices(w, r, http.StatusUnprocessableEntity, p)
	return nil
}

func (h *portalHandler) deleteDevice(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := h.Svc.RemoveMFADevice(r.Context(), u.Username, u, r.PathValue("id")); err != nil {
		return err
	}
	return web.Redirect(w, r, "/portal/mfa-devices?done=device-removed")
}
