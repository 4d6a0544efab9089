// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/idp"
	"github.com/signet-sso/signet/internal/mail"
	"github.com/signet-sso/signet/internal/mail/mailtest"
)

// withMail gives the world's Identity Center a real SMTP server.
func withMail(t *testing.T, w *world) (*mailtest.Server, func()) {
	srv := mailtest.Start(t, false, "", "")
	s, err := mail.NewSMTP("smtp://"+srv.Addr+"?tls=none", "Signet <no-reply@signet.test>")
	if err != nil {
		t.Fatal(err)
	}
	w.svc.Mail = &mail.Outbox{Store: w.st, Sender: s}
	return srv, func() {
		t.Helper()
		if err := w.svc.Mail.DeliverDue(w.ctx(), "test"); err != nil {
			t.Fatal(err)
		}
	}
}

var linkPattern = regexp.MustCompile(`https?://\S+/portal/password/[A-Za-z0-9_-]+`)

// lastLink is the password link of the newest message to addr.
func lastLink(t *testing.T, srv *mailtest.Server, addr string) string {
	t.Helper()
	msgs := srv.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == addr {
			if l := linkPattern.FindString(msgs[i].Body); l != "" {
				return l
			}
		}
	}
	t.Fatalf("no password link was mailed to %s: %+v", addr, msgs)
	return ""
}

// TestEmailInvitation: the console's "Send email invitation" reaches the
// person over SMTP; its link sets their password once.
func TestEmailInvitation(t *testing.T) {
	w := newWorld(t)
	srv, deliver := withMail(t, w)
	u, err := w.svc.Directory().CreateUser(w.ctx(), "test", idp.UserInput{Username: "nia", Email: "nia@corp.example", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	w.admin.MustStatus(http.StatusSeeOther, "POST", "/admin/users/"+u.ID+"/invite", nil)
	deliver()
	if msgs := srv.Messages(); len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "access portal") || !strings.Contains(msgs[0].Body, "Your username is nia") {
		t.Fatalf("the invitation: %+v", msgs)
	}
	link, _ := url.Parse(lastLink(t, srv, "nia@corp.example"))
	b := w.client()
	if page := b.MustStatus(http.StatusOK, "GET", link.Path, nil); !strings.Contains(page.Body, "<strong>nia</strong>") {
		t.Fatalf("the link's page:\n%s", excerpt(page.Body))
	}
	for _, bad := range []url.Values{
		{"password": {"velvet-harbor-lantern"}, "confirm": {"velvet-harbor-lanterns"}},
		{"password": {"password1"}, "confirm": {"password1"}},
	} {
		if r := b.Do("POST", link.Path, bad); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d", bad, r.Status)
		}
	}
	if r := b.MustStatus(http.StatusSeeOther, "POST", link.Path, url.Values{"password": {"velvet-harbor-lantern"}, "confirm": {"velvet-harbor-lantern"}}); r.Header.Get("Location") != "/portal/login?done=password-set" {
		t.Errorf("after saving: %s", r.Header.Get("Location"))
	}
	w.client().MustStatus(http.StatusSeeOther, "POST", "/portal/login", url.Values{"username": {"nia"}, "password": {"velvet-harbor-lantern"}})
	if r := w.client().Do("GET", link.Path, nil); r.Status != http.StatusGone {
		t.Errorf("a used link: %d", r.Status)
	}
	if r := w.client().Do("POST", link.Path, url.Values{"password": {"another-long-passphrase"}, "confirm": {"another-long-passphrase"}}); r.Status != http.StatusGone {
		t.Errorf("a used link, posted: %d", r.Status)
	}
}

// TestForgotPassword: the reset link ends every other session; the page
// answers the same for unknown users; an account gets at most three
// reset emails an hour.
func TestForgotPassword(t *testing.T) {
	w := newWorld(t)
	srv, deliver := withMail(t, w)
	w.seedApp("Amplitude", "pat", "pat@corp.example")
	signedIn := w.portalClient("pat")
	b := w.client()
	unknown := b.MustStatus(http.StatusOK, "POST", "/portal/forgot", url.Values{"username": {"nobody"}})
	known := b.MustStatus(http.StatusOK, "POST", "/portal/forgot", url.Values{"username": {"pat"}})
	if !strings.Contains(unknown.Body, "If that account exists") || !strings.Contains(known.Body, "If that account exists") {
		t.Error("the answers for an unknown and a known user differ")
	}
	deliver()
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To != "pat@corp.example" {
		t.Fatalf("mails: %+v", msgs)
	}
	link, _ := url.Parse(lastLink(t, srv, "pat@corp.example"))
	b.MustStatus(http.StatusSeeOther, "POST", link.Path, url.Values{"password": {"copper-lantern-meadow"}, "confirm": {"copper-lantern-meadow"}})
	if r := signedIn.Do("GET", "/portal", nil); r.Status != http.StatusSeeOther {
		t.Errorf("the other browser's session survived the reset: %d", r.Status)
	}
	if r := w.client().Do("POST", "/portal/login", url.Values{"username": {"pat"}, "password": {testPassword}}); r.Status != http.StatusUnauthorized {
		t.Errorf("the old password still works: %d", r.Status)
	}
	w.client().MustStatus(http.StatusSeeOther, "POST", "/portal/login", url.Values{"username": {"pat"}, "password": {"copper-lantern-meadow"}})

	for range 3 { // the fourth of the hour for pat (and the fifth from this address, within its limit)
		w.client().MustStatus(http.StatusOK, "POST", "/portal/forgot", url.Values{"username": {"pat"}})
	}
	deliver()
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("%d reset emails within the hour, want 3", n)
	}
	// The sixth request from this address is refused before any lookup.
	if r := w.client().Do("POST", "/portal/forgot", url.Values{"username": {"nobody"}}); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("a sixth request from one address: %d", r.Status)
	}
}

// TestDeviceChangesAreEmailed: registering or removing an MFA device
// tells the person by email.
func TestDeviceChangesAreEmailed(t *testing.T) {
	w, c := mfaWorld(t, every)
	srv, deliver := withMail(t, w)
	w.seedApp("Amplitude", "pat", "pat@corp.example")
	enrol(t, w, c, "pat")
	deliver()
	msgs := srv.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "MFA device was added") || !strings.Contains(msgs[0].Body, "Pixel") {
		t.Fatalf("mails: %+v", msgs)
	}
}

var codePattern = regexp.MustCompile(`\n\s+(\d{6})\r?\n`)

// TestEmailOneTimePassword: under "send a one-time password by email", a
// person without a device gets a code by email; a wrong code is refused,
// a new code replaces the old, and the assertion does not claim MFA.
func TestEmailOneTimePassword(t *testing.T) {
	w, _ := mfaWorld(t, idp.MFAPolicy{Prompt: idp.PromptAlways, Types: []string{"totp", "webauthn"}, WithoutDevice: idp.WithoutDeviceEmail})
	srv, deliver := withMail(t, w)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	b := w.client()
	page := b.MustStatus(http.StatusOK, "GET", redirectRequest(t, w, app, nil), nil)
	if r := b.MustStatus(http.StatusSeeOther, "POST", "/portal/login", signInForm(t, page.Body, "pat")); r.Header.Get("Location") != "/portal/mfa" {
		t.Fatalf("no second step: %s", r.Header.Get("Location"))
	}
	if p := b.MustStatus(http.StatusOK, "GET", "/portal/mfa", nil); !strings.Contains(p.Body, "p•••@corp.example") {
		t.Fatalf("the page does not say where the code went:\n%s", excerpt(p.Body))
	}
	deliver()
	code := func() string {
		msgs := srv.Messages()
		m := codePattern.FindStringSubmatch(msgs[len(msgs)-1].Body)
		if m == nil {
			t.Fatalf("no code in %q", msgs[len(msgs)-1].Body)
		}
		return m[1]
	}
	first := code()
	if r := b.Do("POST", "/portal/mfa", url.Values{"code": {"000000"}}); r.Status != http.StatusUnauthorized {
		t.Errorf("a wrong code: %d", r.Status)
	}
	b.MustStatus(http.StatusOK, "POST", "/portal/mfa", url.Values{"resend": {"1"}})
	deliver()
	second := code()
	if first != second {
		if r := b.Do("POST", "/portal/mfa", url.Values{"code": {first}}); r.Status != http.StatusUnauthorized {
			t.Errorf("the replaced code still works: %d", r.Status)
		}
	}
	xml := postedResponse(t, b.MustStatus(http.StatusOK, "POST", "/portal/mfa", url.Values{"code": {second}}).Body)
	if strings.Contains(string(xml), "refeds.org/profile/mfa") || !strings.Contains(string(xml), "PasswordProtectedTransport") {
		t.Errorf("an emailed code was asserted as MFA:\n%s", xml)
	}
}

// TestCertificateExpiryWarning: an application's signing certificate near
// its end is emailed to the admins, once.
func TestCertificateExpiryWarning(t *testing.T) {
	w := newWorld(t)
	srv, deliver := withMail(t, w)
	app := w.addApp("Amplitude", nil)
	key, err := w.st.ActiveSigningKey(w.ctx(), app)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := w.svc.WarnExpiringCertificates(w.ctx()); err != nil || n != 0 {
		t.Fatalf("a fresh certificate: %d %v", n, err)
	}
	w.svc.Now = func() time.Time { return key.NotAfter.Add(-10 * 24 * time.Hour) }
	for want := range []int{1, 0} {
		if n, err := w.svc.WarnExpiringCertificates(w.ctx()); err != nil || n != 1-want {
			t.Fatalf("check %d: %d %v", want+1, n, err)
		}
	}
	deliver()
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To != "root@corp.example" || !strings.Contains(msgs[0].Body, "Certificates") {
		t.Fatalf("mail: %+v", msgs)
	}
}

// TestEmailWaitsVisibly: with the mail server down, an invitation waits on
// the console's Email page with the reason, and goes out when it is back.
func TestEmailWaitsVisibly(t *testing.T) {
	w := newWorld(t)
	srv, deliver := withMail(t, w)
	srv.Stop()
	u, err := w.svc.Directory().CreateUser(w.ctx(), "test", idp.UserInput{Username: "nia", Email: "nia@corp.example", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	w.admin.MustStatus(http.StatusSeeOther, "POST", "/admin/users/"+u.ID+"/invite", nil)
	deliver()
	page := w.admin.MustStatus(http.StatusOK, "GET", "/admin/email", nil)
	if !strings.Contains(page.Body, "Waiting") || !strings.Contains(page.Body, "nia@corp.example") || !strings.Contains(page.Body, "attempt 1") {
		t.Fatalf("the Email page:\n%s", excerpt(page.Body))
	}
	// Outside the demo an admin sees that a message waits, never its
	// link: that would let them take over the account.
	if strings.Contains(page.Body, "/portal/password/") {
		t.Error("the Email page shows a password link outside the demo")
	}
	// Only admins see the page.
	if r := w.portalClient("root").Do("GET", "/admin/email", nil); r.Status != http.StatusSeeOther {
		t.Errorf("the Email page without a console session: %d", r.Status)
	}
	srv.Restart()
	w.svc.Mail.Now = func() time.Time { return time.Now().Add(mail.RetryBase) }
	deliver()
	if len(srv.Messages()) != 1 {
		t.Fatalf("not delivered after the server came back: %d", len(srv.Messages()))
	}
	if page := w.admin.MustStatus(http.StatusOK, "GET", "/admin/email", nil); !strings.Contains(page.Body, "Sent") {
		t.Errorf("the Email page after delivery:\n%s", excerpt(page.Body))
	}
}
