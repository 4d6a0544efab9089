// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"path/filepath"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/dnstest"
)

// TestTwoIdentityProvidersForOneOrg, in Chromium: acme signs its employees
// in through Signet's Identity Center and its contractors through another
// company's IdP (pysaml2, a third-party implementation). The org admin adds
// the second IdP on the Single Sign-On Settings page, names both
// connections, verifies both email domains (TXT records in a real DNS
// server) and routes each domain to its connection. Then bob
// (bob@example.test) and sam (sam@contractor.test) each type their email
// under "Sign in with SSO", reach their own IdP and are signed in; someone
// starting without an email chooses from the picker.
func TestTwoIdentityProvidersForOneOrg(t *testing.T) {
	harness.Need(t, "pysaml2 (python3-pysaml2)", harness.Python("saml2"))
	dns := dnstest.Start(t)
	w := newHostAppWorldWith(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"), map[string]string{"SIGNET_DNS_SERVER": dns.Addr})
	// acme is connected to the Identity Center (bob is assigned); the
	// contractors' IdP is pysaml2, given acme's SP metadata as any IdP is.
	contractors := harness.NewPeer(t)
	spMD := filepath.Join(contractors.Dir, "sp.xml")
	writeFile(t, spMD, harness.NewBrowser(t).Get(w.s.SP+"/saml/acme/metadata").Body)
	script, err := filepath.Abs(filepath.Join("interop", "peers", "pysaml2_idp.py"))
	if err != nil {
		t.Fatal(err)
	}
	contractors.Start(t, []string{"PYSAML2_IDP_EMAIL=sam@contractor.test"}, "/metadata",
		"/usr/bin/python3", script, "serve", contractors.Port, contractors.Dir, spMD)
	contractorsMD := filepath.Join(t.TempDir(), "contractors-idp.xml")
	writeFile(t, contractorsMD, harness.NewBrowser(t).Get(contractors.Base+"/metadata").Body)

	open := newBrowser(t, outputDir("two-idps"))
	admin := open("admin")
	admin.do(chromedpNavigate(w.s.SP+"/login"), typeInto("#email", "admin@acme.example"), typeInto("#password", "saffron-tunnel-ember"),
		click("form[action='/login'] button[type=submit]"))
	admin.waitText("Acme")
	admin.do(chromedpNavigate(w.s.SP + "/orgs/acme/settings/sso"))
	admin.waitText("SSO connections")
	admin.do(clickText("Add another identity provider"))
	admin.waitText("Add an identity provider")
	admin.do(typeInto("#connection_name", "Contractors"), chromedpSetSelect("#provider", "other"), click("input[value=file]"),
		chromedpUpload("#metadata_file", contractorsMD), clickText("Save"))
	admin.waitText("Identity provider: Contractors")
	admin.do(chromedpSetSelect("#jit_role", "member"), clickText("Save options"))
	admin.waitText("Options saved")
	admin.shot("contractors-connection")
	// The Identity Center's connection: named, and provisioning too.
	admin.do(click(`#connections a[href*="connection="]:not(#add-connection)`))
	admin.waitText("This connection")
	admin.do(typeInto("#rename", "Employees"), clickText("Rename"))
	admin.waitText("Connection renamed")
	admin.do(chromedpSetSelect("#jit_role", "member"), clickText("Save options"))
	admin.waitText("Options saved")

	for i, domain := range []string{"example.test", "contractor.test"} {
		admin.do(typeInto("#domain", domain), clickText("Add domain"))
		admin.waitText("Domain " + domain + " added")
		dns.SetTXT(admin.value(`[id="txt-name-`+domain+`"]`), admin.value(`[id="txt-value-`+domain+`"]`))
		admin.do(click(`form[action$="/domains/` + domain + `/verify"] button`))
		admin.waitText("Domain " + domain + " is verified")
		// The options list the primary connection (Employees) first.
		route := `select[aria-label="Connection for ` + domain + `"]`
		admin.do(chromedpSetSelect(route, admin.value(route+` option:nth-child(`+string(rune('2'+i))+`)`)),
			click(`form[action$="/domains/`+domain+`/connection"] button`))
		admin.waitText("People at " + domain + " now sign in")
	}
	admin.shot("domains-routed")

	bob := open("bob")
	bob.do(chromedpNavigate(w.s.SP+"/login"), typeInto("#sso_email", "bob@example.test"), clickText("Sign in with SSO"))
	bob.waitText("Sign in to the access portal")
	bob.do(typeInto("#username", "bob"), typeInto("#password", bobPassword), click("button[type=submit]"))
	bob.waitText("You are signed in to Acme as bob@example.test")

	sam := open("sam")
	sam.do(chromedpNavigate(w.s.SP+"/login"), typeInto("#sso_email", "sam@contractor.test"), clickText("Sign in with SSO"))
	sam.waitText("Continue") // pysaml2's page, which posts the response back
	sam.do(clickText("Continue"))
	sam.waitText("You are signed in to Acme as sam@contractor.test")
	sam.shot("sam-signed-in")

	// Without an email, the org's sign-in asks which IdP.
	picker := open("picker")
	picker.do(chromedpNavigate(w.s.SP + "/saml/acme/login"))
	picker.waitText("Choose how to sign in")
	picker.shot("picker")
	picker.do(clickText("Contractors"))
	picker.waitText("Continue")
	picker.do(clickText("Continue"))
	picker.waitText("You are signed in to Acme as sam@contractor.test")

	// Each sign-in is in its own connection's attempts log.
	admin.do(chromedpNavigate(w.s.SP + "/orgs/acme/settings/sso"))
	admin.waitText("Signed in as bob@example.test")
}
