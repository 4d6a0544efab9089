// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"crypto/sha256"
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
// requestID, on its way to the application's SLO endpoint (zero when its
// metadata publishes none).
func (s *Service) LogoutAnswer(ctx context.Context, app store.App, requestID, relayState string) (saml.Outgoing, error) {
	ep, ok, err := s.spLogoutEndpoint(app)
	if err != nil || !ok {
		return saml.Outgoing{}, err
	}
	kp, err := s.activeKeyPair(ctx, app.ID)
	if err != nil {
		return saml.Outgoing{}, err
	}
	return saml.SendLogout(ep, true, relayState, &kp, func(dest string, key *saml.KeyPair) ([]byte, error) {
		return saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: s.EntityID(app.ID), Destination: dest,
			InResponseTo: requestID, Key: key, Now: s.now(), Rand: s.rand()})
	})
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

// slo is GET|POST /saml/apps/{app}/slo: an application's LogoutRequest,
// or its LogoutResponse in a sign-out chain (HTTP-Redirect or HTTP-POST).
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
	m, param, xml, relay, err := saml.ReceiveLogout(r, h.Limits)
	if err != nil {
		return h.logoutRefused(w, r, a, err)
	}
	pol := saml.LogoutPolicy{Issuer: a.Audience, Destination: h.Svc.SLOURL(a.ID), Certs: certs, Now: h.Svc.now(), Redirect: m, Limits: h.Limits}
	if param == "SAMLResponse" {
		return h.logoutAnswered(w, r, a, xml, relay, pol)
	}
	req, err := saml.VerifyLogoutRequest(xml, pol)
	if err != nil {
		return h.logoutRefused(w, r, a, err)
	}
	return h.appSignedOut(w, r, a, req, relay)
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
	return h.continueLogout(w, r, h.Svc.newToken(), append(parts, initiator))
}

// chainTTL is how long the initiator of a sign-out chain waits for it.
const chainTTL = 15 * time.Minute

// Single logout started at the portal: signing out visits, one after the
// other, every application of the portal session that publishes an SLO
// endpoint, each with a LogoutRequest signed by that application's key;
// each answers at /saml/apps/{app}/slo, carrying the chain's token back in
// RelayState, and the next one is visited. The remaining applications wait
// under the token's hash (they expire with the portal session).

// newToken is a random token (256 bits): a sign-out chain's, an MFA sign-in's.
func (s *Service) newToken() string {
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
	saml.Outgoing        // zero: no application is left to visit
	App           string // the application's name
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
			out, err := s.LogoutAnswer(ctx, app, p.AnswerTo, p.AnswerRelayState)
			return LogoutStep{Outgoing: out, App: app.Name, Answer: true}, err
		}
		ep, ok, err := s.spLogoutEndpoint(app)
		if err != nil {
			return LogoutStep{}, err
		}
		if !ok {
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
		out, err := saml.SendLogout(ep, false, token, &kp, func(dest string, key *saml.KeyPair) ([]byte, error) {
			_, xml, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: s.EntityID(app.ID), Destination: dest, Key: key,
				NameID: p.NameID, NameIDFormat: p.NameIDFormat, SessionIndex: p.SessionIndex, Now: s.now(), Rand: s.rand()})
			return xml, err
		})
		return LogoutStep{Outgoing: out, App: app.Name}, err
	}
	return LogoutStep{}, nil
}

// spLogoutEndpoint is the application's single logout endpoint, from its
// SP metadata; ok false without one.
func (s *Service) spLogoutEndpoint(app store.App) (saml.SLOEndpoint, bool, error) {
	sp, err := s.spDescriptor(app)
	if err != nil || sp == nil {
		return saml.SLOEndpoint{}, false, err
	}
	ep, ok := saml.LogoutEndpoint(sp.SLOServices)
	return ep, ok, nil
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
	case step.IsZero():
		return web.Redirect(w, r, "/portal/login?done=signed-out")
	case step.Answer || step.RedirectURL == "": // back to the application that asked, or a form that posts itself
		return web.SendOn(w, r, step.RedirectURL, web.AutoPost{Action: step.PostURL, Field: step.Param, Value: step.Value,
			RelayState: step.RelayState, Target: step.App, SignOut: true})
	}
	h.view.signingOut(w, r, signingOutPage{page: page{Title: "Signing out", Section: "portal", Narrow: true, Refresh: step.RedirectURL},
		App: step.App, Next: step.RedirectURL})
	return nil
}

// logoutAnswered takes an application's LogoutResponse in a sign-out
// chain and moves on to the next application.
func (h *ssoHandler) logoutAnswered(w http.ResponseWriter, r *http.Request, a store.App, xml []byte, relay string, pol saml.LogoutPolicy) error {
	resp, err := saml.VerifyLogoutResponse(xml, pol)
	if err != nil {
		return h.logoutRefused(w, r, a, err)
	}
	if resp.Status != saml.StatusSuccess {
		h.Log.WarnContext(r.Context(), "single logout: an application could not end its session", "app", a.ID, "status", resp.Status)
	}
	if relay == "" {
		return web.Redirect(w, r, "/portal/login?done=signed-out")
	}
	parts, err := h.Svc.Store.TakeSSOParticipants(r.Context(), chainID(relay))
	if err != nil {
		return err
	}
	return h.continueLogout(w, r, relay, parts)
}
