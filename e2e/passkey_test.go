// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"encoding/base64"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestPasskeyInChromium: under "prompt every time", a person with no MFA
// device registers a passkey at sign-in with Chromium's virtual
// authenticator (and is shown recovery codes once), signs out, signs in
// with password and passkey, and
// clicks an application's tile: the assertion the application receives
// says REFEDS MFA. The Identity Center is served at http://localhost:PORT
// (WebAuthn refuses IP addresses; localhost is a secure context).
func TestPasskeyInChromium(t *testing.T) {
	idpAddr, spAddr := harness.FreeAddr(t), harness.FreeAddr(t)
	_, port, _ := net.SplitHostPort(idpAddr)
	idpURL := "http://localhost:" + port
	s := &signet{harness.StartOn(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"), idpAddr, spAddr,
		map[string]string{"SIGNET_IDP_URL": idpURL})}

	// The application: it shows the AuthnContextClassRef it receives.
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		xml, _ := base64.StdEncoding.DecodeString(r.PostForm.Get("SAMLResponse"))
		m := regexp.MustCompile(`<saml:AuthnContextClassRef>([^<]+)<`).FindSubmatch(xml)
		class := "none"
		if m != nil {
			class = string(m[1])
		}
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!doctype html><title>App</title><p>AuthnContextClassRef: "+html.EscapeString(class)+"</p>")
	}))
	defer app.Close()
	s.cli("velvet-harbor-lantern\n", "idp", "user", "add", "--username", "pat", "--email", "pat@example.test", "--password-stdin")
	appID := s.cli("", "idp", "app", "add", "--name", "Passkey App", "--acs-url", app.URL+"/acs", "--audience", app.URL)
	s.cli("", "idp", "app", "assign", "--app", appID, "--user", "pat")
	s.cli("", "idp", "settings", "mfa", "--prompt", "always", "--types", "webauthn,totp", "--without-device", "register")

	open := newBrowser(t, outputDir("passkey"))
	b := open("pat")
	newPasskeys(t).attach(b)
	signIn := func() {
		b.do(chromedpNavigate(idpURL+"/portal/login"), typeInto("#username", "pat"), typeInto("#password", "velvet-harbor-lantern"),
			clickText("Sign in"))
	}
	signIn()
	b.waitText("Register a security key or passkey")
	b.shot("register-passkey")
	b.do(typeInto("#passkey_name", "Laptop passkey"), click("#register-passkey"))
	b.waitText("Save your recovery codes")
	b.shot("recovery-codes")
	b.do(clickText("I have saved them: continue"))
	b.waitText("Your applications")
	b.do(chromedpNavigate(idpURL + "/portal/mfa-devices"))
	b.waitText("Laptop passkey")
	b.shot("mfa-devices")

	b.do(clickText("Sign out"))
	b.waitText("Sign in to the access portal")
	signIn()
	b.waitText("Use your security key or passkey")
	b.shot("use-passkey")
	b.do(click("#use-passkey"))
	b.waitText("Your applications")
	b.do(clickText("Passkey App"))
	b.waitText("AuthnContextClassRef: https://refeds.org/profile/mfa")
	if u, _ := url.Parse(b.location()); !strings.HasPrefix(app.URL, u.Scheme+"://"+u.Host) {
		t.Errorf("the tile went to %s", b.location())
	}
}
