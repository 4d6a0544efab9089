// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"net/http"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Single logout at the Identity Center, started by an application: its
// LogoutRequest (HTTP-Redirect, signed with the key of its SP metadata)
// ends the browser's access-portal session, and the application gets a
// LogoutResponse signed with its signing key at its own SLO endpoint.
// Propagating the logout to the other applications of the portal session
// is not done yet: they keep their sessions.

// LogoutAnswer is the signed LogoutResponse for a verified request from
// app, as an HTTP-Redirect URL to the application's SLO endpoint ("" when
// its metadata publishes none).
func (s *Service) LogoutAnswer(ctx context.Context, app store.App, req *saml.LogoutRequest, relayState string) (string, error) {
	sp, err := s.spDescriptor(app)
	if err != nil || sp == nil {
		return "", err
	}
	dest := ""
	for _, e := range sp.SLOServices {
		if e.Binding == saml.BindingHTTPRedirect {
			dest = e.Location
			if e.ResponseLocation != "" {
				dest = e.ResponseLocation
			}
			break
		}
	}
	if dest == "" {
		return "", nil
	}
	kp, err := s.activeKeyPair(ctx, app.ID)
	if err != nil {
		return "", err
	}
	xml, err := saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: s.EntityID(app.ID), Destination: dest,
		InResponseTo: req.ID, Now: s.now(), Rand: s.rand()})
	if err != nil {
		return "", err
	}
	return saml.RedirectURL(dest, "SAMLResponse", xml, relayState, &kp)
}

// slo is GET /saml/apps/{app}/slo: an application's LogoutRequest.
func (h *ssoHandler) slo(w http.ResponseWriter, r *http.Request) error {
	a, err := h.Svc.Store.GetApp(r.Context(), r.PathValue("app"))
	if err != nil {
		return err
	}
	_, certs, _, err := h.spFacts(a)
	if err != nil {
		return err
	}
	m, err := saml.DecodeRedirect(r.URL.RawQuery, h.Limits)
	var req *saml.LogoutRequest
	if err == nil && m.Param != "SAMLRequest" {
		err = saml.NewError(saml.CodeRequestInvalid, nil)
	}
	if err == nil {
		req, err = saml.VerifyLogoutRequest(m.XML, saml.LogoutPolicy{Issuer: a.Audience, Destination: h.Svc.SLOURL(a.ID),
			Certs: certs, Now: h.Svc.now(), Redirect: m, Limits: h.Limits})
	}
	if err != nil {
		e := saml.AsError(err)
		h.view.problem(w, r, http.StatusBadRequest, problem{page: page{Title: "Sign-out refused", Section: "portal", Narrow: true},
			Heading: "Sign-out request refused", Message: "The sign-out request from " + a.Name + " was refused, so nothing was signed out.",
			Reason: trimDot(e.Message), Code: string(e.Code)})
		return nil
	}
	if u, ok := h.portalUser(r); ok {
		h.Svc.Audit(r.Context(), u.Username, "signout.app", a.Name, "signed out of the access portal by "+a.Name+" (single logout)")
	}
	if err := h.Portal.End(w, r); err != nil {
		h.Log.WarnContext(r.Context(), "single logout: the portal session could not be deleted; it expires on its own", "err", err)
	}
	answer, err := h.Svc.LogoutAnswer(r.Context(), a, req, m.RelayState)
	if err != nil {
		return err
	}
	if answer == "" {
		return web.Redirect(w, r, "/portal/login")
	}
	http.Redirect(w, r, answer, http.StatusFound)
	return nil
}
