// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"errors"
	"net/http"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// samlEndpoints is each org's SP metadata and certificate, its ACS, and
// SP-initiated sign-in (and the login-CSRF confirmation that follows an
// unsolicited response).
type samlEndpoints struct{ *base }

func (h *samlEndpoints) mount(mux *http.ServeMux) {
	mux.Handle("GET /saml/{org}/metadata", h.handle(h.metadata))
	mux.Handle("GET /saml/{org}/certificate", h.handle(h.certificate))
	mux.Handle("POST /saml/{org}/acs", h.handle(h.acs))
	mux.Handle("GET /saml/{org}/login", h.handle(h.startSSO))
	mux.Handle("GET /saml/{org}/slo", h.handle(h.slo))
	mux.Handle("POST /saml/{org}/slo", h.handle(h.slo))
	mux.Handle("POST /login/switch", h.handle(h.switchAccount))
}

func (h *samlEndpoints) metadata(w http.ResponseWriter, r *http.Request) error {
	o, err := h.Svc.Store.GetOrgBySlug(r.Context(), r.PathValue("org"))
	if err != nil {
		return err
	}
	md, err := h.Svc.SPMetadata(r.Context(), o)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="signet-`+o.Slug+`-sp-metadata.xml"`)
	}
	_, err = w.Write(md)
	return err
}

// certificate serves the org's SP certificate (PEM), for IdPs that ask for
// the encryption certificate as a file (Entra ID's token encryption).
func (h *samlEndpoints) certificate(w http.ResponseWriter, r *http.Request) error {
	o, err := h.Svc.Store.GetOrgBySlug(r.Context(), r.PathValue("org"))
	if err != nil {
		return err
	}
	kp, ok, err := h.Svc.OrgKey(r.Context(), o)
	if err != nil {
		return err
	}
	if !ok {
		return store.ErrNotFound
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `attachment; filename="signet-`+o.Slug+`-sp-certificate.pem"`)
	_, err = w.Write([]byte(kp.CertificatePEM()))
	return err
}

// BodyCaps are the Workspace's larger body caps (web.CapBodies): the ACS
// carries a SAML response, the SSO settings form a metadata file.
func BodyCaps() web.BodyCaps {
	caps := web.BodyCaps{
		"POST /saml/{org}/acs":          maxACSBody,
		"POST /saml/{org}/slo":          maxACSBody,
		"POST /orgs/{org}/settings/sso": maxSettingsForm + 16<<10,
	}
	for route, n := range scimBodyCaps() {
		caps[route] = n
	}
	return caps
}

// maxACSBody caps the ACS POST (SECURITY-CASES 29): base64 of the 1 MiB
// XML limit plus the form's other fields.
const maxACSBody = 1<<20*4/3 + 16<<10

// acs is the Assertion Consumer Service of one org.
func (h *samlEndpoints) acs(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("org")
	r.Body = http.MaxBytesReader(w, r.Body, maxACSBody)
	if formErr := acsForm(r); formErr != nil {
		o, err := h.Svc.Store.GetOrgBySlug(r.Context(), slug)
		if err != nil {
			return err
		}
		return h.signInFailed(w, r, o, formErr)
	}
	res, err := h.Svc.ConsumeResponse(r.Context(), slug, []byte(r.PostForm.Get("SAMLResponse")), h.startedRequests(r), web.ClientIP(r))
	o := res.Org
	if o.ID == "" {
		return err // no such org, or its setup could not be read
	}
	if res.OAuthRequest != "" && h.HostApps != nil {
		return h.answerHostApp(w, r, o, res, err)
	}
	if res.HostApp != nil {
		return h.unsolicitedHostApp(w, r, o, res, err)
	}
	if res.Test {
		// The admin's Test sign-in: show the outcome, sign nobody in, and
		// leave the admin's own session as it is.
		return h.renderTestResult(w, r, o, res, err)
	}
	if err != nil {
		return h.signInFailed(w, r, o, err)
	}
	in := res.SignIn
	sess := store.Session{UserID: in.Member.ID, OrgID: o.ID, Method: "sso", Detail: in.IdP,
		NameID: in.Assertion.NameID, NameIDFormat: in.Assertion.NameIDFormat, SessionIndex: in.Assertion.SessionIndex}
	// RelayState is never a redirect target unless it is a same-origin
	// path (SECURITY-CASES 69–71).
	next := "/orgs/" + o.Slug
	if relay := r.PostForm.Get("RelayState"); len(relay) <= saml.MaxRelayState {
		next = web.SafeRedirect(relay, next)
	}
	if cur, ok := h.Sessions.Load(r); ok && res.Attempt.Flow == "idp-initiated" && (cur.OrgID != o.ID || cur.UserID != in.Member.ID) {
		// An unsolicited response may have been posted by another site:
		// never silently replace a different person's session (login
		// CSRF, SECURITY-CASES 90). The browser confirms first.
		return h.confirmSwitch(w, r, o, &res, cur, sess, next)
	}
	return h.startSSOSession(w, r, o, &res, sess, next)
}

// acsForm parses the ACS's POST, which must carry a SAMLResponse.
func acsForm(r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return saml.NewError(saml.CodeTooLarge, err)
		}
		return saml.NewError(saml.CodeMalformed, err)
	}
	if r.PostForm.Get("SAMLResponse") == "" {
		return saml.NewError(saml.CodeMalformed, errors.New("no SAMLResponse in the POST"))
	}
	return nil
}

// answerHostApp sends the browser back to the host app whose OpenID
// Connect request this sign-in answered: to collect its code, or with the
// error. Nobody is signed in to the Workspace.
func (h *samlEndpoints) answerHostApp(w http.ResponseWriter, r *http.Request, o store.Org, res Result, err error) error {
	if err != nil {
		if dest := h.HostApps.Fail(r.Context(), res.OAuthRequest, o, saml.AsError(err)); dest != "" {
			http.Redirect(w, r, dest, http.StatusFound)
			return nil
		}
		return h.signInFailed(w, r, o, err)
	}
	dest, err := h.HostApps.Complete(r.Context(), res.OAuthRequest, o, res.SignIn.Provider, res.SignIn)
	if err != nil {
		return err
	}
	http.Redirect(w, r, dest, http.StatusFound)
	return nil
}

// hostAppContinuePage asks the browser to confirm an IdP-initiated sign-in
// to a host app before the code goes there (login CSRF: another site may
// have posted the response).
type hostAppContinuePage struct {
	page
	ID, App, Email, OrgName string
}

// unsolicitedHostApp answers an IdP-initiated sign-in for an org whose
// connection sends those to a host app: the request is made and bound to
// this browser, which confirms before the code leaves.
func (h *samlEndpoints) unsolicitedHostApp(w http.ResponseWriter, r *http.Request, o store.Org, res Result, err error) error {
	if err != nil {
		return h.signInFailed(w, r, o, err)
	}
	if h.HostApps == nil {
		return web.BadRequest("This organization's sign-ins go to a host app, which this server does not serve (it has no secret key).")
	}
	id, app, err := h.HostApps.StartUnsolicited(r.Context(), o, *res.HostApp, res.SignIn)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: HostAppCookie, Value: id, Path: "/oauth/", MaxAge: 600, HttpOnly: true,
		Secure: h.Sessions.Secure, SameSite: http.SameSiteLaxMode})
	h.view.hostAppContinue(w, r, hostAppContinuePage{page: page{Title: "Continue to " + app, Narrow: true},
		ID: id, App: app, Email: res.SignIn.Email, OrgName: o.Name})
	return nil
}

// startSSOSession signs the browser in after SSO, with a new session ID
// (SECURITY-CASES 73), writing the session with the attempt and the audit
// entry, and sends it on to next.
func (h *samlEndpoints) startSSOSession(w http.ResponseWriter, r *http.Request, o store.Org, res *Result, sess store.Session, next string) error {
	write := func(ctx context.Context, sess store.Session) error {
		return h.Svc.RecordSignIn(ctx, o, res, sess, "signin", "signed in with SSO through "+sess.Detail)
	}
	if _, err := h.Sessions.StartWith(w, r, sess, write); err != nil {
		return h.recordFailed(w, r, o, err)
	}
	h.rememberOrg(w, o)
	return web.Redirect(w, r, next)
}

// recordFailed answers a sign-in whose record was refused: one that lost
// the race for its assertion to another use (a *saml.Error, shown as any
// refusal is). Other errors go to the error page.
func (h *samlEndpoints) recordFailed(w http.ResponseWriter, r *http.Request, o store.Org, err error) error {
	var e *saml.Error
	if errors.As(err, &e) {
		return h.signInFailed(w, r, o, e)
	}
	return err
}

// switchPage asks a signed-in browser whether to become someone else.
type switchPage struct {
	page
	Current, Next      string // emails
	CurrentOrg, NewOrg string // names
	CurrentSlug        string
	Token, Target      string
}

func (h *samlEndpoints) confirmSwitch(w http.ResponseWriter, r *http.Request, o store.Org, res *Result, cur, sess store.Session, next string) error {
	in := res.SignIn
	curOrg, curMember, err := h.Svc.sessionHolder(r.Context(), cur)
	if err != nil {
		return err
	}
	// The pending sign-in is written with its attempt; the audit entry
	// comes when (if) the browser confirms.
	tok, _, err := h.Pending.Issue(r.Context(), sess, func(ctx context.Context, p store.Session) error {
		return h.Svc.RecordSignIn(ctx, o, res, p, "", "")
	})
	if err != nil {
		return h.recordFailed(w, r, o, err)
	}
	h.view.switchAccount(w, r, switchPage{page: page{Title: "Switch account?", Narrow: true},
		Current: curMember.Email, Next: in.Email, CurrentOrg: curOrg.Name, NewOrg: o.Name, CurrentSlug: curOrg.Slug, Token: tok, Target: next})
	return nil
}

// switchAccount is the confirmation of confirmSwitch's page: a same-origin
// POST (cross-origin protection applies) with the pending sign-in's token,
// which only that page was given.
func (h *samlEndpoints) switchAccount(w http.ResponseWriter, r *http.Request) error {
	sess, ok, err := h.Pending.Take(r.Context(), r.PostFormValue("token"))
	if err != nil {
		return err
	}
	if !ok {
		return badRequest("This sign-in has expired or was already used. Start it again from your identity provider.")
	}
	o, m, err := h.Svc.sessionHolder(r.Context(), sess)
	if err != nil {
		return err
	}
	res := &Result{Attempt: store.SignInAttempt{Email: m.Email}, Recorded: true} // the attempt was written with the pending sign-in
	return h.startSSOSession(w, r, o, res, store.Session{UserID: m.ID, OrgID: o.ID, Method: sess.Method, Detail: sess.Detail,
		NameID: sess.NameID, NameIDFormat: sess.NameIDFormat, SessionIndex: sess.SessionIndex},
		web.SafeRedirect(r.PostFormValue("next"), "/orgs/"+o.Slug))
}

// signInFailed shows the person the code and a plain sentence; the org's
// admins see the full diagnosis in the sign-in attempts log.
func (h *samlEndpoints) signInFailed(w http.ResponseWriter, r *http.Request, o store.Org, err error) error {
	e := saml.AsError(err) // a copy: reworded here for this request only
	if e.Code == saml.CodeInternal {
		return e.Err
	}
	status := http.StatusBadRequest
	switch e.Code {
	case signin.CodeUserNotMember, signin.CodeSSONotOnPlan, saml.CodeIdPInitiatedDisabled:
		status = http.StatusForbidden
	case saml.CodeTooLarge:
		status = http.StatusRequestEntityTooLarge
	case signin.CodeRateLimited:
		status = http.StatusTooManyRequests
	}
	h.view.problem(w, r, status, problem{page: page{Title: "Sign-in failed", Narrow: true},
		Heading: "Sign-in to " + o.Name + " failed", Message: e.Message, AdminHint: e.Hint,
		Code: string(e.Code), Admins: true, Back: "/login?org=" + o.Slug})
	return nil
}

// testResultPage shows an admin what a Test sign-in would have done.
type testResultPage struct {
	page
	Result  Result
	Err     *saml.Error
	OrgName string
}

func (h *samlEndpoints) renderTestResult(w http.ResponseWriter, r *http.Request, o store.Org, res Result, err error) error {
	p := testResultPage{page: page{Title: "Test sign-in result", Narrow: true}, Result: res, OrgName: o.Name}
	p.Org = &o
	if err != nil {
		p.Err = saml.AsError(err)
		if p.Err.Code == saml.CodeInternal {
			return p.Err.Err
		}
	}
	h.view.testResult(w, r, p)
	return nil
}

// startSSO is SP-initiated sign-in: remember the request ID for this org
// and send the browser to the IdP.
func (h *samlEndpoints) startSSO(w http.ResponseWriter, r *http.Request) error {
	o, err := h.Svc.Store.GetOrgBySlug(r.Context(), r.PathValue("org"))
	if err != nil {
		return err
	}
	if !h.Starts.Allow(web.ClientIP(r)) || !h.OrgStarts.Allow(o.ID) {
		w.Header().Set("Retry-After", "30")
		e := signin.NewError(signin.CodeRateLimited, errors.New("SP-initiated sign-in budget spent"))
		return h.signInFailed(w, r, o, e)
	}
	purpose := ""
	if id := r.URL.Query().Get("oauth_request"); id != "" {
		// A host app's request (internal/oidc): only for this org's open
		// requests, and only when host apps are served.
		q, err := h.Svc.Store.GetOAuthRequest(r.Context(), id, h.Svc.now())
		if h.HostApps == nil || err != nil || q.OrgID != o.ID || q.Done {
			return web.BadRequest("This sign-in request is unknown or has expired: start again from the app.")
		}
		purpose = store.PurposeOAuth(id)
	}
	connID := r.URL.Query().Get("connection")
	if connID == "" {
		n, err := h.Svc.Store.ListSSOConnections(r.Context(), o.ID)
		if err != nil {
			return err
		}
		if len(n) > 1 && SSOAvailable(o.Plan) {
			return h.picker(w, r, o)
		}
	}
	return h.sendToIdP(w, r, o, connID, web.SafeRedirect(r.URL.Query().Get("next"), ""), purpose)
}

// testSignIn is the settings page's Test sign-in: an SP-initiated request
// marked as a test, so its response shows the outcome and signs nobody in.
func (h *samlEndpoints) testSignIn(w http.ResponseWriter, r *http.Request, o store.Org, _ store.Member, _ store.Session) error {
	return h.sendToIdP(w, r, o, r.URL.Query().Get("connection"), "", store.PurposeTest)
}

// sendToIdP starts an SP-initiated sign-in and sends the browser to the IdP.
func (h *samlEndpoints) sendToIdP(w http.ResponseWriter, r *http.Request, o store.Org, connID, relayState, purpose string) error {
	start, err := h.Svc.StartSSO(r.Context(), o, connID, relayState, purpose)
	if saml.CodeOf(err) != saml.CodeInternal {
		return h.signInFailed(w, r, o, err)
	}
	if err != nil {
		return err
	}
	h.rememberStarted(w, r, start.RequestID)
	if start.RedirectURL != "" {
		http.Redirect(w, r, start.RedirectURL, http.StatusFound)
		return nil
	}
	return web.WriteAutoPost(w, web.AutoPost{Action: start.PostURL, Field: "SAMLRequest", Value: start.PostValue, Target: "your identity provider"})
}
