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

// idpSLO is the IdP's Redirect single logout endpoint, from its metadata.
func idpSLO(conn *Connection) (request, response string, ok bool) {
	if conn.Metadata == nil || conn.Metadata.IdP == nil {
		return "", "", false
	}
	return saml.RedirectSLO(conn.Metadata.IdP.SLOServices)
}

// LogoutURL is where the browser goes to end the IdP's session after the
// SSO session sess was ended here: the SLO endpoint of the IdP that opened
// it, with a signed LogoutRequest. ok is false when that IdP publishes no
// Redirect SLO endpoint, the org has no SP key to sign with, or the IdP is
// no longer one of the org's connections.
func (s *Service) LogoutURL(ctx context.Context, sess store.Session) (string, bool, error) {
	if sess.Method != "sso" || sess.NameID == "" {
		return "", false, nil
	}
	o, err := s.Store.GetOrg(ctx, sess.OrgID)
	if err != nil {
		return "", false, err
	}
	conn, err := s.connectionFor(ctx, o, func() string { return sess.Detail })
	if saml.CodeOf(err) == signin.CodeNoConnection {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	dest, _, ok := idpSLO(conn)
	if !ok || conn.IdPEntityID != sess.Detail {
		return "", false, nil
	}
	kp, ok, err := s.OrgKey(ctx, o)
	if err != nil || !ok {
		return "", false, err
	}
	_, xml, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: s.EntityID(o), Destination: dest,
		NameID: sess.NameID, NameIDFormat: sess.NameIDFormat, SessionIndex: sess.SessionIndex, Now: s.now(), Rand: s.rand()})
	if err != nil {
		return "", false, err
	}
	u, err := saml.RedirectURL(dest, "SAMLRequest", xml, "", &kp)
	return u, err == nil, err
}

// LogoutOutcome is what a message at the SLO endpoint did.
type LogoutOutcome struct {
	// Ended counts the sessions a LogoutRequest ended.
	Ended int64
	// Answer is where the browser takes the LogoutResponse (the IdP's
	// SLO endpoint, signed query), "" when the IdP has none.
	Answer string
	// Response is set for a LogoutResponse: the IdP's answer to ours.
	Response *saml.LogoutResponse
	// IdP is the entity ID of the IdP whose message it was.
	IdP string
}

// ConsumeLogout handles a logout message from o's IdP: m for the
// HTTP-Redirect binding, or xml from an HTTP-POST. Nothing is ended unless
// the message verifies.
func (s *Service) ConsumeLogout(ctx context.Context, o store.Org, m *saml.RedirectMessage, param string, xml []byte) (LogoutOutcome, error) {
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
	if _, dest, ok := idpSLO(conn); ok {
		kp, hasKey, err := s.OrgKey(ctx, o)
		if err != nil {
			return out, err
		}
		var key *saml.KeyPair
		if hasKey {
			key = &kp
		}
		resp, err := saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: s.EntityID(o), Destination: dest, InResponseTo: req.ID,
			Now: s.now(), Rand: s.rand()})
		if err != nil {
			return out, err
		}
		relay := ""
		if m != nil {
			relay = m.RelayState
		}
		if out.Answer, err = saml.RedirectURL(dest, "SAMLResponse", resp, relay, key); err != nil {
			return out, err
		}
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
	var m *saml.RedirectMessage
	var param string
	var xml []byte
	if r.Method == http.MethodGet {
		m, err = saml.DecodeRedirect(r.URL.RawQuery, h.Svc.Limits)
		if err == nil {
			param, xml = m.Param, m.XML
		}
	} else {
		param = "SAMLRequest"
		value := r.PostFormValue("SAMLRequest")
		if value == "" {
			param, value = "SAMLResponse", r.PostFormValue("SAMLResponse")
		}
		xml, err = saml.DecodeBase64([]byte(value), h.Svc.Limits.WithDefaults().MaxMessageBytes)
	}
	var out LogoutOutcome
	if err == nil {
		out, err = h.Svc.ConsumeLogout(r.Context(), o, m, param, xml)
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
	if out.Answer != "" {
		http.Redirect(w, r, out.Answer, http.StatusFound)
		return nil
	}
	return web.Redirect(w, r, "/login?signed_out=idp")
}
