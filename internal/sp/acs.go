// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// orgRequests are the AuthnRequest IDs one org issued (saml.RequestIDs),
// answerable only in the browser that started them (SECURITY-CASES 63):
// started are the IDs that browser's cookie holds.
type orgRequests struct {
	st      store.SAMLState
	org     string
	now     func() time.Time
	started []string
}

func (r orgRequests) ConsumeRequestID(ctx context.Context, id string) (bool, error) {
	if !slices.Contains(r.started, id) {
		return false, nil // another browser's request stays answerable there
	}
	return r.st.ConsumeAuthnRequest(ctx, r.org, id, r.now())
}

// verifier builds the org's verifier from its connection only.
func (s *Service) verifier(ctx context.Context, o store.Org, conn *Connection, started []string) (*saml.Verifier, error) {
	certs := conn.trusted
	if certs == nil { // a Connection not made by LoadConnection
		var err error
		if certs, err = saml.ParseCertificatesPEM(conn.CertificatesPEM); err != nil {
			return nil, err
		}
	}
	keys, err := s.decrypters(ctx, o)
	if err != nil {
		// Only encrypted assertions need the key: sign-ins without
		// encryption go on (an encrypted one fails as decryption_failed).
		if s.Log != nil {
			s.Log.ErrorContext(ctx, "the org's SP key cannot be used; encrypted assertions will fail", "org", o.Slug, "err", err)
		}
		keys = nil
	}
	return &saml.Verifier{DecryptionKeys: keys,
		IdPEntityID: conn.IdPEntityID, IdPCertificates: certs, SPEntityID: s.EntityID(o), ACSURL: s.ACSURL(o),
		AllowIdPInitiated: conn.AllowIdPInitiated, AllowLegacyCrypto: conn.AllowLegacyCrypto,
		Now: s.Now, RequestIDs: orgRequests{st: s.Store, org: o.ID, now: s.now, started: started}, Replay: s.Store, Limits: s.Limits,
	}, nil
}

// SignIn is a successful SSO sign-in.
type SignIn struct {
	Member      store.Member
	Email       string
	IdP         string
	Provisioned bool // created just in time
	Assertion   *saml.Assertion
}

// ErrNoConnection means the org has no SSO connection.
var ErrNoConnection = saml.NewError(saml.CodeMalformed, errors.New("the org has no SSO connection"))

// ConsumeResponse is the ACS: it verifies the SAMLResponse form value with
// the org's connection, resolves the email, and finds (or provisions) the
// member. started are the request IDs this browser started (StartSSO); a
// response to any other request is refused. Every outcome goes to the
// org's sign-in attempts log.
func (s *Service) ConsumeResponse(ctx context.Context, o store.Org, samlResponse []byte, started []string) (*SignIn, error) {
	in, flow, summary, err := s.consume(ctx, o, samlResponse, started)
	a := store.SignInAttempt{OrgID: o.ID, At: s.now(), OK: err == nil, Flow: flow}
	if summary != nil {
		b, _ := json.Marshal(summary)
		a.Assertion = string(b)
	}
	if s.Metrics != nil {
		result := "ok"
		if err != nil {
			result = string(saml.AsError(err).Code)
		}
		label := flow
		if label == "" {
			label = "unknown" // refused before the flow was known
		}
		s.Metrics.CountSignIn(label, result)
	}
	if err != nil {
		e := saml.AsError(err)
		a.Code, a.Message, a.Hint = string(e.Code), e.Message, e.Hint
		if e.Err != nil {
			a.Message += " (" + truncate(e.Err.Error(), 300) + ")"
		}
		if summary != nil && summary.Verified {
			a.Email = summary.NameID
		}
	} else {
		a.Email = in.Email
		a.Message = fmt.Sprintf("Signed in as %s (%s).", in.Email, in.Member.Role)
		if in.Assertion.LegacyCrypto {
			a.Message += " Legacy crypto (SHA-1 or a 1024-bit key) was accepted: ask the IdP to move to RSA-SHA256."
		}
		if in.Provisioned {
			a.Message += " The member was created just in time."
		}
	}
	if lerr := s.Store.AppendSignInAttempt(ctx, a); lerr != nil && s.Log != nil {
		s.Log.ErrorContext(ctx, "record sign-in attempt", "org", o.Slug, "err", lerr)
	}
	return in, err
}

func (s *Service) consume(ctx context.Context, o store.Org, samlResponse []byte, started []string) (*SignIn, string, *saml.Summary, error) {
	if !SSOAvailable(o.Plan) {
		return nil, "", nil, ErrNotOnPlan
	}
	conn, err := s.LoadConnection(ctx, o)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", nil, ErrNoConnection
	}
	if err != nil {
		return nil, "", nil, err
	}
	v, err := s.verifier(ctx, o, conn, started)
	if err != nil {
		return nil, "", nil, err
	}
	a, err := v.VerifyBase64(ctx, samlResponse)
	if err != nil {
		var summary *saml.Summary
		if xml, derr := saml.DecodeBase64(samlResponse, saml.DefaultLimits.MaxMessageBytes); derr == nil {
			if sum, ok := saml.Peek(xml, s.Limits); ok {
				summary = &sum
			}
		}
		return nil, "", summary, saml.WithProviderHint(err, conn.Provider)
	}
	flow := "idp-initiated"
	if a.InResponseTo != "" {
		flow = "sp-initiated"
	}
	summary := saml.SummaryOf(a, s.EntityID(o), s.ACSURL(o))
	id, err := saml.ResolveIdentity(a, conn.Provider)
	if err != nil {
		return nil, flow, &summary, err
	}
	in := &SignIn{Email: id.Email, IdP: conn.IdPEntityID, Assertion: a}
	in.Member, in.Provisioned, err = s.memberFor(ctx, o, conn, id.Email)
	if err != nil {
		return nil, flow, &summary, err
	}
	if conn.VerifiedAt.IsZero() {
		s.Store.UpdateSSOConnection(ctx, o.ID, func(c *store.SSOConnection) error {
			if c.IdPEntityID == conn.IdPEntityID && c.CertificatesPEM == conn.CertificatesPEM {
				c.VerifiedAt = s.now()
			}
			return nil
		})
	}
	return in, flow, &summary, nil
}

// memberFor finds the member with the email in this org only (never in
// another org: SECURITY-CASES 68), or provisions them when JIT is on.
func (s *Service) memberFor(ctx context.Context, o store.Org, conn *Connection, email string) (store.Member, bool, error) {
	m, err := s.Store.GetMemberByEmail(ctx, o.ID, email)
	if err == nil {
		return m, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return m, false, err
	}
	if conn.JITRole == "" {
		e := saml.NewError(saml.CodeUserNotMember, fmt.Errorf("%s is not a member of %s and JIT provisioning is off", email, o.Slug))
		e.Hint = "An org admin can invite " + email + " (Members), or turn on just-in-time provisioning in the SSO settings."
		return m, false, e
	}
	m, err = s.Store.CreateMember(ctx, store.Member{OrgID: o.ID, Email: email, Role: conn.JITRole, CreatedAt: s.now()})
	if errors.Is(err, store.ErrConflict) { // provisioned concurrently
		m, err = s.Store.GetMemberByEmail(ctx, o.ID, email)
		return m, false, err
	}
	if err != nil {
		return m, false, err
	}
	s.Audit(ctx, o, "sso", "member.jit", fmt.Sprintf("created %s as %s on first SSO sign-in", email, conn.JITRole))
	return m, true, nil
}

// SSOStart is where to send the browser for SP-initiated sign-in: to
// RedirectURL, or by an HTTP-POST of PostValue to PostURL. RequestID is the
// request's ID, for the browser's cookie.
type SSOStart struct {
	RequestID          string
	RedirectURL        string
	PostURL, PostValue string
}

// StartSSO makes an AuthnRequest for the org, remembers its ID (bound to
// the org, with an expiry) and returns where to send the browser: a
// Redirect-binding URL, or (if the IdP has only HTTP-POST) the POST target
// and the base64 request.
func (s *Service) StartSSO(ctx context.Context, o store.Org, relayState string) (SSOStart, error) {
	if !SSOAvailable(o.Plan) {
		return SSOStart{}, ErrNotOnPlan
	}
	conn, err := s.LoadConnection(ctx, o)
	if err != nil {
		return SSOStart{}, err
	}
	redirect, hasRedirect := conn.Metadata.IdP.SSOService(saml.BindingHTTPRedirect)
	post, hasPost := conn.Metadata.IdP.SSOService(saml.BindingHTTPPost)
	dest := redirect.Location
	if !hasRedirect {
		if !hasPost {
			return SSOStart{}, errors.New("the IdP metadata has no HTTP-Redirect or HTTP-POST sign-in URL")
		}
		dest = post.Location
	}
	// Sign when the IdP asks for it (WantAuthnRequestsSigned: Keycloak's
	// realms, for one); others get the plain request they expect.
	var key *saml.KeyPair
	if conn.Metadata.IdP.WantAuthnRequestsSigned {
		kp, ok, err := s.OrgKey(ctx, o)
		if err != nil {
			return SSOStart{}, err
		}
		if ok {
			key = &kp
		}
	}
	p := saml.AuthnRequestParams{Issuer: s.EntityID(o), Destination: dest, ACSURL: s.ACSURL(o), Now: s.now(), Rand: s.rand()}
	if !hasRedirect {
		p.SignWith = key // the POST binding signs the XML; Redirect signs the query
	}
	req, err := saml.NewAuthnRequest(p)
	if err != nil {
		return SSOStart{}, err
	}
	ttl := s.RequestTTL
	if ttl <= 0 {
		ttl = 15 * time.Minute
	}
	if err := s.Store.SaveAuthnRequest(ctx, store.AuthnRequest{ID: req.ID, OrgID: o.ID, ExpiresAt: s.now().Add(ttl)}); err != nil {
		return SSOStart{}, err
	}
	if hasRedirect {
		u, err := saml.RedirectURL(dest, "SAMLRequest", req.XML, relayState, key)
		return SSOStart{RequestID: req.ID, RedirectURL: u}, err
	}
	return SSOStart{RequestID: req.ID, PostURL: dest, PostValue: saml.EncodeBase64(req.XML)}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
