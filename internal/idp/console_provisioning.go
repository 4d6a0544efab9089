// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// provisioningPage is an application's Provisioning tab.
type provisioningPage struct {
	appPage
	Provisioning store.Provisioning
	Configured   bool
	SCIMURL      string // the form's value
	Errors       FieldErrors
	Users        []provisionedRow
}

// provisionedRow is one assigned (or once-assigned) person and their state
// at the application.
type provisionedRow struct {
	User     store.User
	Pushed   bool // the application has them
	Active   bool
	Error    string
	RetryAt  time.Time
	PushedAt time.Time
}

func (h *appsConsole) mountProvisioning(mux *http.ServeMux) {
	mux.Handle("GET /admin/applications/{id}/provisioning", h.admin(h.provisioning))
	mux.Handle("POST /admin/applications/{id}/provisioning", h.admin(h.provisioningSave))
	mux.Handle("POST /admin/applications/{id}/provisioning/off", h.admin(h.provisioningOff))
	mux.Handle("POST /admin/applications/{id}/provisioning/users/{user}/push", h.admin(h.provisioningPush))
}

func (h *appsConsole) provisioningData(r *http.Request, admin store.User, a store.App) (provisioningPage, error) {
	p := provisioningPage{appPage: h.appData(r, admin, a, "provisioning")}
	prov, err := h.Svc.Store.GetProvisioning(r.Context(), a.ID)
	switch {
	case err == nil:
		p.Provisioning, p.Configured, p.SCIMURL = prov, true, prov.SCIMURL
	case !errors.Is(err, store.ErrNotFound):
		return p, err
	}
	rows, err := h.Svc.Store.ListProvisioned(r.Context(), a.ID, store.ProvisionedUserKind)
	if err != nil {
		return p, err
	}
	d, err := h.Svc.desiredFor(r.Context(), a.ID)
	if err != nil {
		return p, err
	}
	seen := map[string]bool{}
	for _, row := range rows {
		u, ok := d.users[row.LocalID]
		if !ok {
			if u, err = h.Svc.Store.GetUser(r.Context(), row.LocalID); err != nil {
				u = store.User{ID: row.LocalID, Username: "(deleted user)"}
			}
		}
		seen[row.LocalID] = true
		p.Users = append(p.Users, provisionedRow{User: u, Pushed: row.RemoteID != "", Active: row.Active, Error: row.Error,
			RetryAt: row.RetryAt, PushedAt: row.PushedAt})
	}
	for id, u := range d.users {
		if !seen[id] {
			p.Users = append(p.Users, provisionedRow{User: u})
		}
	}
	slices.SortFunc(p.Users, func(a, b provisionedRow) int { return strings.Compare(a.User.Username, b.User.Username) })
	return p, nil
}

func (h *appsConsole) provisioning(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := h.provisioningData(r, admin, a)
	if err != nil {
		return err
	}
	p.Flash = map[string]string{"on": "Automatic provisioning is on: assigned users and groups reach the application within seconds.",
		"off":  "Automatic provisioning is off. What was provisioned stays in the application.",
		"push": "The user will be pushed again within seconds."}[r.URL.Query().Get("done")]
	h.view.appProvisioning(w, r, http.StatusOK, p)
	return nil
}

func (h *appsConsole) provisioningSave(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	err = h.Svc.SetProvisioning(r.Context(), admin.Username, a, r.PostFormValue("scim_url"), r.PostFormValue("token"))
	var fe FieldErrors
	if errors.As(err, &fe) {
		p, derr := h.provisioningData(r, admin, a)
		if derr != nil {
			return derr
		}
		p.SCIMURL, p.Errors, p.Error = r.PostFormValue("scim_url"), fe, "Provisioning was not turned on: "+fe.Error()
		h.view.appProvisioning(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/applications/"+a.ID+"/provisioning?done=on")
}

func (h *appsConsole) provisioningOff(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.Svc.DisableProvisioning(r.Context(), admin.Username, a); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/applications/"+a.ID+"/provisioning?done=off")
}

func (h *appsConsole) provisioningPush(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.Svc.PushNow(r.Context(), admin.Username, a, r.PathValue("user")); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/applications/"+a.ID+"/provisioning?done=push")
}
