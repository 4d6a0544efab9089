// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// orgRequests are the AuthnRequest IDs one org issued (saml.RequestIDs),
// answerable only in the browser that started them (SECURITY-CASES 63):
// started are the IDs that browser's cookie holds. The request it consumes
// is kept in consumed, so the ACS knows a Test sign-in's answer.
type orgRequests struct {
	st       store.SAMLState
	org      string
	conn     string // the connection answering: only its requests count
	now      func() time.Time
	started  []string
	consumed *store.AuthnRequest
}

func (r orgRequests) ConsumeRequestID(ctx context.Context, id string) (bool, error) {
	if !slices.Contains(r.started, id) {
		return false, nil // another browser's request stays answerable there
	}
	req, ok, err := r.st.ConsumeAuthnRequest(ctx, r.org, id, r.now())
	if ok && req.ConnectionID != "" && req.ConnectionID != r.conn {
		return false, nil // sent to another of the org's IdPs: that one must answer
	}
	if ok && r.consumed != nil {
		*r.consumed = req
	}
	return ok, err
}

// verifier builds the org's verifier from its connection only.
func (s *Service) verifier(ctx context.Context, o store.Org, conn *Connection, requests orgRequests, replay saml.ReplayCache) (*saml.Verifier, error) {
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
	requests.st, requests.org, requests.conn, requests.now = s.Store, o.ID, conn.ID, s.now
	return &saml.Verifier{DecryptionKeys: keys,
		IdPEntityID: conn.IdPEntityID, IdPCertificates: certs, SPEntityID: s.EntityID(o), ACSURL: s.ACSURL(o),
		AllowIdPInitiated: conn.AllowIdPInitiated, AllowLegacyCrypto: conn.AllowLegacyCrypto,
		Now: s.Now, RequestIDs: requests, Replay: replay, Limits: s.Limits,
	}, nil
}

// How a person became (or would become) the member an SSO sign-in opens.
const (
	JoinedAsMember = ""       // already a member
	JoinedByInvite = "invite" // accepted a pending invitation
	JoinedByJIT    = "jit"    // created just in time
)

// SignIn is what the ACS made of a response that verified and resolved to
// a member. For a Test sign-in (Test true) nothing was written: Member is
// who would sign in, Joined how they would join.
// HostAppTarget is where an org's IdP-initiated sign-ins go: a host app
// and one of its redirect URIs.
type HostAppTarget struct{ ClientID, RedirectURI string }

type SignIn struct {
	Member    store.Member
	Email     string
	IdP       string // the IdP's entity ID
	Provider  string // the connection's provider (okta, entra, …)
	Joined    string // JoinedAsMember, JoinedByInvite or JoinedByJIT
	Test      bool
	Assertion *saml.Assertion
	// RoleNote says what the org's roles-from-groups mapping did, for the
	// attempts log ("" without a mapping).
	RoleNote string
}

// Result is the outcome of one response at the ACS: the sign-in (nil when
// refused) and the attempt for the org's admins. The attempt of a sign-in
// that opens a session is not recorded yet (Recorded false): RecordSignIn
// writes it with the session and the audit entry.
type Result struct {
	SignIn *SignIn
	Test   bool // the response answered an admin's Test sign-in
	// OAuthRequest is the host app's OpenID Connect request the response
	// answered ("" for a Workspace sign-in): no member is needed, and the
	// browser goes back to the host app.
	OAuthRequest string
	// HostApp is set for an IdP-initiated sign-in to an org whose
	// connection sends those to a host app: no member is needed either.
	HostApp  *HostAppTarget
	Attempt  store.SignInAttempt
	Summary  *saml.Summary // what the response said, verified or not
	Recorded bool
	// Org is the org as the sign-in saw it (its setup's).
	Org store.Org
	// assertion is the verified assertion's ID, not in the replay cache
	// yet: the sign-in's record writes it (RecordSignIn).
	assertion *store.AssertionUse
	// setupCurrent: the sign-in's lookup found the setup's version still
	// stored.
	setupCurrent bool
}

// replayCheck is the ACS's replay cache for one response. Verify hands it
// the assertion's ID as its last step; check, the very next thing consume
// does, reads whether the ID was used before (with the member lookup in
// the same statement). The ID is written by the sign-in's own final write
// (RecordSignIn), or at once for an outcome that opens no session
// (recordAssertion). That write, not the read, is what lets exactly one of
// concurrent uses through: a sign-in's record fails whole if its ID is
// there already. So a sign-in costs one write, and a response used before
// is refused before it changes anything.
type replayCheck struct {
	st  store.SAMLState
	use *store.AssertionUse // the ID to check and record, once Verify has handed it over
}

// RecordAssertion implements saml.ReplayCache: it keeps the ID for check
// and the write, and lets Verify finish; check refuses a replay.
func (c *replayCheck) RecordAssertion(_ context.Context, id string, expiresAt time.Time) (bool, error) {
	c.use = &store.AssertionUse{ID: id, ExpiresAt: expiresAt}
	return true, nil
}

// check refuses the assertion Verify just accepted if its ID was used
// before, as Verify's own replay check would have, and looks up the org's
// member with the email in the same statement (email "": none).
func (c *replayCheck) check(ctx context.Context, orgID, email string) (store.SignInLookup, error) {
	if c.use == nil {
		return store.SignInLookup{}, saml.NewError(saml.CodeInternal, errors.New("the verifier accepted an assertion without handing over its ID"))
	}
	l, err := c.st.LookUpSignIn(ctx, c.use.ID, orgID, email)
	if err != nil {
		return store.SignInLookup{SetupVersion: -1}, saml.NewError(saml.CodeInternal, fmt.Errorf("check assertion ID: %w", err))
	}
	if l.Seen {
		return l, replayed(c.use.ID)
	}
	return l, nil
}

// errSetupChanged ends a sign-in decided on a remembered setup that the
// database has not confirmed (Result.setupCurrent); ConsumeResponse
// decides it again.
var errSetupChanged = errors.New("the org's sign-in setup changed since it was remembered")

// replayed is the refusal of an assertion used before.
func replayed(id string) *saml.Error {
	return saml.NewError(saml.CodeReplayed, fmt.Errorf("assertion %q was seen before", id))
}

// noConnection is the refusal of an org without an SSO connection; a
// value of its own for each request, worded with the org's name.
func noConnection(o store.Org) *saml.Error {
	e := signin.NewError(signin.CodeNoConnection, fmt.Errorf("org %s has no SSO connection", o.Slug))
	e.Message = "Single sign-on is not set up for " + o.Name + "."
	return e
}

// ConsumeResponse is the ACS: it verifies the SAMLResponse form value with
// the org's connection, resolves the email, and finds the member (accepting
// their pending invitation, or provisioning them just in time). started are
// the request IDs this browser started (StartSSO); a response to any other
// request is refused. A response to a Test sign-in signs nobody in and
// changes no member. Every outcome goes to the org's sign-in attempts log.
// source is the client's address, for the rate limit on recording
// unverified attempts. The org with the slug comes with its connections and
// role mapping (its sign-in setup), remembered from an earlier sign-in when
// there is one: that counts only if the database confirms it current (see
// setupCache), and the sign-in is decided again on a fresh read if not.
// Result.Org is the org the outcome was decided for; it is empty when the
// setup could not be read (an unknown org: store.ErrNotFound).
func (s *Service) ConsumeResponse(ctx context.Context, slug string, samlResponse []byte, started []string, source string) (Result, error) {
	var consumed store.AuthnRequest
	requests := orgRequests{started: started, consumed: &consumed}
	// A response to a request this browser started consumes the request as
	// it is verified, which a second decision could not repeat: those
	// sign-ins read the setup afresh.
	setup, remembered, err := s.signInSetup(ctx, slug, len(started) == 0)
	if err != nil {
		return Result{}, err
	}
	res, err := s.consume(ctx, setup, remembered, samlResponse, requests)
	if remembered && !res.setupCurrent {
		// Nothing was written: decide on the setup as stored now.
		s.setups.drop(slug)
		if setup, _, err = s.signInSetup(ctx, slug, false); err != nil {
			return Result{}, err
		}
		res, err = s.consume(ctx, setup, false, samlResponse, requests)
	}
	o := setup.Org
	res.Org = o
	res.Test = consumed.Purpose == store.PurposeTest
	res.OAuthRequest = consumed.OAuthRequestID()
	if res.SignIn != nil {
		res.SignIn.Test = res.Test
	}
	opensSession := err == nil && !res.Test && res.OAuthRequest == "" && res.HostApp == nil
	if res.assertion != nil && !opensSession {
		err = s.recordAssertion(ctx, &res, err)
	}
	a := &res.Attempt
	a.OrgID, a.At, a.Test = o.ID, s.now(), res.Test
	// A message no trusted IdP signed, or a replay: anyone holding one can
	// post it, so it stays in the attempts log (no event, no audit entry).
	a.Unverified = err != nil && (res.Summary == nil || !res.Summary.Verified || saml.CodeOf(err) == saml.CodeReplayed)
	if res.Summary != nil {
		capSummary(res.Summary)
		b, _ := json.Marshal(res.Summary)
		a.Assertion = string(b)
	}
	if err == nil {
		a.OK, a.Message = true, signedInMessage(res.SignIn)
	} else {
		refuse(a, err)
	}
	if res.OAuthRequest != "" {
		a.Message = hostAppNote(ctx, s.Store, s.now(), res.OAuthRequest, err == nil) + a.Message
	}
	if res.HostApp != nil {
		a.Message = "For host app " + res.HostApp.ClientID + " (IdP-initiated): " + a.Message
	}
	a.Email = clip(a.Email)
	if opensSession {
		return res, nil // RecordSignIn writes it with the session and counts it
	}
	countSignIn(s.Metrics, a.Flow, err)
	record, dropped := true, 0
	if a.Unverified {
		record, dropped = s.attempts.admit(o.ID, source)
		a.Message += droppedNote(dropped)
	}
	if !record {
		return res, err
	}
	res.Recorded = true
	if lerr := s.Store.AppendSignInAttempt(ctx, *a); lerr != nil && s.Log != nil {
		s.Log.ErrorContext(ctx, "record sign-in attempt", "org", o.Slug, "err", lerr)
	}
	if err != nil && !a.Unverified && !res.Test {
		// A refusal of a genuine response from the org's IdP is the
		// admin's business: audit it. Unverified noise stays in the log.
		s.Audit(ctx, o, a.Email, "signin.failed", "SSO sign-in refused: "+a.Code+" (see Sign-in attempts)")
	}
	return res, err
}

// refuse makes the attempt a refusal with err.
func refuse(a *store.SignInAttempt, err error) {
	e := saml.AsError(err)
	a.OK, a.Code, a.Message, a.Hint = false, string(e.Code), e.Message, e.Hint
	if e.Err != nil {
		a.Message += " (" + truncate(e.Err.Error(), 300) + ")"
	}
}

// recordAssertion writes the verified assertion's ID to the replay cache
// now, for an outcome that opens no session (a refusal, a Test sign-in, a
// host app's sign-in), and returns the outcome: err, or the refusal of a
// replay if another use recorded the ID first.
func (s *Service) recordAssertion(ctx context.Context, res *Result, err error) error {
	use := *res.assertion
	res.assertion = nil
	ok, rerr := s.Store.RecordAssertion(ctx, use.ID, use.ExpiresAt)
	switch {
	case rerr != nil:
		res.SignIn = nil
		return saml.NewError(saml.CodeInternal, fmt.Errorf("record assertion ID: %w", rerr))
	case !ok:
		res.SignIn = nil
		return replayed(use.ID)
	}
	return err
}

// RecordSignIn writes a sign-in's session with its assertion's ID, its
// attempt (if not recorded yet) and its audit entry (if any), in one
// transaction: the log never says someone signed in whose session was not
// made, and no session exists that the log does not show. If another use
// of the assertion was recorded first, nobody is signed in: the attempt is
// recorded as replayed and the refusal (a *saml.Error) returned.
func (s *Service) RecordSignIn(ctx context.Context, o store.Org, res *Result, sess store.Session, auditAction, auditDetail string) error {
	rec := store.SignInRecord{Session: &sess, Assertion: res.assertion}
	if !res.Recorded {
		rec.Attempt = &res.Attempt
	}
	if auditAction != "" {
		rec.Audit = []store.AuditEvent{auditEvent(s.now(), o, res.Attempt.Email, auditAction, auditDetail)}
	}
	err := s.Store.RecordSignIn(ctx, rec)
	if errors.Is(err, store.ErrReplayed) && res.assertion != nil {
		return s.refuseReplay(ctx, o, res)
	}
	if err != nil {
		return err
	}
	if rec.Attempt != nil {
		countSignIn(s.Metrics, res.Attempt.Flow, nil)
	}
	res.Recorded, res.assertion = true, nil
	return nil
}

// refuseReplay records the attempt of a sign-in that lost the race for its
// assertion to another use, as a replay refused before verification ends
// is recorded (anyone holding the response can post it: no event, no audit
// entry), and returns the refusal.
func (s *Service) refuseReplay(ctx context.Context, o store.Org, res *Result) error {
	err := replayed(res.assertion.ID)
	res.SignIn, res.assertion = nil, nil
	refuse(&res.Attempt, err)
	res.Attempt.Unverified = true
	countSignIn(s.Metrics, res.Attempt.Flow, err)
	if !res.Recorded {
		res.Recorded = true
		if lerr := s.Store.AppendSignInAttempt(ctx, res.Attempt); lerr != nil && s.Log != nil {
			s.Log.ErrorContext(ctx, "record sign-in attempt", "org", o.Slug, "err", lerr)
		}
	}
	return err
}

func countSignIn(m interface{ CountSignIn(flow, result string) }, flow string, err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = string(saml.AsError(err).Code)
	}
	if flow == "" {
		flow = "unknown" // refused before the flow was known
	}
	m.CountSignIn(flow, result)
}

// hostAppNote names the host app a sign-in was for, in the attempts log.
func hostAppNote(ctx context.Context, st store.OAuth, now time.Time, oauthRequest string, ok bool) string {
	name := "a host app"
	if q, err := st.GetOAuthRequest(ctx, oauthRequest, now); err == nil {
		if c, err := st.GetOAuthClient(ctx, q.ClientID); err == nil {
			name = "host app “" + c.Name + "”"
		}
	}
	if ok {
		return "For " + name + ": "
	}
	return "For " + name + " (sent back to it with this error): "
}

func signedInMessage(in *SignIn) string {
	if in.Member.ID == "" && in.Joined == "" {
		return fmt.Sprintf("Signed in as %s.", in.Email) // for a host app: no Workspace member
	}
	msg := fmt.Sprintf("Signed in as %s (%s).", in.Email, in.Member.Role)
	if in.Test {
		msg = fmt.Sprintf("Test sign-in: would sign in %s as %s.", in.Email, in.Member.Role)
	}
	if in.RoleNote != "" {
		msg += " " + in.RoleNote
	}
	if in.Assertion.LegacyCrypto {
		msg += " Legacy crypto (SHA-1 or a 1024-bit key) was accepted: ask the IdP to move to RSA-SHA256."
	}
	switch {
	case in.Joined == JoinedByInvite && in.Test:
		msg += " Their pending invitation would be accepted."
	case in.Joined == JoinedByInvite:
		msg += " This accepted their invitation."
	case in.Joined == JoinedByJIT && in.Test:
		msg += " The member would be created just in time."
	case in.Joined == JoinedByJIT:
		msg += " The member was created just in time."
	}
	return msg
}

// consume decides a sign-in. With a remembered setup it stops, having
// written nothing, unless the lookup right after Verify confirms the setup
// current (res.setupCurrent): ConsumeResponse then decides again.
func (s *Service) consume(ctx context.Context, setup store.SignInSetup, remembered bool, samlResponse []byte, requests orgRequests) (Result, error) {
	o := setup.Org
	var res Result
	if !SSOAvailable(o.Plan) {
		return res, ErrNotOnPlan
	}
	conns, err := s.connectionsOf(o, setup.Connections)
	if err != nil {
		return res, err
	}
	conn, err := pickConnection(o, conns, s.issuerOf(samlResponse))
	if err != nil {
		return res, err
	}
	res.Attempt.ConnectionID = conn.ID
	replay := &replayCheck{st: s.Store}
	v, err := s.verifier(ctx, o, conn, requests, replay)
	if err != nil {
		return res, err
	}
	a, err := v.VerifyBase64(ctx, samlResponse)
	var after afterVerify
	if err == nil {
		after, err = checkAfterVerify(ctx, o, conn, requests, a, replay)
		res.setupCurrent = after.lookup.SetupVersion == setup.Version
	}
	if remembered && !res.setupCurrent {
		// The setup changed, or the sign-in ended before the database
		// could confirm it: nothing decided so far counts.
		return res, errSetupChanged
	}
	if err != nil {
		if xml, derr := saml.DecodeBase64(samlResponse, s.Limits.WithDefaults().MaxMessageBytes); derr == nil {
			if sum, ok := saml.Peek(xml, s.Limits); ok {
				res.Summary = &sum
			}
		}
		return res, signin.WithProviderHint(err, conn.Provider)
	}
	res.assertion = replay.use
	res.Attempt.Flow = "idp-initiated"
	if a.InResponseTo != "" {
		res.Attempt.Flow = "sp-initiated"
	}
	res.Attempt.Certificate = a.SigningCertificate
	summary := saml.SummaryOf(a, s.EntityID(o), s.ACSURL(o))
	res.Summary = &summary
	res.Attempt.Email = a.NameID
	id := after.identity
	if after.identityErr != nil {
		return res, after.identityErr
	}
	res.Attempt.Email = id.Email
	if conn.DomainsOnly {
		if err := s.outsideDomains(ctx, o, id.Email, false); err != nil {
			return res, err
		}
	}
	if after.unsolicitedHostApp {
		res.HostApp = &HostAppTarget{ClientID: conn.HostAppClientID, RedirectURI: conn.HostAppRedirectURI}
	}
	in := &SignIn{Email: id.Email, IdP: conn.IdPEntityID, Provider: string(conn.Provider), Assertion: a}
	test := requests.consumed != nil && requests.consumed.Purpose == store.PurposeTest
	if !after.forHostApp { // a host app's people are its own, not Workspace members
		if in.Member, in.Joined, err = s.memberFor(ctx, o, conn, id.Email, test, after.lookup); err != nil {
			return res, err
		}
		if err := s.applyRoleMapping(ctx, o, setup.RoleMapping, in, test); err != nil {
			return res, err
		}
	}
	res.SignIn = in
	return res, markVerified(ctx, s.Store, s.now(), o, conn)
}

// afterVerify is what consume learns right after Verify accepted an
// assertion: who it names, whether it is for a host app, and the replay
// cache's and the member table's answers.
type afterVerify struct {
	identity    signin.Identity
	identityErr error // refused for what it says; reported after the replay check
	// forHostApp: a host app's sign-in, with no Workspace member; an
	// IdP-initiated one when the connection sends those to a host app
	// (unsolicitedHostApp).
	forHostApp, unsolicitedHostApp bool
	lookup                         store.SignInLookup
}

// checkAfterVerify runs the replay check, as the last of Verify's checks
// would have: a response used before is refused as a replay whatever else
// is wrong with it, and before anything is written. The member lookup
// rides along in the same statement.
func checkAfterVerify(ctx context.Context, o store.Org, conn *Connection, requests orgRequests, a *saml.Assertion, replay *replayCheck) (afterVerify, error) {
	var after afterVerify
	after.unsolicitedHostApp = a.InResponseTo == "" && conn.HostAppClientID != ""
	after.forHostApp = after.unsolicitedHostApp || (requests.consumed != nil && requests.consumed.OAuthRequestID() != "")
	after.identity, after.identityErr = signin.ResolveIdentity(a, conn.Provider)
	email := after.identity.Email
	if after.identityErr != nil || after.forHostApp {
		email = "" // no member to look up
	}
	var err error
	after.lookup, err = replay.check(ctx, o.ID, email)
	return after, err
}

// markVerified records that a sign-in (or a Test sign-in) went through the
// connection, which proves it — unless it changed meanwhile.
func markVerified(ctx context.Context, st store.Workspace, now time.Time, o store.Org, conn *Connection) error {
	if !conn.VerifiedAt.IsZero() {
		return nil
	}
	_, err := st.UpdateSSOConnection(ctx, o.ID, conn.ID, func(c *store.SSOConnection) error {
		if c.IdPEntityID == conn.IdPEntityID && c.CertificatesPEM == conn.CertificatesPEM {
			c.VerifiedAt = now
		}
		return nil
	})
	return err
}

// memberFor finds the member with the email in this org only (never in
// another org: SECURITY-CASES 68) — known is the lookup replayCheck.check
// made for this org and email —; failing that, accepts their pending
// invitation to the org, or provisions them when JIT is on. With dryRun
// (a Test sign-in) it changes nothing and says what would happen.
func (s *Service) memberFor(ctx context.Context, o store.Org, conn *Connection, email string, dryRun bool, known store.SignInLookup) (store.Member, string, error) {
	if m := known.Member; known.Found {
		if m.Deactivated {
			e := signin.NewError(signin.CodeUserDeactivated, fmt.Errorf("%s is deactivated in %s by directory sync", email, o.Slug))
			return m, "", e
		}
		return m, JoinedAsMember, nil
	}
	var m store.Member
	if inv, ok, err := pendingInvite(ctx, s.Store, o, email, s.now()); err != nil {
		return m, "", err
	} else if ok && dryRun {
		return store.Member{OrgID: o.ID, Email: inv.Email, Role: inv.Role}, JoinedByInvite, nil
	}
	if !dryRun {
		m, inv, err := s.Store.JoinByInvite(ctx, o.ID, email, s.now())
		switch {
		case err == nil:
			s.Audit(ctx, o, m.Email, "member.join", fmt.Sprintf("accepted the invitation from %s as %s by signing in with SSO", inv.CreatedBy, m.Role))
			return m, JoinedByInvite, nil
		case errors.Is(err, store.ErrConflict): // joined concurrently
			m, err = s.Store.GetMemberByEmail(ctx, o.ID, email)
			return m, JoinedAsMember, err
		case !errors.Is(err, store.ErrNotFound):
			return m, "", err
		}
	}
	if conn.JITRole == "" {
		e := signin.NewError(signin.CodeUserNotMember, fmt.Errorf("%s is not a member of %s and JIT provisioning is off", email, o.Slug))
		e.Hint = "An org admin can invite " + email + " (the Invite button on this attempt in the Single Sign-On Settings, or Invite a member on the org's home page; their next SSO sign-in accepts the invitation), or turn on just-in-time provisioning."
		return m, "", e
	}
	if conn.JITDomainsOnly {
		if err := s.outsideDomains(ctx, o, email, true); err != nil {
			return m, "", err
		}
	}
	if dryRun {
		return store.Member{OrgID: o.ID, Email: email, Role: conn.JITRole}, JoinedByJIT, nil
	}
	m, err := s.Store.CreateMember(ctx, store.Member{OrgID: o.ID, Email: email, Role: conn.JITRole, CreatedAt: s.now()})
	if errors.Is(err, store.ErrConflict) { // provisioned concurrently
		m, err = s.Store.GetMemberByEmail(ctx, o.ID, email)
		return m, JoinedAsMember, err
	}
	if err != nil {
		return m, "", err
	}
	s.Audit(ctx, o, "sso", "member.jit", fmt.Sprintf("created %s as %s on first SSO sign-in", email, conn.JITRole))
	return m, JoinedByJIT, nil
}

// pendingInvite returns the newest unexpired invite of the email to o.
func pendingInvite(ctx context.Context, st store.Workspace, o store.Org, email string, now time.Time) (store.Invite, bool, error) {
	invites, err := st.ListInvites(ctx, o.ID, now)
	if err != nil {
		return store.Invite{}, false, err
	}
	for _, inv := range invites { // newest first
		if strings.EqualFold(inv.Email, email) {
			return inv, true, nil
		}
	}
	return store.Invite{}, false, nil
}

// SSOStart is where to send the browser for SP-initiated sign-in: to
// RedirectURL, or by an HTTP-POST of PostValue to PostURL. RequestID is the
// request's ID, for the browser's cookie.
type SSOStart struct {
	RequestID          string
	RedirectURL        string
	PostURL, PostValue string
}

// StartSSO makes an AuthnRequest for the org's connection connID ("": the
// primary one), remembers its ID (bound to the org and the connection, with
// an expiry) and returns where to send the browser: a
// Redirect-binding URL, or (if the IdP has only HTTP-POST) the POST target
// and the base64 request.
func (s *Service) StartSSO(ctx context.Context, o store.Org, connID, relayState, purpose string) (SSOStart, error) {
	if !SSOAvailable(o.Plan) {
		return SSOStart{}, ErrNotOnPlan
	}
	conn, err := s.LoadConnection(ctx, o, connID)
	if errors.Is(err, store.ErrNotFound) && connID != "" {
		return SSOStart{}, web.BadRequest("This organization has no such SSO connection: start again from the sign-in page.")
	}
	if errors.Is(err, store.ErrNotFound) {
		return SSOStart{}, noConnection(o)
	}
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
	if err := s.Store.SaveAuthnRequest(ctx, store.AuthnRequest{ID: req.ID, OrgID: o.ID, ConnectionID: conn.ID,
		ExpiresAt: s.now().Add(ttl), Purpose: purpose}); err != nil {
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
