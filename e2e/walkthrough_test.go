// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestSeedWalkthrough follows ../shared/seed/000_c0903a5e30db4f0e.txt in a
// browser, only through the web pages, on each database.
func TestSeedWalkthrough(t *testing.T) {
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			s := startSignet(t, db(t))
			s.seed()
			walkthrough(t, s.IdP, s.SP, seedCast, newBrowser(t, outputDir(name)))
		})
	}
}

// TestSeedWalkthroughWithPasskeys is the walk-through with the Identity
// Center's MFA set to "every time", passkeys allowed and people without a
// device registering one at sign-in: each person registers a passkey with
// Chromium's virtual authenticator at their first sign-in and uses it at
// the next. The Identity Center is at http://localhost:PORT (WebAuthn
// refuses IP addresses).
func TestSeedWalkthroughWithPasskeys(t *testing.T) {
	idpAddr, spAddr := harness.FreeAddr(t), harness.FreeAddr(t)
	_, idpPort, _ := net.SplitHostPort(idpAddr)
	_, spPort, _ := net.SplitHostPort(spAddr)
	// Both at localhost, so they are one site, as both at 127.0.0.1 are in
	// the other walk-through: over plain http Chromium does not send the
	// Workspace's sign-in cookie on a cross-site POST (over https it does).
	idpURL, spURL := "http://localhost:"+idpPort, "http://localhost:"+spPort
	s := &signet{harness.StartOn(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"), idpAddr, spAddr,
		map[string]string{"SIGNET_IDP_URL": idpURL, "SIGNET_SP_URL": spURL})}
	s.seed()
	s.cli("", "idp", "settings", "mfa", "--prompt", "always", "--types", "webauthn", "--without-device", "register")
	c := seedCast
	c.Passkeys = newPasskeys(t)
	walkthrough(t, idpURL, spURL, c, newBrowser(t, outputDir("passkeys")))
}

// cast is who the walk-through signs in as, and with which passwords.
type cast struct {
	Admin, AdminPassword             string // Identity Center console
	Alice, AlicePassword, AliceEmail string // assigned, with a primary email
	Bob, BobPassword                 string // assigned, without one
	Carol, CarolPassword             string // in no group ("" if absent)
	OrgAdmin, OrgAdminPassword       string
	OrgName, OrgSlug, Group          string
	// InviteAlice: the org admin invites alice on the org's home page (the
	// demo has done so already, and says so).
	InviteAlice bool
	// Passkeys, when set, answers the Identity Center's MFA prompt after
	// every password (the variant with MFA "every time").
	Passkeys *passkeys
}

// mfa answers the MFA prompt after who's password, in the MFA variant.
func (c cast) mfa(s *session, who string) {
	if c.Passkeys != nil {
		c.Passkeys.secondFactor(s, who)
	}
}

// seedCast is what seed() creates.
var seedCast = cast{Admin: "admin", AdminPassword: "granite-meadow-compass", Alice: "alice", AlicePassword: "velvet-harbor-lantern",
	AliceEmail: "alice@example.com", Bob: "bob", BobPassword: "quartz-willow-ferry", Carol: "carol", CarolPassword: "juniper-crater-violin",
	OrgAdmin: "admin@acme.example", OrgAdminPassword: "saffron-tunnel-ember", OrgName: "Acme Analytics", OrgSlug: "acme",
	Group: "Analytics users", InviteAlice: true}

func walkthrough(t *testing.T, idpURL, spURL string, c cast, openTab func(string) *session) {
	open := func(name string) *session {
		s := openTab(name)
		if c.Passkeys != nil {
			c.Passkeys.attach(s)
		}
		return s
	}
	it := open("it-admin")
	// Steps 1–4: sign in to the console; Applications → Add application →
	// "I have an application I want to set up" → SAML 2.0 → Next; Display name.
	it.do(chromedpNavigate(idpURL+"/admin"), typeInto("#username", c.Admin), typeInto("#password", c.AdminPassword), click("button[type=submit]"))
	c.mfa(it, c.Admin)
	it.waitText("Applications")
	it.shot("console-applications")
	it.do(clickText("Add application"))
	it.waitText("I have an application I want to set up")
	it.shot("add-application")
	it.do(click("input[value=custom]"), click("input[value=saml2]"), clickText("Next"))
	it.waitText("IAM Identity Center metadata")
	it.do(typeInto("#name", "Amplitude"), typeInto("#description", "Product analytics"))
	it.shot("configure-application")
	// Step 5: download the IAM Identity Center SAML metadata file.
	it.do(click(`a[href$="metadata?download=1"]`))
	metadataFile := it.download("_metadata.xml")

	// Step 6: the Workspace, as the org admin: Settings > Organization
	// settings > Access & SSO Settings > Single Sign-On Settings; Other;
	// upload the metadata file.
	admin := open("org-admin")
	admin.do(chromedpNavigate(spURL+"/login"), typeInto("#email", c.OrgAdmin), typeInto("#password", c.OrgAdminPassword),
		click("form[action='/login'] button[type=submit]"))
	admin.waitText(c.OrgName)
	if c.InviteAlice {
		// The org knows its people: the admin invites alice's email on the
		// home page; her first SSO sign-in will accept the invitation.
		admin.do(typeInto("#invite_email", c.AliceEmail), chromedpSetSelect("#invite_role", "member"), clickText("Invite"))
		admin.waitText("Invite created")
		admin.shot("invited-alice")
	}
	admin.do(clickText("Settings"))
	admin.waitText("Organization settings")
	admin.shot("organization-settings")
	admin.do(clickText("Single Sign-On Settings"))
	admin.waitText("Give these to your identity provider")
	admin.do(chromedpSetSelect("#provider", "other"), click("input[value=file]"), chromedpUpload("#metadata_file", metadataFile),
		clickText("Save"))
	admin.waitText("Connected identity provider")
	admin.shot("sso-settings-saved")
	// Step 7: copy the Entity ID and the ACS URL.
	entityID, acsURL := admin.value("#entity_id"), admin.value("#acs_url")
	if !strings.HasSuffix(acsURL, "/saml/"+c.OrgSlug+"/acs") || !strings.HasSuffix(entityID, "/saml/"+c.OrgSlug+"/metadata") {
		t.Fatalf("Entity ID %q, ACS URL %q", entityID, acsURL)
	}

	// Step 8: "Manually type your metadata values", Submit.
	it.do(click("input[value=manual]"), typeInto("#acs_url", acsURL), typeInto("#audience", entityID))
	it.shot("application-metadata")
	it.do(clickText("Submit"))
	it.waitText("Application added")
	it.shot("application-created")

	// Steps 12–13 first, without attribute mappings (the seed's note).
	it.do(clickText("Assigned users and groups"), clickText("Assign users and groups"))
	it.waitText(c.Group)
	it.do(click(`input[name=group]`), clickText("Assign users"))
	it.waitText("Users and groups assigned")
	it.shot("assigned")

	// Step 15 without steps 9–11: sign-in fails, and the page says why.
	alice := open("alice")
	alice.do(chromedpNavigate(idpURL+"/portal"), typeInto("#username", c.Alice), typeInto("#password", c.AlicePassword), click("button[type=submit]"))
	c.mfa(alice, c.Alice)
	alice.waitText("Your applications")
	alice.shot("portal-tile")
	alice.do(click("a.tile"))
	alice.waitText("attribute_statement_empty")
	alice.shot("sign-in-fails-without-mappings")
	if txt := alice.text(); !strings.Contains(txt, "carries no attributes") || strings.Contains(txt, "goroutine") {
		t.Errorf("the failure page must explain: %s", txt)
	}
	admin.do(chromedpReload())
	admin.waitText("attribute_statement_empty")
	if txt := admin.text(); !strings.Contains(txt, "Edit attribute mappings: Subject = ${user:email}, format emailAddress") {
		t.Errorf("the sign-in attempts log lacks the Identity Center hint:\n%s", txt)
	}
	admin.shot("attempt-log-with-hint")

	// Steps 9–11: Actions → Edit attribute mappings.
	it.do(clickText("Configuration"), click("summary"), clickText("Edit attribute mappings"))
	it.waitText("User attribute in the application")
	it.do(typeInto("input[name=subject]", "${user:email}"), chromedpSetSelect("select[name=subject_format]", "emailAddress"),
		clickText("Add new attribute mapping"))
	it.do(typeInto("#mapping-rows tr:not([data-template]) input[name=attr_name]", "email"),
		typeInto("#mapping-rows tr:not([data-template]) input[name=attr_value]", "${user:email}"),
		chromedpSetSelect("#mapping-rows tr:not([data-template]) select[name=attr_format]", "basic"))
	it.shot("edit-attribute-mappings")
	it.do(clickText("Save changes"))
	it.waitText("Attribute mappings saved")

	// Test sign-in: the org admin signs in at the IdP as alice, sees what
	// would happen, and is still the admin afterwards.
	admin.do(chromedpNavigate(spURL+"/orgs/"+c.OrgSlug+"/settings/sso"), clickText("Test sign-in"))
	admin.waitText("Sign in to the access portal")
	admin.do(typeInto("#username", c.Alice), typeInto("#password", c.AlicePassword), click("button[type=submit]"))
	c.mfa(admin, c.Alice)
	admin.waitText("Test sign-in result")
	if txt := admin.text(); !strings.Contains(txt, "would sign in "+c.AliceEmail+" as member") || !strings.Contains(txt, "invitation would be accepted") ||
		!strings.Contains(txt, "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress") {
		t.Errorf("the test result must say who would sign in, how, and with which NameID format:\n%s", txt)
	}
	admin.shot("test-sign-in-result")
	admin.do(clickText("Back to Single Sign-On Settings"))
	admin.waitText("Sign-in attempts")
	if txt := admin.text(); !strings.Contains(txt, c.OrgAdmin) || !strings.Contains(txt, "Test sign-in: would sign in "+c.AliceEmail) {
		t.Errorf("after Test sign-in the admin must still be signed in, with the attempt marked as a test:\n%s", txt)
	}
	admin.shot("attempts-after-test-sign-in")

	// Step 15 again: signed in to the org, with the email shown; her
	// invitation is accepted by this first SSO sign-in.
	alice.do(chromedpNavigate(idpURL+"/portal"), click("a.tile"))
	alice.waitText("You are signed in to " + c.OrgName + " as " + c.AliceEmail)
	alice.shot("signed-in-to-workspace")

	// Step 14: a user without a primary email gets "No access".
	bob := open("bob")
	bob.do(chromedpNavigate(idpURL+"/portal"), typeInto("#username", c.Bob), typeInto("#password", c.BobPassword), click("button[type=submit]"))
	c.mfa(bob, c.Bob)
	bob.do(click("a.tile"))
	bob.waitText("No access")
	if !strings.Contains(bob.text(), "no primary email") {
		t.Errorf("the No access page must name the cause: %s", bob.text())
	}
	bob.shot("no-access-without-primary-email")

	// Steps 12–13: a user in no assigned group sees no tile.
	if c.Carol != "" {
		carol := open("carol")
		carol.do(chromedpNavigate(idpURL+"/portal"), typeInto("#username", c.Carol), typeInto("#password", c.CarolPassword), click("button[type=submit]"))
		c.mfa(carol, c.Carol)
		carol.waitText("No applications are assigned to you yet")
		carol.shot("no-tile-when-unassigned")
	}

	// SP-initiated: "Sign in with SSO" with the org's ID, through the
	// Identity Center sign-in, back signed in.
	sso := open("sp-initiated")
	sso.do(chromedpNavigate(spURL+"/login"), typeInto("#sso_org", c.OrgSlug), clickText("Sign in with SSO"))
	sso.waitText("Sign in to the access portal")
	sso.shot("sp-initiated-idp-sign-in")
	sso.do(typeInto("#username", c.Alice), typeInto("#password", c.AlicePassword), click("button[type=submit]"))
	c.mfa(sso, c.Alice)
	sso.waitText("You are signed in to " + c.OrgName + " as " + c.AliceEmail)
	sso.shot("sp-initiated-signed-in")

	// Sign-out says what it did, and that the IdP session may live on.
	sso.do(clickText("Sign out"))
	sso.waitText("You are signed out of Signet Workspace")
	sso.shot("signed-out")

	if _, err := os.Stat(metadataFile); err != nil {
		t.Error(err)
	}
}
