// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// The settings page shows one connection at a time (?connection=ID, the
// primary one by default, "new" to add one); its forms name the connection
// they change in a "connection" field.

// newConnection is the ?connection= value of the form that adds one.
const newConnection = "new"

func (h *ssoPages) mountConnections(mux *http.ServeMux) {
	mux.Handle("POST /orgs/{org}/settings/sso/rename", h.ssoAdmin(h.connectionRename))
	mux.Handle("POST /orgs/{org}/settings/sso/primary", h.ssoAdmin(h.connectionPrimary))
	mux.Handle("POST /orgs/{org}/settings/sso/domains/{domain}/connection", h.ssoAdmin(h.domainRoute))
}

// connectionURL is the settings page showing connection id, with a flash.
func connectionURL(o store.Org, id, done string) string {
	q := url.Values{}
	if id != "" {
		q.Set("connection", id)
	}
	if done != "" {
		q.Set("done", done)
	}
	u := "/orgs/" + o.Slug + "/settings/sso"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// selectConnection loads the connection the page shows: the one named by
// ?connection= (or a form's connection field), else the primary one. nil
// when the org has none, or the admin is adding one.
func (h *ssoPages) selectConnection(r *http.Request, o store.Org) (*Connection, bool, error) {
	id := r.FormValue("connection")
	if id == newConnection {
		return nil, true, nil
	}
	conn, err := h.Svc.LoadConnection(r.Context(), o, id)
	if errors.Is(err, store.ErrNotFound) && id != "" {
		conn, err = h.Svc.LoadConnection(r.Context(), o, "") // removed meanwhile: show the primary
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	return conn, false, err
}

func (h *ssoPages) connectionRename(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	id := r.PostFormValue("connection")
	if err := h.Svc.RenameConnection(r.Context(), m, o, id, r.PostFormValue("name")); err != nil {
		return h.settingsRefused(w, r, o, m, "The connection was not renamed: ", notFoundConnection(err))
	}
	return web.Redirect(w, r, connectionURL(o, id, "renamed"))
}

func (h *ssoPages) connectionPrimary(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	id := r.PostFormValue("connection")
	if err := h.Svc.MakePrimary(r.Context(), m, o, id); err != nil {
		return h.settingsRefused(w, r, o, m, "The primary connection did not change: ", notFoundConnection(err))
	}
	return web.Redirect(w, r, connectionURL(o, id, "primary"))
}

func (h *ssoPages) domainRoute(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	claim, err := h.Svc.Domains().Route(r.Context(), o, m.Email, r.PathValue("domain"), r.PostFormValue("route"))
	if err != nil {
		return h.domainRefused(w, r, o, m, "The domain's connection did not change: ", err)
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug+"/settings/sso?done=domain_routed&domain="+url.QueryEscape(claim.Domain)+"#domains")
}

// notFoundConnection words a missing connection for the page.
func notFoundConnection(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &web.PublicError{Status: http.StatusNotFound, Code: "not_found", Message: "this organization has no such SSO connection."}
	}
	return err
}

// pickerPage lets a person choose among the org's connections.
type pickerPage struct {
	page
	OrgName string
	Choices []pickerChoice
}

// pickerChoice is one connection in the picker, with where it starts.
type pickerChoice struct {
	ConnectionChoice
	Start string
}

// picker shows the org's connections, each starting SP-initiated sign-in
// through it with the same parameters.
func (h *samlEndpoints) picker(w http.ResponseWriter, r *http.Request, o store.Org) error {
	choices, err := h.Svc.ConnectionChoices(r.Context(), o)
	if err != nil {
		return err
	}
	p := pickerPage{page: page{Title: "Choose how to sign in", Narrow: true}, OrgName: o.Name}
	for _, c := range choices {
		q := r.URL.Query()
		q.Set("connection", c.ID)
		p.Choices = append(p.Choices, pickerChoice{ConnectionChoice: c, Start: "/saml/" + o.Slug + "/login?" + q.Encode()})
	}
	h.view.picker(w, r, p)
	return nil
}
