// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestSeedWalkthrough follows ../shared/seed/000_c0903a5e30db4f0e.txt in a
// browser, only through the web pages, on each database.
func TestSeedWalkthrough(t *testing.T) {
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			s := startSignet(t, db(t))
			s.seed()
			walkthrough(t, s, newBrowser(t, outputDir(name)))
		})
	}
}

func walkthrough(t *testing.T, s *signet, open func(string) *session) {
	it := open("it-admin")
	// Steps 1–4: sign in to the console; Applications → Add application →
	// "I have an application I want to set up" → SAML 2.0 → Next; Display name.
	it.do(chromedpNavigate(s.IdP+"/admin"), typeInto("#username", "admin"), typeInto("#password", "it-admin-password"), click("button[type=submit]"))
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
	admin.do(chromedpNavigate(s.SP+"/login"), typeInto("#email", "admin@acme.example"), typeInto("#password", "org-admin-password"),
		click("form[action='/login'] button[type=submit]"))
	admin.waitText("Acme Analytics")
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
	if !strings.HasSuffix(acsURL, "/saml/acme/acs") || !strings.HasSuffix(entityID, "/saml/acme/metadata") {
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
	it.waitText("Analytics users")
	it.do(click(`input[name=group]`), clickText("Assign users"))
	it.waitText("Users and groups assigned")
	it.shot("assigned")

	// Step 15 without steps 9–11: sign-in fails, and the page says why.
	alice := open("alice")
	alice.do(chromedpNavigate(s.IdP+"/portal"), typeInto("#username", "alice"), typeInto("#password", "alice-password"), click("button[type=submit]"))
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

	// Step 15 again: signed in to the org, with the email shown.
	alice.do(chromedpNavigate(s.IdP+"/portal"), click("a.tile"))
	alice.waitText("You are signed in to Acme Analytics as alice@example.com")
	alice.shot("signed-in-to-workspace")

	// Step 14: a user without a primary email gets "No access".
	bob := open("bob")
	bob.do(chromedpNavigate(s.IdP+"/portal"), typeInto("#username", "bob"), typeInto("#password", "bob-password-1"), click("button[type=submit]"))
	bob.do(click("a.tile"))
	bob.waitText("No access")
	if !strings.Contains(bob.text(), "no primary email") {
		t.Errorf("the No access page must name the cause: %s", bob.text())
	}
	bob.shot("no-access-without-primary-email")

	// Steps 12–13: a user in no assigned group sees no tile.
	carol := open("carol")
	carol.do(chromedpNavigate(s.IdP+"/portal"), typeInto("#username", "carol"), typeInto("#password", "carol-password"), click("button[type=submit]"))
	carol.waitText("No applications are assigned to you yet")
	carol.shot("no-tile-when-unassigned")

	// SP-initiated: "Sign in with SSO" with the email, through the
	// Identity Center sign-in, back signed in.
	sso := open("sp-initiated")
	sso.do(chromedpNavigate(s.SP+"/login"), typeInto("#sso_email", "alice@example.com"), clickText("Sign in with SSO"))
	sso.waitText("Sign in to the access portal")
	sso.shot("sp-initiated-idp-sign-in")
	sso.do(typeInto("#username", "alice"), typeInto("#password", "alice-password"), click("button[type=submit]"))
	sso.waitText("You are signed in to Acme Analytics as alice@example.com")
	sso.shot("sp-initiated-signed-in")

	if _, err := os.Stat(metadataFile); err != nil {
		t.Error(err)
	}
}
