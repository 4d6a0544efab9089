// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"fmt"
	"net/http"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Single logout (SAML profiles §4.4) between an org and its IdP, over the
// HTTP-Redirect binding (HTTP-POST too when the IdP posts): when a person
// signs out of an SSO session, the Workspace sends the IdP a LogoutRequest
// signed with the org's SP key; a LogoutRequest from the IdP, verified like
// a response (signature by the connection's certificates, Issuer,
// Destination, freshness), ends exactly the sessions it names.

// SLOURL is the org's single logout endpoint.
func (s *Service) SLOURL(o store.Org) string { return s.BaseURL + "/saml/" + o.Slug + "/slo" }

// idpSLO is the IdP's single logout endpoint, from its metadata
// (HTTP-Redirect preferred, else HTTP-POST).
func idpSLO(conn *Connection) (saml.SLOEndpoint, bool) {
	if conn.Metadata == nil || conn.Metadata.IdP == nil {
		return saml.SLOEndpoint{}, false
	}
	return saml.LogoutEndpoint(conn.Metadata.IdP.SLOServices)
}

// LogoutMessage is how the browser goes on to end the IdP's session after
// the SSO session sess was ended here: a signed LogoutRequest to the SLO
// endpoint of the IdP that opened it, and the IdP's name. ok is false
// when that IdP publishes no SLO endpoint, the org has no SP key to sign
// with, or the IdP is no longer one of the org's connections.
func (s *Service) LogoutMessage(ctx context.Context, sess store.Session) (out saml.Outgoing, idp string, ok bool, err error) {
	if sess.Method != "sso" || sess.NameID == "" {
		return out, "", false, nil
	}
	o, err := s.Store.GetOrg(ctx, sess.OrgID)
	if err != nil {
		return out, "", false, err
	}
	conn, err := s.connectionFor(ctx, o, func() string { return sess.Detail })
	if saml.CodeOf(err) == signin.CodeNoConnection {
		return out, "", false, nil
	}
	if err != nil {
		return out, "", false, err
	}
	ep, ok := idpSLO(conn)
	if !ok || conn.IdPEntityID != sess.Detail {
		return out, "", false, nil
	}
	kp, ok, err := s.OrgKey(ctx, o)
	if err != nil || !ok {
		return out, "", false, err
	}
	out, err = saml.SendLogout(ep, false, "", &kp, func(dest string, key *saml.KeyPair) ([]byte, error) {
		_, xml, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: s.EntityID(o), Destination: dest, Key: key,
			NameID: sess.NameID, NameIDFormat: sess.NameIDFormat, SessionIndex: sess.SessionIndex, Now: s.now(), Rand: s.rand()})
		return xml, err
	})
	return out, conn.Name, err == nil, err
}

// LogoutOutcome is what a message at the SLO endpoint did.
type LogoutOutcome struct {
	// Ended counts the sessions a LogoutRequest ended.
	Ended int64
	// Answer takes the LogoutResponse to the IdP's SLO endpoint (zero
	// when the IdP has none).
	Answer saml.Outgoing
	// Response is set for a LogoutResponse: the IdP's answer to ours.
	Response *saml.LogoutResponse
	// IdP is the entity ID of the IdP whose message it was.
	IdP string
}

// ConsumeLogout handles a logout message from o's IdP: m for the
// HTTP-Redirect binding, or xml from an HTTP-POST, with its RelayState
// (echoed in the answer). Nothing is ended unless the message verifies.
func (s *Service) ConsumeLogout(ctx context.Context, o store.Org, m *saml.RedirectMessage, param string, xml []byte, relayState string) (LogoutOutcome, error) {
	var out LogoutOutcome
	if !SSOAvailable(o.Plan) {
		return out, ErrNotOnPlan
	}
	conn, err := s.connectionFor(ctx, o, func() string { return saml.PeekIssuer(xml, s.Limits) })
	if err != nil {
		return out, err
	}
	out.IdP = conn.IdPEntityID
	pol := saml.LogoutPolicy{Issuer: conn.IdPEntityID, Destination: s.SLOURL(o), Certs: conn.trusted,
		AllowLegacy: conn.AllowLegacyCrypto, Now: s.now(), Redirect: m, Limits: s.Limits}
	if param == "SAMLResponse" {
		out.Response, err = saml.VerifyLogoutResponse(xml, pol)
		if err == nil {
			s.Audit(ctx, o, "sso", "signout.idp_answer", "the IdP answered a sign-out with "+out.Response.Status)
		}
		return out, err
	}
	req, err := saml.VerifyLogoutRequest(xml, pol)
	if err != nil {
		return out, err
	}
	if out.Ended, err = s.Store.EndSSOSessions(ctx, o.ID, conn.IdPEntityID, req.NameID, req.SessionIndexes); err != nil {
		return out, err
	}
	s.Audit(ctx, o, req.NameID, "signout.idp", fmt.Sprintf("the IdP ended %d SSO session(s) of %s (single logout)", out.Ended, req.NameID))
	if ep, ok := idpSLO(conn); ok {
		kp, hasKey, err := s.OrgKey(ctx, o)
		if err != nil {
			return out, err
		}
		var key *saml.KeyPair
		if hasKey {
			key = &kp
		}
		out.Answer, err = saml.SendLogout(ep, true, relayState, key, func(dest string, key *saml.KeyPair) ([]byte, error) {
			return saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: s.EntityID(o), Destination: dest, InResponseTo: req.ID,
				Key: key, Now: s.now(), Rand: s.rand()})
		})
		return out, err
	}
	return out, nil
}

// slo is the org's single logout endpoint (GET: HTTP-Redirect; POST:
// HTTP-POST). A refusal ends nothing and says why.
func (h *samlEndpoints) slo(w http.ResponseWriter, r *http.Request) error {
	o, err := h.Svc.Store.GetOrgBySlug(r.Context(), r.PathValue("org"))
	if err != nil {
		return err
	}
	m, param, xml, relay, err := saml.ReceiveLogout(r, h.Svc.Limits)
	var out LogoutOutcome
	if err == nil {
		out, err = h.Svc.ConsumeLogout(r.Context(), o, m, param, xml, relay)
	}
	if err != nil {
		e := saml.AsError(err)
		if e.Code == saml.CodeInternal {
			return e.Err
		}
		return &web.PublicError{Status: http.StatusBadRequest, Code: string(e.Code),
			Message: "This sign-out message was not accepted, so nothing was signed out: " + e.Message}
	}
	if out.Response != nil {
		if out.Response.Status != saml.StatusSuccess {
			return web.Redirect(w, r, "/login?signed_out=idp_refused")
		}
		return web.Redirect(w, r, "/login?signed_out=idp")
	}
	// The IdP's request: this browser's own session here ends too.
	if cur, ok := h.Sessions.Load(r); ok && cur.OrgID == o.ID && cur.Method == "sso" && cur.Detail == out.IdP {
		if err := h.Sessions.End(w, r); err != nil {
			h.Log.WarnContext(r.Context(), "single logout: the session could not be deleted; it expires on its own", "err", err)
		}
	}
	if !out.Answer.IsZero() {
		return web.SendOn(w, r, out.Answer.RedirectURL, logoutPost(out.Answer, "your identity provider"))
	}
	return web.Redirect(w, r, "/login?signed_out=idp")
}

// logoutPost is the HTTP-POST form of an outgoing logout message.
func logoutPost(out saml.Outgoing, target string) web.AutoPost {
	return web.AutoPost{Action: out.PostURL, Field: out.Param, Value: out.Value, RelayState: out.RelayState, Target: target, SignOut: true}
}
