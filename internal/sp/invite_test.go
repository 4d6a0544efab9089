// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/mail"
	"github.com/signet-sso/signet/internal/mail/mailtest"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// invite creates an invitation on the org's home page, as its admin does.
func (w *world) invite(admin *client, o store.Org, email, role string) response {
	w.t.Helper()
	return admin.Do("POST", "/orgs/"+o.Slug+"/invites", url.Values{"email": {email}, "role": {role}})
}

// requestID starts an SP-initiated sign-in at path in c and returns the
// AuthnRequest's ID from the redirect to the IdP.
func (w *world) requestID(c *client, path string) string {
	w.t.Helper()
	r := c.Do("GET", path, nil)
	u, err := url.Parse(r.Location)
	if r.Status != http.StatusFound || err != nil {
		w.t.Fatalf("GET %s = %d %q, want a redirect to the IdP\n%s", path, r.Status, r.Location, excerpt(r.Body))
	}
	msg, err := saml.DecodeRedirect(u.RawQuery, saml.Limits{})
	if err != nil {
		w.t.Fatal(err)
	}
	req, err := saml.ParseAuthnRequest(msg.XML, saml.Limits{})
	if err != nil {
		w.t.Fatal(err)
	}
	return req.ID
}

func TestInvitationAcceptedBySSO(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	admin := w.admin(w.acme)
	if r := w.invite(admin, w.acme, "PAT@corp.example", "manager"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Invite created") ||
		!strings.Contains(r.Body, "joins by signing in with SSO") {
		t.Fatalf("invite = %d\n%s", r.Status, excerpt(r.Body))
	}
	// The invite link of an SSO org goes through SSO: no password to choose,
	// and a password posted to it is refused.
	inv, err := w.st.ListInvites(t.Context(), w.acme.ID, time.Now())
	if err != nil || len(inv) != 1 {
		t.Fatalf("invites = %v %v", inv, err)
	}
	link := regexpFind(t, admin.Do("GET", "/orgs/acme", nil).Body, `/invite/[A-Za-z0-9_-]+`)
	if link != "" {
		t.Fatalf("the invite link must be shown once, when created; the home page shows %s", link)
	}
	// The first SSO sign-in with the invited email (any case) joins, with
	// the invitation's role, and closes the invitation.
	r := w.client().postACS(w.acme, w.response(w.acme, nil), "")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("SSO sign-in of the invited person = %d\n%s", r.Status, excerpt(r.Body))
	}
	m, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "pat@corp.example")
	if err != nil || m.Role != "manager" {
		t.Errorf("member = %+v %v, want the invitation's role", m, err)
	}
	if inv, _ := w.st.ListInvites(t.Context(), w.acme.ID, time.Now()); len(inv) != 0 {
		t.Errorf("the invitation stayed open: %+v", inv)
	}
	if a := w.lastAttempt(w.acme); !a.OK || !strings.Contains(a.Message, "accepted their invitation") {
		t.Errorf("attempt = %+v", a)
	}
	if events, _, _ := w.st.ListAudit(t.Context(), store.RealmWorkspace, w.acme.ID, store.ListOptions{Query: "member.join"}); len(events) != 1 {
		t.Errorf("the join was not audited: %+v", events)
	}
	// An invitation to acme is not membership of beta (SECURITY-CASES 68).
	w.connect(w.beta)
	if r := w.client().postACS(w.beta, w.response(w.beta, nil), ""); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "user_not_member") {
		t.Errorf("beta signed in acme's invitee: %d", r.Status)
	}
}

func TestInvitePageOfAnSSOOrg(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	tok, err := w.svc.Accounts().NewInvite(t.Context(), store.Member{Email: "admin@acme.example"}, w.acme, "kim@corp.example", "member")
	if err != nil {
		t.Fatal(err)
	}
	c := w.client()
	page := c.Do("GET", "/invite/"+tok, nil)
	if !strings.Contains(page.Body, "Sign in with SSO to join") || strings.Contains(page.Body, `type="password"`) {
		t.Errorf("the invite page of an SSO org must offer SSO and no password:\n%s", excerpt(page.Body))
	}
	r := c.Do("POST", "/invite/"+tok, url.Values{"password": {"a-good-long-password"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "single sign-on") {
		t.Errorf("a password for an SSO org's invitation = %d\n%s", r.Status, excerpt(r.Body))
	}
	if _, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "kim@corp.example"); err == nil {
		t.Error("a password made a member of an SSO org")
	}
	// Without SSO the same link asks for a password, as before.
	tok2, _ := w.svc.Accounts().NewInvite(t.Context(), store.Member{Email: "admin@beta.example"}, w.beta, "kim@corp.example", "viewer")
	if r := c.Do("POST", "/invite/"+tok2, url.Values{"password": {"a-good-long-password"}}); r.Status != http.StatusSeeOther {
		t.Errorf("password invite in an org without SSO = %d\n%s", r.Status, excerpt(r.Body))
	}
}

func TestInvitationRevokedAndExpired(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	admin := w.admin(w.acme)
	w.invite(admin, w.acme, "pat@corp.example", "member")
	inv, _ := w.st.ListInvites(t.Context(), w.acme.ID, time.Now())
	// Another org's admin cannot revoke it.
	if r := w.admin(w.beta).Do("POST", "/orgs/acme/invites/"+inv[0].ID+"/revoke", nil); r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/login") {
		t.Errorf("beta's admin revoking acme's invite = %d %s", r.Status, r.Location)
	}
	if r := admin.Do("POST", "/orgs/acme/invites/"+inv[0].ID+"/revoke", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "user_not_member") {
		t.Errorf("a revoked invitation let pat in: %d", r.Status)
	}
	if r := admin.Do("POST", "/orgs/acme/invites/"+inv[0].ID+"/revoke", nil); r.Status != http.StatusNotFound {
		t.Errorf("revoking twice = %d, want 404", r.Status)
	}

	// An expired invitation accepts nothing.
	err := w.st.CreateInvite(t.Context(), store.Invite{ID: "expired-hash", OrgID: w.acme.ID, Email: "pat@corp.example", Role: "admin",
		CreatedAt: time.Now().Add(-8 * 24 * time.Hour), ExpiresAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusForbidden {
		t.Errorf("an expired invitation let pat in: %d", r.Status)
	}
}

// TestNotMemberOneClickFixes: the attempts row of user_not_member offers
// the admin the fix, and each fix works on the next sign-in.
func TestNotMemberOneClickFixes(t *testing.T) {
	for _, fix := range []string{"invite", "jit"} {
		t.Run(fix, func(t *testing.T) {
			w := newWorld(t)
			w.connect(w.acme)
			w.client().postACS(w.acme, w.response(w.acme, nil), "")
			admin := w.admin(w.acme)
			page := admin.Do("GET", "/orgs/acme/settings/sso", nil).Body
			if !strings.Contains(page, "Invite pat@corp.example") || !strings.Contains(page, "Turn on just-in-time provisioning") {
				t.Fatalf("the user_not_member row offers no fix:\n%s", excerpt(page))
			}
			var r response
			if fix == "invite" {
				r = admin.Do("POST", "/orgs/acme/invites", url.Values{"email": {"pat@corp.example"}, "role": {"viewer"}, "back": {"sso"}})
			} else {
				r = admin.Do("POST", "/orgs/acme/settings/sso/jit", url.Values{"jit_role": {"viewer"}})
			}
			if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/orgs/acme/settings/sso") {
				t.Fatalf("fix %s = %d %s\n%s", fix, r.Status, r.Location, excerpt(r.Body))
			}
			if fix == "invite" && !strings.Contains(admin.Do("GET", "/orgs/acme/settings/sso", nil).Body, "is invited now") {
				t.Error("the row does not say the invitation is out")
			}
			if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
				t.Fatalf("the next sign-in = %d\n%s", r.Status, excerpt(r.Body))
			}
			if m, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "pat@corp.example"); err != nil || m.Role != "viewer" {
				t.Errorf("member = %+v %v", m, err)
			}
		})
	}
	w := newWorld(t)
	w.connect(w.acme)
	if r := w.admin(w.acme).Do("POST", "/orgs/acme/settings/sso/jit", url.Values{"jit_role": {"admin"}}); r.Status != http.StatusBadRequest {
		t.Errorf("JIT as admin = %d, want 400", r.Status)
	}
}

// TestTestSignIn: an admin's Test sign-in shows the outcome and signs
// nobody in; the admin stays signed in, the invitation stays open, and the
// attempt is marked as a test.
func TestTestSignIn(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	admin := w.admin(w.acme)
	w.invite(admin, w.acme, "pat@corp.example", "manager")
	if r := w.client().Do("GET", "/orgs/acme/settings/sso/test", nil); r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/login") {
		t.Errorf("Test sign-in without being an admin = %d %s", r.Status, r.Location)
	}
	id := w.requestID(admin, "/orgs/acme/settings/sso/test")
	r := admin.postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.InResponseTo = id }), "")
	for _, want := range []string{"Test sign-in result", "pat@corp.example", "manager", "invitation would be accepted", saml.NameIDEmail} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the result lacks %q:\n%s", want, excerpt(r.Body))
		}
	}
	if home := admin.Do("GET", "/orgs/acme", nil); !strings.Contains(home.Body, "as <strong>admin@acme.example</strong>") {
		t.Errorf("the admin's session was replaced:\n%s", excerpt(home.Body))
	}
	if _, err := w.st.GetMemberByEmail(t.Context(), w.acme.ID, "pat@corp.example"); err == nil {
		t.Error("a test sign-in accepted the invitation")
	}
	if a := w.lastAttempt(w.acme); !a.OK || !a.Test || a.Certificate != saml.Fingerprint(w.idp.Certificate) {
		t.Errorf("attempt = %+v, want a test, with the signing certificate", a)
	}
	if page := admin.Do("GET", "/orgs/acme/settings/sso", nil).Body; !strings.Contains(page, "Signed the latest sign-in") {
		t.Error("the settings page does not say which certificate signed")
	}
	// A failing test shows the diagnosis, still without signing anyone in.
	id = w.requestID(admin, "/orgs/acme/settings/sso/test")
	r = admin.postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) {
		p.InResponseTo, p.NameID, p.Attributes = id, "stranger@corp.example", nil
	}), "")
	if !strings.Contains(r.Body, "Fails") || !strings.Contains(r.Body, "user_not_member") {
		t.Errorf("a failing test:\n%s", excerpt(r.Body))
	}
	if a := w.lastAttempt(w.acme); a.OK || !a.Test || a.Code != "user_not_member" {
		t.Errorf("attempt = %+v", a)
	}
	if page := admin.Do("GET", "/orgs/acme/settings/sso", nil).Body; !strings.Contains(page, "Failing") {
		t.Error("the status does not follow the latest attempt")
	}
}

// TestSecurityCase99ErrorsNeverCarryAnotherOrg: two orgs without connections fail at
// once, many times; each page and attempt names only its own org (errors
// are values no request mutates). Run with -race.
func TestSecurityCase99ErrorsNeverCarryAnotherOrg(t *testing.T) {
	w := newWorld(t)
	var wg sync.WaitGroup
	for _, o := range []store.Org{w.acme, w.beta} {
		other := "Beta"
		if o.Slug == "beta" {
			other = "Acme"
		}
		for range 10 {
			wg.Go(func() {
				r := w.client().postACS(o, w.response(o, nil), "")
				if !strings.Contains(r.Body, "not set up for "+o.Name) || strings.Contains(r.Body, other) {
					t.Errorf("%s's failure page:\n%s", o.Name, excerpt(r.Body))
				}
				if r := w.client().Do("GET", "/saml/"+o.Slug+"/login", nil); strings.Contains(r.Body, other) {
					t.Errorf("%s's SP-initiated page names %s", o.Name, other)
				}
			})
		}
	}
	wg.Wait()
	for o, other := range map[store.Org]store.Org{w.acme: w.beta, w.beta: w.acme} {
		list, _, _ := w.st.ListSignInAttempts(t.Context(), o.ID, store.ListOptions{Limit: 100})
		if len(list) != 10 {
			t.Errorf("%s has %d attempts, want 10", o.Slug, len(list))
		}
		for _, a := range list {
			if !strings.Contains(a.Message, o.Name) || strings.Contains(a.Message, other.Name) || strings.Contains(a.Message, other.Slug) {
				t.Errorf("%s's attempt: %s", o.Slug, a.Message)
			}
		}
	}
}

func regexpFind(t *testing.T, body, pattern string) string {
	t.Helper()
	return regexp.MustCompile(pattern).FindString(body)
}

// TestInvitationsAreEmailed: with a mail server, an invitation goes to
// the invited address and its link is not shown to the admin, so
// accepting it proves the email.
func TestInvitationsAreEmailed(t *testing.T) {
	w := newWorld(t)
	srv := mailtest.Start(t, false, "", "")
	sender, err := mail.NewSMTP("smtp://"+srv.Addr+"?tls=none", "no-reply@signet.test")
	if err != nil {
		t.Fatal(err)
	}
	w.svc.Mail = &mail.Outbox{Store: w.st, Sender: sender}
	admin := w.admin(w.acme)
	page := admin.Do("POST", "/orgs/acme/invites", url.Values{"email": {"Kim@Corp.example"}, "role": {"member"}})
	if page.Status != http.StatusOK || strings.Contains(page.Body, "/invite/") || !strings.Contains(page.Body, "Invitation emailed to kim@corp.example") {
		t.Fatalf("the page after inviting: %d\n%s", page.Status, excerpt(page.Body))
	}
	if err := w.svc.Mail.DeliverDue(t.Context(), "test"); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To != "kim@corp.example" || !strings.Contains(msgs[0].Subject, "Acme") {
		t.Fatalf("mail: %+v", msgs)
	}
	link := regexpFind(t, msgs[0].Body, `/invite/[A-Za-z0-9_-]+`)
	c := w.client()
	if r := c.Do("POST", link, url.Values{"password": {"a-good-long-password"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("accepting the emailed invitation: %d\n%s", r.Status, excerpt(r.Body))
	}
	if m := memberOf(t, w, w.acme, "kim@corp.example"); m.Role != "member" {
		t.Errorf("member = %+v", m)
	}
}
