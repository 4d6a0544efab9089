// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
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
	dest := spLogoutEndpoint(sp, true)
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

// logoutRefused says why a logout message was refused: nothing was
// signed out.
func (h *ssoHandler) logoutRefused(w http.ResponseWriter, r *http.Request, a store.App, err error) error {
	e := saml.AsError(err)
	if e.Code == saml.CodeInternal {
		return e.Err
	}
	p := problem{page: page{Title: "Sign-out refused", Section: "portal", Narrow: true},
		Heading: "Sign-out message refused", Message: "The sign-out message from " + a.Name + " was refused, so nothing was signed out.",
		Reason: trimDot(e.Message), Code: string(e.Code)}
	if e.Code == saml.CodeCertificateUntrusted {
		p.Reason = "Signet has no signing certificate of " + a.Name + " to check it with, or it was signed with another key"
		p.Fix = "An administrator can upload the application's current SP metadata (with its signing certificate) in the console."
	}
	h.view.problem(w, r, http.StatusBadRequest, p)
	return nil
}

// slo is GET /saml/apps/{app}/slo: an application's LogoutRequest, or its
// LogoutResponse in a sign-out started at the portal.
func (h *ssoHandler) slo(w http.ResponseWriter, r *http.Request) error {
	a, err := h.Svc.Store.GetApp(r.Context(), r.PathValue("app"))
	if err != nil {
		return err
	}
	_, certs, _, err := h.spFacts(a)
	if err != nil {
		return err
	}
	if len(certs) == 0 {
		return h.logoutRefused(w, r, a, saml.NewError(saml.CodeCertificateUntrusted, errors.New("the application has no signing certificate")))
	}
	m, err := saml.DecodeRedirect(r.URL.RawQuery, h.Limits)
	if err != nil {
		return h.logoutRefused(w, r, a, err)
	}
	if m.Param == "SAMLResponse" {
		return h.logoutAnswered(w, r, a, m, certs)
	}
	req, err := saml.VerifyLogoutRequest(m.XML, saml.LogoutPolicy{Issuer: a.Audience, Destination: h.Svc.SLOURL(a.ID),
		Certs: certs, Now: h.Svc.now(), Redirect: m, Limits: h.Limits})
	if err != nil {
		return h.logoutRefused(w, r, a, err)
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

// Single logout started at the portal: signing out visits, one after the
// other, every application of the portal session that publishes an SLO
// endpoint, each with a LogoutRequest signed by that application's key;
// each answers at /saml/apps/{app}/slo, carrying the chain's token back in
// RelayState, and the next one is visited. The remaining applications wait
// under the token's hash (they expire with the portal session).

// newChainToken is a sign-out chain's token (256 random bits).
func (s *Service) newChainToken() string {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand(), b); err != nil {
		panic("signet: no randomness for a token: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// chainID is where a sign-out's remaining applications wait.
func chainID(token string) string {
	sum := sha256.Sum256([]byte("signet slo chain\x00" + token))
	return "slo_" + hex.EncodeToString(sum[:])
}

// NextLogout builds the LogoutRequest for the first of parts whose
// application publishes an SLO endpoint, keeps the rest for the chain's
// next step, and returns the Redirect URL and the application's name ("":
// no application is left to visit).
func (s *Service) NextLogout(ctx context.Context, token string, parts []store.SSOParticipant) (string, string, error) {
	for i, p := range parts {
		app, err := s.Store.GetApp(ctx, p.AppID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		sp, err := s.spDescriptor(app)
		if err != nil {
			return "", "", err
		}
		dest := spLogoutEndpoint(sp, false)
		if dest == "" {
			continue
		}
		for _, rest := range parts[i+1:] {
			rest.SessionID = chainID(token)
			if err := s.Store.AddSSOParticipant(ctx, rest); err != nil {
				return "", "", err
			}
		}
		kp, err := s.activeKeyPair(ctx, app.ID)
		if err != nil {
			return "", "", err
		}
		_, xml, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: s.EntityID(app.ID), Destination: dest,
			NameID: p.NameID, NameIDFormat: p.NameIDFormat, SessionIndex: p.SessionIndex, Now: s.now(), Rand: s.rand()})
		if err != nil {
			return "", "", err
		}
		u, err := saml.RedirectURL(dest, "SAMLRequest", xml, token, &kp)
		return u, app.Name, err
	}
	return "", "", nil
}

// spLogoutEndpoint is the SP's Redirect single logout endpoint: where
// requests go, or (response) where responses go; "" without one.
func spLogoutEndpoint(sp *saml.SPDescriptor, response bool) string {
	if sp == nil {
		return ""
	}
	req, resp, _ := saml.RedirectSLO(sp.SLOServices)
	if response {
		return resp
	}
	return req
}

// signingOutPage moves the browser on to an application's SLO endpoint.
type signingOutPage struct {
	page
	App, Next string
}

// continueLogout visits the next application of a portal sign-out, or
// ends it on the sign-in page.
func (h *portalHandler) continueLogout(w http.ResponseWriter, r *http.Request, token string, parts []store.SSOParticipant) error {
	next, app, err := h.Svc.NextLogout(r.Context(), token, parts)
	if err != nil {
		return err
	}
	if next == "" {
		return web.Redirect(w, r, "/portal/login?done=signed-out")
	}
	h.view.signingOut(w, r, signingOutPage{page: page{Title: "Signing out", Section: "portal", Narrow: true, Refresh: next}, App: app, Next: next})
	return nil
}

// logoutAnswered takes an application's LogoutResponse in a portal
// sign-out and moves on to the next application.
func (h *ssoHandler) logoutAnswered(w http.ResponseWriter, r *http.Request, a store.App, m *saml.RedirectMessage, certs []*x509.Certificate) error {
	resp, err := saml.VerifyLogoutResponse(m.XML, saml.LogoutPolicy{Issuer: a.Audience, Destination: h.Svc.SLOURL(a.ID),
		Certs: certs, Now: h.Svc.now(), Redirect: m, Limits: h.Limits})
	if err != nil {
		return h.logoutRefused(w, r, a, err)
	}
	if resp.Status != saml.StatusSuccess {
		h.Log.WarnContext(r.Context(), "single logout: an application could not end its session", "app", a.ID, "status", resp.Status)
	}
	if m.RelayState == "" {
		return web.Redirect(w, r, "/portal/login?done=signed-out")
	}
	parts, err := h.Svc.Store.TakeSSOParticipants(r.Context(), chainID(m.RelayState))
	if err != nil {
		return err
	}
	return h.continueLogout(w, r, m.RelayState, parts)
}
