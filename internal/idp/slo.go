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
	"slices"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Single logout at the Identity Center, started by an application: its
// LogoutRequest (HTTP-Redirect, signed with the key of its SP metadata)
// ends the browser's access-portal session; the portal session's other
// applications are then visited as in a sign-out started at the portal
// (below), and last the application gets a LogoutResponse signed with its
// signing key at its own SLO endpoint.

// LogoutAnswer is the signed LogoutResponse to app's LogoutRequest
// requestID, as an HTTP-Redirect URL to the application's SLO endpoint
// ("" when its metadata publishes none).
func (s *Service) LogoutAnswer(ctx context.Context, app store.App, requestID, relayState string) (string, error) {
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
		InResponseTo: requestID, Now: s.now(), Rand: s.rand()})
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
	return h.appSignedOut(w, r, a, req, m.RelayState)
}

// appSignedOut ends the portal session an application's verified
// LogoutRequest came from, then signs the session's other applications
// out and answers the initiator last.
func (h *ssoHandler) appSignedOut(w http.ResponseWriter, r *http.Request, a store.App, req *saml.LogoutRequest, relayState string) error {
	if u, ok := h.portalUser(r); ok {
		h.Svc.Audit(r.Context(), u.Username, "signout.app", a.Name, "signed out of the access portal by "+a.Name+" (single logout)")
	}
	sess, signedIn := h.Portal.Load(r)
	if err := h.Portal.End(w, r); err != nil {
		h.Log.WarnContext(r.Context(), "single logout: the portal session could not be deleted; it expires on its own", "err", err)
	}
	var parts []store.SSOParticipant
	if signedIn {
		all, err := h.Svc.Store.TakeSSOParticipants(r.Context(), sess.ID)
		if err != nil {
			return err
		}
		parts = slices.DeleteFunc(all, func(p store.SSOParticipant) bool { return p.AppID == a.ID })
	}
	initiator := store.SSOParticipant{AppID: a.ID, AnswerTo: req.ID, AnswerRelayState: relayState,
		ExpiresAt: h.Svc.now().Add(chainTTL)}
	return h.continueLogout(w, r, h.Svc.newChainToken(), append(parts, initiator))
}

// chainTTL is how long the initiator of a sign-out chain waits for it.
const chainTTL = 15 * time.Minute

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

// LogoutStep is where a sign-out chain sends the browser next.
type LogoutStep struct {
	URL string // "": no application is left to visit
	App string // the application's name
	// Answer marks the LogoutResponse to the application that started
	// the chain: the last step.
	Answer bool
}

// NextLogout builds the LogoutRequest for the first of parts whose
// application publishes an SLO endpoint and keeps the rest for the
// chain's next step. The chain's initiator, last, gets the LogoutResponse
// to its request instead.
func (s *Service) NextLogout(ctx context.Context, token string, parts []store.SSOParticipant) (LogoutStep, error) {
	for i, p := range parts {
		app, err := s.Store.GetApp(ctx, p.AppID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return LogoutStep{}, err
		}
		if p.AnswerTo != "" {
			u, err := s.LogoutAnswer(ctx, app, p.AnswerTo, p.AnswerRelayState)
			return LogoutStep{URL: u, App: app.Name, Answer: true}, err
		}
		sp, err := s.spDescriptor(app)
		if err != nil {
			return LogoutStep{}, err
		}
		dest := spLogoutEndpoint(sp, false)
		if dest == "" {
			continue
		}
		for _, rest := range parts[i+1:] {
			rest.SessionID = chainID(token)
			if err := s.Store.AddSSOParticipant(ctx, rest); err != nil {
				return LogoutStep{}, err
			}
		}
		kp, err := s.activeKeyPair(ctx, app.ID)
		if err != nil {
			return LogoutStep{}, err
		}
		_, xml, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: s.EntityID(app.ID), Destination: dest,
			NameID: p.NameID, NameIDFormat: p.NameIDFormat, SessionIndex: p.SessionIndex, Now: s.now(), Rand: s.rand()})
		if err != nil {
			return LogoutStep{}, err
		}
		u, err := saml.RedirectURL(dest, "SAMLRequest", xml, token, &kp)
		return LogoutStep{URL: u, App: app.Name}, err
	}
	return LogoutStep{}, nil
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
	step, err := h.Svc.NextLogout(r.Context(), token, parts)
	switch {
	case err != nil:
		return err
	case step.URL == "":
		return web.Redirect(w, r, "/portal/login?done=signed-out")
	case step.Answer: // back to the application that asked
		http.Redirect(w, r, step.URL, http.StatusFound)
		return nil
	}
	h.view.signingOut(w, r, signingOutPage{page: page{Title: "Signing out", Section: "portal", Narrow: true, Refresh: step.URL},
		App: step.App, Next: step.URL})
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
