// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"strings"

	"github.com/signet-sso/signet/internal/store"
)

// guideSteps are the setup steps per provider; {ENTITY_ID}, {ACS_URL} and
// {ORG} are replaced with the org's values.
var guideSteps = map[string][]string{
	"aws": {
		"Sign in to the AWS console and open IAM Identity Center.",
		"In the left navigation, select Applications, then click Add application.",
		"Select I have an application I want to set up, then the SAML 2.0 application type, and click Next.",
		"Enter a Display name (for example “Signet Workspace”) and an optional Description.",
		"In the IAM Identity Center metadata section, click Download to save the IAM Identity Center SAML metadata file.",
		"Here, on this page: Identity Provider “AWS IAM Identity Center” (or Other), upload that metadata file and click Save.",
		"Copy this organization's Entity ID ({ENTITY_ID}) and Assertion Consumer Service URL ({ACS_URL}) from the top of this page.",
		"In IAM Identity Center, in the Application metadata section, select Manually type your metadata values: Application ACS URL = {ACS_URL}, Application SAML audience = {ENTITY_ID}. Click Submit.",
		"On the application's page, open Actions › Edit attribute mappings. Set the Subject row to ${user:email} with format emailAddress.",
		"Click Add new attribute mapping: User attribute in the application = email, maps to ${user:email}, format basic.",
		"Click Save changes. (By default IAM Identity Center sends an opaque Subject and no attributes, so sign-in fails until the email is mapped. The Subject mapping alone is enough for {ORG}; the email attribute also serves apps that read it.)",
		"Open the Assigned users and groups tab.",
		"Click Assign users and groups, choose the users or groups who should sign in to {ORG}, and click Assign users.",
		"Check that every assigned user has a Primary email on their IAM Identity Center user record.",
		"Make sure {ORG} knows these people: invite their emails on the org's home page (Invite a member; their first SSO sign-in accepts the invitation), or turn on Just-in-time provisioning under Options on this page.",
		"Sign in to the AWS access portal as an assigned user and click the tile; you land signed in here. Or use Test sign-in on this page.",
	},
	"okta": {
		"In the Okta Admin Console, go to Applications › Applications › Create App Integration › SAML 2.0 › Next.",
		"App name: {ORG}. Next.",
		"Single sign-on URL: {ACS_URL} (use this for Recipient and Destination URL). Audience URI (SP Entity ID): {ENTITY_ID}.",
		"Name ID format: EmailAddress. Application username: Email.",
		"Attribute Statements: Name email, Value user.email. Next, then Finish.",
		"On the Sign On tab, copy the Metadata URL (or download the metadata) and give it to this page; click Save.",
		"Assign the people or groups on the Assignments tab, then use Test sign-in here.",
	},
	"entra": {
		"In the Microsoft Entra admin center, go to Enterprise applications › New application › Create your own application (non-gallery).",
		"Open Single sign-on › SAML. Basic SAML Configuration: Identifier (Entity ID) {ENTITY_ID}, Reply URL (ACS) {ACS_URL}.",
		"Attributes & Claims: Unique User Identifier (Name ID) = user.mail, format Email address; add a claim email = user.mail.",
		"SAML Certificates: copy the App Federation Metadata Url, or download the Federation Metadata XML, and give it to this page; click Save.",
		"Assign users and groups under Users and groups, then use Test sign-in here.",
	},
	"google": {
		"In the Google Admin console, go to Apps › Web and mobile apps › Add app › Add custom SAML app. Name it {ORG}.",
		"Download the IdP metadata, upload it on this page and click Save.",
		"Service provider details: ACS URL {ACS_URL}, Entity ID {ENTITY_ID}, Name ID format EMAIL, Name ID Basic Information › Primary email.",
		"SAML attribute mapping: Primary email → email. Finish.",
		"Turn the app ON for the right organizational units or groups, then use Test sign-in here.",
	},
	"onelogin": {
		"In OneLogin, go to Applications › Add App › SAML Custom Connector (Advanced). Name it {ORG}.",
		"Configuration: Audience (EntityID) {ENTITY_ID}, ACS (Consumer) URL {ACS_URL}, ACS URL Validator a regular expression matching it, SAML nameID format Email.",
		"Parameters: NameID value Email; add email = Email (Include in SAML assertion).",
		"More Actions › SAML Metadata: download it, upload it here and click Save. Then assign users and use Test sign-in.",
	},
	"auth0": {
		"In Auth0, create an application (Regular Web Application) named {ORG} and enable Addons › SAML2 Web App.",
		"Application Callback URL: {ACS_URL}. Settings: {\"audience\": \"{ENTITY_ID}\", \"nameIdentifierFormat\": \"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\", \"mappings\": {\"email\": \"email\"}}.",
		"On the Usage tab, download the Identity Provider Metadata, upload it here and click Save. Then use Test sign-in.",
	},
	"keycloak": {
		"In the Keycloak admin console, in your realm: Clients › Import client, and choose this organization's SP metadata file (Download SP metadata above). " +
			"Or Clients › Create client: Client type SAML, Client ID {ENTITY_ID}, Name {ORG}, Valid redirect URIs and Master SAML Processing URL {ACS_URL}.",
		"In the client's settings: Name ID format email, Force name ID format on, Sign assertions on. If you created the client by hand, turn Client signature required off under Keys (an imported client has this organization's certificate, and Signet signs its requests because Keycloak asks).",
		"Client scopes › the client's dedicated scope › Add mapper › By configuration › User Property: Property email, SAML Attribute Name email, SAML Attribute NameFormat Basic.",
		"Give this page the realm's metadata URL, https://YOUR-KEYCLOAK/realms/YOUR-REALM/protocol/saml/descriptor (Metadata URL: certificate rotations then arrive on their own), click Save, then use Test sign-in.",
	},
	"jumpcloud": {
		"In JumpCloud, go to SSO Applications › Add New Application › Custom SAML App. Name it {ORG}.",
		"SP Entity ID {ENTITY_ID}; ACS URL {ACS_URL}; SAMLSubject NameID email, format emailAddress; add attribute email = email.",
		"Export the metadata, upload it here and click Save. Bind the right user groups, then use Test sign-in.",
	},
	"other": {
		"At your identity provider, create a SAML 2.0 application for {ORG}.",
		"Set its ACS (reply) URL to {ACS_URL} with the HTTP-POST binding, and its audience (SP entity ID) to {ENTITY_ID} — or give it this organization's SP metadata file.",
		"Send the user's email as the NameID (format emailAddress) and as an attribute named email.",
		"Sign the assertion (or the response) with RSA-SHA256.",
		"Download the IdP's SAML metadata, upload it here and click Save, then use Test sign-in.",
		"Invite the people who should sign in (their first SSO sign-in accepts the invitation), or turn on Just-in-time provisioning under Options.",
	},
}

// guide returns the steps for provider, filled in with the org's values.
func guide(provider string, o store.Org, entityID, acsURL string) []string {
	steps, ok := guideSteps[provider]
	if !ok {
		steps = guideSteps["other"]
	}
	r := strings.NewReplacer("{ENTITY_ID}", entityID, "{ACS_URL}", acsURL, "{ORG}", o.Name)
	out := make([]string, len(steps))
	for i, st := range steps {
		out[i] = r.Replace(st)
	}
	return out
}
