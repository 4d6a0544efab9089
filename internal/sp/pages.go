// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// signInPages is password and SSO sign-in, sign-out and invitations.
type signInPages struct{ *base }

func (h *signInPages) mount(mux *http.ServeMux) {
	mux.Handle("GET /login", h.handle(h.loginForm))
	mux.Handle("POST /login", h.handle(h.login))
	mux.Handle("POST /login/sso", h.handle(h.loginSSO))
	mux.Handle("POST /logout", h.handle(h.logout))
	mux.Handle("POST /logout/all", h.handle(h.logoutEverywhere))
	mux.Handle("GET /invite/{token}", h.handle(h.inviteForm))
	mux.Handle("POST /invite/{token}", h.handle(h.inviteAccept))
}

// orgPages is the org's home (members, invitations), settings and audit log.
type orgPages struct{ *base }

func (h *orgPages) mount(mux *http.ServeMux) {
	mux.Handle("GET /orgs/{org}", h.member(h.home))
	mux.Handle("POST /orgs/{org}/invites", h.admin(h.invite))
	mux.Handle("POST /orgs/{org}/invites/{id}/revoke", h.admin(h.revokeInvite))
	mux.Handle("POST /orgs/{org}/members/{id}/role", h.admin(h.setRole))
	mux.Handle("POST /orgs/{org}/members/{id}/delete", h.admin(h.removeMember))
	mux.Handle("GET /orgs/{org}/settings", h.member(h.settings))
	mux.Handle("GET /orgs/{org}/settings/audit", h.admin(h.audit))
}

type loginPage struct {
	page
	Email, SSOEmail, OrgSlug string
	Next                     string
	OrgChoices               []store.Org // orgs whose member has this email and password
}

func (h *signInPages) loginForm(w http.ResponseWriter, r *http.Request) error {
	p := loginPage{page: page{Title: "Sign in", Narrow: true}, OrgSlug: r.URL.Query().Get("org")}
	switch r.URL.Query().Get("signed_out") {
	case "":
	case "all":
		p.Flash = "You are signed out of Signet Workspace in every browser."
	case "sso":
		p.Flash = "You are signed out of Signet Workspace."
		p.Warnings = []string{"You signed in with single sign-on: your session at your identity provider may still be open, and it may sign you in again without asking. Sign out there too on a shared computer."}
	case "idp":
		p.Flash = "You are signed out of Signet Workspace and of your identity provider."
	case "idp_refused":
		p.Flash = "You are signed out of Signet Workspace."
		p.Warnings = []string{"Your identity provider could not end its own session: sign out there too on a shared computer."}
	default:
		p.Flash = "You are signed out."
	}
	h.view.login(w, r, http.StatusOK, p)
	return nil
}

func (h *signInPages) login(w http.ResponseWriter, r *http.Request) error {
	email, slug := strings.TrimSpace(r.PostFormValue("email")), strings.TrimSpace(r.PostFormValue("org"))
	p := loginPage{page: page{Title: "Sign in", Narrow: true}, Email: email, OrgSlug: slug}
	if ok, err := h.SignIns.Allow(r, normEmail(email)); err != nil {
		return err
	} else if !ok {
		p.Error = "Too many sign-in attempts. Wait a few minutes and try again."
		web.RetryLater(w)
		h.view.login(w, r, http.StatusTooManyRequests, p)
		return nil
	}
	m, o, err := h.Svc.Accounts().Authenticate(r.Context(), email, r.PostFormValue("password"), slug)
	var choose *ChooseOrgError
	switch {
	case errors.As(err, &choose):
		p.OrgChoices = choose.Orgs
		p.Warnings = []string{"Your email belongs to several organizations. Choose one and enter your password again."}
		h.view.login(w, r, http.StatusOK, p)
		return nil
	case errors.Is(err, ErrBadCredentials):
		p.Error = "The email or password is incorrect. If your organization uses single sign-on, use “Sign in with SSO” below."
		h.view.login(w, r, http.StatusUnauthorized, p)
		return nil
	case err != nil:
		return err
	}
	if _, err := h.Sessions.Start(w, r, store.Session{UserID: m.ID, OrgID: o.ID, Method: "password"}); err != nil {
		return err
	}
	h.SignIns.Remember(w, m.Email)
	if h.Svc.Accounts().BreakGlass(r.Context(), o, m) {
		h.Svc.Audit(r.Context(), o, m.Email, "signin.break_glass", "an admin signed in with a password although the org requires SSO")
	} else {
		h.Svc.Audit(r.Context(), o, m.Email, "signin", "signed in with a password")
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug)
}

// chosenOrgCookie remembers the org this browser last chose for SSO, so
// "Sign in with SSO" can go there again from an email alone.
const chosenOrgCookie = "signet_org"

// loginSSO finds where to send a person who chose "Sign in with SSO" (see
// ssoOrg). An email is routed only by a verified domain, never by
// membership, which an org's admin or IdP could have made up
// (SECURITY-CASES 89): every email at an unverified domain gets the same
// answer.
func (h *signInPages) loginSSO(w http.ResponseWriter, r *http.Request) error {
	email, slug := normEmail(r.PostFormValue("email")), strings.TrimSpace(r.PostFormValue("org"))
	p := loginPage{page: page{Title: "Sign in", Narrow: true}, SSOEmail: email, OrgSlug: slug}
	if !h.Logins.Allow("ip:" + web.ClientIP(r)) {
		p.Error = "Too many sign-in attempts. Wait a minute and try again."
		h.view.login(w, r, http.StatusTooManyRequests, p)
		return nil
	}
	o, ok, err := h.ssoOrg(r, email, slug)
	if err != nil {
		return err
	}
	if ok {
		h.rememberOrg(w, o)
		next := "/saml/" + o.Slug + "/login"
		// The connection the email's verified domain routes to, or the
		// only one; with several and no route the picker asks.
		connID, err := ConnectionForEmail(r.Context(), h.Svc.Store, o, email)
		if err != nil {
			return err
		}
		if connID != "" {
			next += "?connection=" + url.QueryEscape(connID)
		}
		h.view.continuePage(w, r, continuePage{page: page{Title: "Sign in with SSO", Narrow: true, Refresh: next},
			OrgName: o.Name, Next: next})
		return nil
	}
	if r.PostFormValue("org") != "" {
		p.Error = "No organization with single sign-on has that ID. Check it with your administrator, or sign in with your password."
	} else if email != "" {
		p.Error = "No organization has verified the domain of that email for single sign-on. Enter your organization's ID (your administrator can tell you what it is), or sign in with your password."
	} else {
		p.Error = "Enter your work email or your organization's ID to sign in with SSO, or sign in with your password."
	}
	h.view.login(w, r, http.StatusOK, p)
	return nil
}

// ssoOrg picks the org whose IdP signs this person in, with SSO set up:
// the org the person named, else the one holding the email's domain
// verified, else the one this browser chose before. Nothing else routes
// an email (DESIGN §4 rule 10): not memberships, which an org's admin or
// IdP could have made up.
func (h *signInPages) ssoOrg(r *http.Request, email, slug string) (store.Org, bool, error) {
	ctx := r.Context()
	var candidates []func() (store.Org, error)
	if slug != "" {
		candidates = append(candidates, func() (store.Org, error) { return h.Svc.Store.GetOrgBySlug(ctx, slug) })
	} else {
		if email != "" {
			candidates = append(candidates, func() (store.Org, error) { return h.Svc.Domains().OrgForEmail(ctx, email) })
		}
		if c, err := r.Cookie(chosenOrgCookie); err == nil && c.Value != "" && len(c.Value) <= 100 {
			candidates = append(candidates, func() (store.Org, error) { return h.Svc.Store.GetOrgBySlug(ctx, c.Value) })
		}
	}
	for _, find := range candidates {
		o, err := find()
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return store.Org{}, false, err
		}
		sso, err := h.Svc.HasConnection(ctx, o)
		if err != nil || sso {
			return o, sso, err
		}
	}
	return store.Org{}, false, nil
}

// continuePage moves the browser on to the org's SP-initiated sign-in.
type continuePage struct {
	page
	OrgName, Next string
}

// rememberOrg remembers o as this browser's SSO org (a year).
func (h *base) rememberOrg(w http.ResponseWriter, o store.Org) {
	http.SetCookie(w, &http.Cookie{Name: chosenOrgCookie, Value: o.Slug, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: h.Sessions.Secure, SameSite: http.SameSiteLaxMode})
}

func (h *signInPages) logout(w http.ResponseWriter, r *http.Request) error {
	sess, signedIn := h.Sessions.Load(r)
	if err := h.Sessions.End(w, r); err != nil {
		h.Log.WarnContext(r.Context(), "sign-out: the session could not be deleted; it expires on its own", "err", err)
	}
	if !signedIn || sess.Method != "sso" {
		return web.Redirect(w, r, "/login?signed_out=1")
	}
	// Single logout: the IdP's session ends too, when it publishes an
	// SLO endpoint. The page moves on by itself (a form may not redirect
	// to another origin under the CSP's form-action 'self').
	out, idp, ok, err := h.Svc.LogoutMessage(r.Context(), sess)
	if err != nil {
		h.Log.WarnContext(r.Context(), "sign-out: no LogoutRequest for the IdP", "err", err)
	}
	if !ok {
		return web.Redirect(w, r, "/login?signed_out=sso")
	}
	if out.RedirectURL == "" { // HTTP-POST: the form goes there by itself
		return web.WriteAutoPost(w, logoutPost(out, idp))
	}
	h.view.signingOut(w, r, signingOutPage{page: page{Title: "Signing out", Narrow: true, Refresh: out.RedirectURL}, Next: out.RedirectURL})
	return nil
}

// signingOutPage moves the browser on to the IdP's single logout.
type signingOutPage struct {
	page
	Next string
}

// logoutEverywhere ends every session of the signed-in member, in every
// browser (a lost laptop, a shared computer).
func (h *signInPages) logoutEverywhere(w http.ResponseWriter, r *http.Request) error {
	sess, ok := h.Sessions.Load(r)
	if !ok {
		return web.Redirect(w, r, "/login")
	}
	if err := h.Sessions.EndEverywhere(w, r, sess.UserID); err != nil {
		return err
	}
	if o, m, err := h.Svc.sessionHolder(r.Context(), sess); err == nil {
		h.Svc.Audit(r.Context(), o, m.Email, "signout.everywhere", "signed out of every browser")
	}
	return web.Redirect(w, r, "/login?signed_out=all")
}

type homePage struct {
	page
	Session    store.Session
	IsAdmin    bool
	Members    []store.Member
	Invites    []store.Invite
	Roles      []string
	InviteLink string
	// HasSSO: invitations are accepted by signing in with SSO.
	HasSSO bool
}

func orgPage(title, nav string, o store.Org, m store.Member) page {
	return page{Title: title, Nav: nav, Org: &o, Member: &m}
}

func (h *orgPages) homeData(r *http.Request, o store.Org, m store.Member, s store.Session) (homePage, error) {
	p := homePage{page: orgPage(o.Name, "home", o, m), Session: s, IsAdmin: m.Role == "admin", Roles: Roles()}
	if p.IsAdmin {
		var err error
		if p.HasSSO, err = h.Svc.HasConnection(r.Context(), o); err != nil {
			return p, err
		}
		if p.Members, _, err = h.Svc.Store.ListMembers(r.Context(), o.ID, store.ListOptions{Limit: 500}); err != nil {
			return p, err
		}
		if p.Invites, err = h.Svc.Store.ListInvites(r.Context(), o.ID, h.Svc.now()); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (h *orgPages) home(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, s store.Session) error {
	p, err := h.homeData(r, o, m, s)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "role":
		p.Flash = "Role changed."
	case "removed":
		p.Flash = "Member removed. Their sessions have ended."
	case "revoked":
		p.Flash = "Invitation revoked: its link no longer works."
	}
	h.view.home(w, r, http.StatusOK, p)
	return nil
}

func (h *orgPages) invite(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, s store.Session) error {
	tok, err := h.Svc.Accounts().NewInvite(r.Context(), m, o, r.PostFormValue("email"), r.PostFormValue("role"))
	if err == nil && r.PostFormValue("back") == "sso" { // the attempts log's one-click fix
		return web.Redirect(w, r, "/orgs/"+o.Slug+"/settings/sso?done=invited#attempts")
	}
	p, derr := h.homeData(r, o, m, s)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	if err != nil {
		p.Error, status = "The invite was not created: "+inviteProblem(err), http.StatusUnprocessableEntity
	} else {
		p.Flash, p.InviteLink = "Invite created.", h.Svc.BaseURL+"/invite/"+tok
		if h.Svc.Accounts().EmailsInvites() {
			p.Flash, p.InviteLink = "Invitation emailed to "+normEmail(r.PostFormValue("email"))+". The link in it works once, for 7 days.", ""
		}
		if p.Invites, err = h.Svc.Store.ListInvites(r.Context(), o.ID, h.Svc.now()); err != nil {
			return err
		}
	}
	h.view.home(w, r, status, p)
	return nil
}

// inviteProblem words a refused invite; only the service's own refusals
// are shown, never a store's error text.
func inviteProblem(err error) string {
	var in *web.PublicError
	if errors.As(err, &in) {
		return in.Message
	}
	return "Signet could not save it. Try again."
}

func (h *orgPages) revokeInvite(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	if err := h.Svc.Accounts().RevokeInvite(r.Context(), m, o, r.PathValue("id")); err != nil {
		return err
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug+"?done=revoked")
}

func (h *orgPages) setRole(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, s store.Session) error {
	err := h.Svc.Accounts().SetRole(r.Context(), m, o, r.PathValue("id"), r.PostFormValue("role"))
	return h.memberChanged(w, r, o, m, s, err, "The role was not changed", "role")
}

func (h *orgPages) removeMember(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, s store.Session) error {
	err := h.Svc.Accounts().RemoveMember(r.Context(), m, o, r.PathValue("id"))
	return h.memberChanged(w, r, o, m, s, err, "The member was not removed", "removed")
}

// memberChanged answers a change to a member: back to the org home, or
// the home with why it was refused.
func (h *orgPages) memberChanged(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, s store.Session, err error, refused, done string) error {
	if errors.Is(err, ErrLastAdmin) {
		p, derr := h.homeData(r, o, m, s)
		if derr != nil {
			return derr
		}
		p.Error = refused + ": " + err.Error() + "."
		h.view.home(w, r, http.StatusConflict, p)
		return nil
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug+"?done="+done)
}

func (h *orgPages) settings(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	h.view.settings(w, r, orgPage("Organization settings", "settings", o, m))
	return nil
}

type auditPage struct {
	page
	Query  string
	Events []store.AuditEvent
	Pager  web.Pager
}

// audit shows the org's audit log to its admins, a page at a time.
func (h *orgPages) audit(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	opt, n := web.ListOptions(r)
	events, total, err := h.Svc.Store.ListAudit(r.Context(), store.RealmWorkspace, o.ID, opt)
	if err != nil {
		return err
	}
	h.view.audit(w, r, auditPage{page: orgPage("Audit log", "settings", o, m),
		Query: opt.Query, Events: events, Pager: web.NewPager(opt.Query, n, total)})
	return nil
}

type invitePage struct {
	page
	OrgName, OrgSlug, Email, Role string
	// SSO: the org signs people in with SSO, so the invitation is
	// accepted by signing in there, with no password to choose.
	SSO bool
}

func (h *signInPages) inviteForm(w http.ResponseWriter, r *http.Request) error {
	inv, err := h.Svc.Store.GetInvite(r.Context(), web.HashToken(r.PathValue("token")), h.Svc.now())
	if err != nil {
		return err
	}
	o, err := h.Svc.Store.GetOrg(r.Context(), inv.OrgID)
	if err != nil {
		return err
	}
	sso, err := h.Svc.HasConnection(r.Context(), o)
	if err != nil {
		return err
	}
	h.view.invite(w, r, http.StatusOK, invitePage{page: page{Title: "Join " + o.Name, Narrow: true},
		OrgName: o.Name, OrgSlug: o.Slug, Email: inv.Email, Role: inv.Role, SSO: sso})
	return nil
}

func (h *signInPages) inviteAccept(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	inv, err := h.Svc.Store.GetInvite(r.Context(), web.HashToken(tok), h.Svc.now())
	if err != nil {
		return err
	}
	m, o, err := h.Svc.Accounts().AcceptInvite(r.Context(), tok, r.PostFormValue("password"))
	var in *web.PublicError
	if errors.As(err, &in) {
		org, gerr := h.Svc.Store.GetOrg(r.Context(), inv.OrgID)
		if gerr != nil {
			return gerr
		}
		p := invitePage{page: page{Title: "Join", Narrow: true, Error: in.Message}, OrgName: org.Name, OrgSlug: org.Slug, Email: inv.Email, Role: inv.Role}
		p.SSO = errors.Is(err, errInviteBySSO)
		h.view.invite(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := h.Sessions.Start(w, r, store.Session{UserID: m.ID, OrgID: o.ID, Method: "password"}); err != nil {
		return err
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug)
}
