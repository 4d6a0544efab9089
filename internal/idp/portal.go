// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// portalHandler is the access portal: sign-in, the tiles, and launching
// an application (IdP-initiated sign-in).
type portalHandler struct{ *base }

func (h *portalHandler) mount(mux *http.ServeMux) {
	mux.Handle("GET /portal/login", h.handle(h.portalLoginForm))
	mux.Handle("POST /portal/login", h.handle(h.portalLogin))
	mux.Handle("POST /portal/logout", h.handle(h.portalLogout))
	mux.Handle("POST /portal/logout/all", h.handle(h.portalLogoutEverywhere))
	mux.Handle("GET /portal", h.portal(h.portalHome))
	mux.Handle("GET /portal/apps/{id}", h.portal(h.portalLaunch))
	h.mountDevices(mux)
}

type portalFunc func(w http.ResponseWriter, r *http.Request, u store.User) error

// portal requires a signed-in, active directory user.
func (h *portalHandler) portal(fn portalFunc) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		if u, ok := h.portalUser(r); ok {
			return fn(w, r, u)
		}
		return web.Redirect(w, r, "/portal/login?next="+url.QueryEscape(r.URL.RequestURI()))
	})
}

func (h *portalHandler) portalUser(r *http.Request) (store.User, bool) {
	sess, ok := h.Portal.Load(r)
	if !ok {
		return store.User{}, false
	}
	u, err := h.Svc.Store.GetUser(r.Context(), sess.UserID)
	if err != nil || !u.Active {
		return store.User{}, false
	}
	return u, true
}

func portalPage(title string, u *store.User, r *http.Request) page {
	return page{Title: title, Section: "portal", User: u, Flash: flash(r)}
}

func (h *portalHandler) portalLoginForm(w http.ResponseWriter, r *http.Request) error {
	h.view.login(w, r, http.StatusOK, loginPage{page: page{Title: "Sign in", Section: "portal", Narrow: true, Flash: flash(r)},
		Action: "/portal/login", Next: web.SafeRedirect(r.URL.Query().Get("next"), "/portal")})
	return nil
}

// portalLogin signs a person in; if they came from an application's
// sign-in request, it answers that request.
func (h *portalHandler) portalLogin(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxSAMLForm)
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := loginPage{page: page{Title: "Sign in", Section: "portal", Narrow: true}, Action: "/portal/login",
		Next: web.SafeRedirect(r.PostFormValue("next"), "/portal")}
	pending := pendingRequest(r)
	if pending != nil {
		p.Hidden = pending.hidden()
	}
	u, ok := h.login(w, r, p)
	if !ok {
		return nil
	}
	return h.signIn(w, r, u, store.RealmPortal, mfaState{Next: p.Next, Hidden: p.Hidden}, p)
}

func (h *portalHandler) portalLogout(w http.ResponseWriter, r *http.Request) error {
	sess, signedIn := h.Portal.Load(r)
	if err := h.Portal.End(w, r); err != nil {
		h.Log.WarnContext(r.Context(), "sign-out: the session could not be deleted; it expires on its own", "err", err)
	}
	if !signedIn {
		return web.Redirect(w, r, "/portal/login")
	}
	// Single logout: the applications the session signed in to, one by one.
	parts, err := h.Svc.Store.TakeSSOParticipants(r.Context(), sess.ID)
	if err != nil {
		return err
	}
	return h.continueLogout(w, r, h.Svc.newToken(), parts)
}

// portalLogoutEverywhere ends every portal session of the person.
func (h *portalHandler) portalLogoutEverywhere(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.portalUser(r)
	if !ok {
		return web.Redirect(w, r, "/portal/login")
	}
	if err := h.Portal.EndEverywhere(w, r, u.ID); err != nil {
		return err
	}
	h.Svc.Audit(r.Context(), u.Username, "signout.everywhere", "portal", "signed out of the access portal in every browser")
	return web.Redirect(w, r, "/portal/login")
}

type portalHomePage struct {
	page
	Apps []store.App
}

func (h *portalHandler) portalHome(w http.ResponseWriter, r *http.Request, u store.User) error {
	apps, err := h.Svc.Store.AppsForUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	h.view.portal(w, r, portalHomePage{page: portalPage("Your applications", &u, r), Apps: apps})
	return nil
}

// portalLaunch is a tile click: IdP-initiated sign-in with the app's Relay
// state, by an auto-submitting POST of the signed response to its ACS.
func (h *portalHandler) portalLaunch(w http.ResponseWriter, r *http.Request, u store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	sess, _ := h.Portal.Load(r)
	xml, _, err := h.Svc.Issue(r.Context(), IssueRequest{App: a, User: u, Portal: sess})
	if err != nil {
		return h.issueFailed(w, r, u, a, err)
	}
	return h.postResponse(w, r, a, a.ACSURL, xml, a.RelayState)
}

// issueFailed shows why no assertion was issued.
func (h *portalHandler) issueFailed(w http.ResponseWriter, r *http.Request, u store.User, a store.App, err error) error {
	var na *NoAccessError
	var bad *StoredMetadataError
	switch {
	case errors.As(err, &bad):
		h.view.problem(w, r, http.StatusConflict, problem{page: portalPage("No access", &u, r),
			Heading: "No access", Message: "Signet Identity Center cannot sign you in to " + a.Name + ".", Reason: bad.Error(),
			Fix: "Ask your Identity Center administrator to upload the application's SAML metadata again.", Code: string(saml.CodeMetadataInvalid)})
		return nil
	case errors.Is(err, ErrNotAssigned):
		h.view.problem(w, r, http.StatusForbidden, problem{page: portalPage("No access", &u, r),
			Heading: "No access", Message: "You are not assigned to " + a.Name + ".",
			Fix: "Ask your Identity Center administrator to assign you (or one of your groups) to this application.", Code: "not_assigned"})
		return nil
	case errors.As(err, &na):
		h.view.problem(w, r, http.StatusForbidden, problem{page: portalPage("No access", &u, r),
			Heading: "No access", Message: "Signet Identity Center cannot sign you in to " + a.Name + ".", Reason: na.Reason,
			Fix: "Ask your Identity Center administrator to fix this; the attempt is in the Identity Center audit log.", Code: "no_access"})
		return nil
	}
	return err
}

// postResponse renders the HTTP-POST binding's auto-submitting form.
func (h *portalHandler) postResponse(w http.ResponseWriter, r *http.Request, a store.App, acs string, xml []byte, relay string) error {
	return web.WriteAutoPost(w, web.AutoPost{Action: acs, Field: "SAMLResponse", Value: saml.EncodeBase64(xml),
		RelayState: relay, Target: a.Name})
}
