// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package signin

import (
	"github.com/signet-sso/signet/internal/saml"
	"strings"
)

// Provider is an IdP product, recognised from its entity ID so hints can use
// the words of its console.
type Provider string

// Known providers. The values are also the --provider names of the CLI.
const (
	ProviderOther     Provider = "other"
	ProviderAWS       Provider = "aws"
	ProviderOkta      Provider = "okta"
	ProviderEntra     Provider = "entra"
	ProviderGoogle    Provider = "google"
	ProviderOneLogin  Provider = "onelogin"
	ProviderAuth0     Provider = "auth0"
	ProviderJumpCloud Provider = "jumpcloud"
	ProviderKeycloak  Provider = "keycloak"
	ProviderPingOne   Provider = "pingone"
	ProviderSignet    Provider = "signet"
)

// providerNames are the display names of providers.
var providerNames = map[Provider]string{
	ProviderOther:     "Other",
	ProviderAWS:       "AWS IAM Identity Center",
	ProviderOkta:      "Okta",
	ProviderEntra:     "Microsoft Entra ID",
	ProviderGoogle:    "Google Workspace",
	ProviderOneLogin:  "OneLogin",
	ProviderAuth0:     "Auth0",
	ProviderJumpCloud: "JumpCloud",
	ProviderKeycloak:  "Keycloak",
	ProviderPingOne:   "PingOne",
	ProviderSignet:    "Signet Identity Center",
}

// RecognizeProvider guesses the IdP product from its entity ID. It returns
// ProviderOther when unsure; it is used only for wording, never for trust.
func RecognizeProvider(entityID string) Provider {
	e := strings.ToLower(entityID)
	switch {
	case strings.Contains(e, ".amazonaws.com/saml/assertion/"):
		return ProviderAWS
	case strings.HasPrefix(e, "http://www.okta.com/"), strings.Contains(e, ".okta.com/"), strings.Contains(e, ".oktapreview.com/"):
		return ProviderOkta
	case strings.HasPrefix(e, "https://sts.windows.net/"), strings.Contains(e, "login.microsoftonline.com/"):
		return ProviderEntra
	case strings.HasPrefix(e, "https://accounts.google.com/o/saml2"):
		return ProviderGoogle
	case strings.Contains(e, ".onelogin.com/"):
		return ProviderOneLogin
	case strings.HasSuffix(e, ".auth0.com"), strings.Contains(e, ".auth0.com/"):
		return ProviderAuth0
	case strings.Contains(e, "jumpcloud"):
		return ProviderJumpCloud
	case strings.Contains(e, "/realms/"):
		return ProviderKeycloak
	case strings.Contains(e, "pingone.com/"), strings.Contains(e, "pingidentity.com"):
		return ProviderPingOne
	case strings.Contains(e, "/saml/apps/"):
		return ProviderSignet
	}
	return ProviderOther
}

// mappingHints says, in each console's words, how to send the email as the
// Subject and as an attribute.
var mappingHints = map[Provider]string{
	ProviderAWS: "In IAM Identity Center: Applications → your app → Actions → Edit attribute mappings: " +
		"Subject = ${user:email}, format emailAddress; add attribute email = ${user:email}, format basic; Save changes.",
	ProviderSignet: "In Signet Identity Center: Applications → your app → Actions → Edit attribute mappings: " +
		"Subject = ${user:email}, format emailAddress; add attribute email = ${user:email}, format basic; Save changes.",
	ProviderOkta: "In the Okta Admin Console: Applications → your app → General → SAML Settings → Edit: " +
		"Name ID format EmailAddress, Application username Email; under Attribute Statements add email = user.email.",
	ProviderEntra: "In the Microsoft Entra admin center: Enterprise applications → your app → Single sign-on → Attributes & Claims: " +
		"set the Unique User Identifier (Name ID) to user.mail with format Email address, and add a claim email = user.mail.",
	ProviderGoogle: "In the Google Admin console: Apps → Web and mobile apps → your app → Service provider details: " +
		"Name ID format EMAIL, Name ID Basic Information > Primary email; under SAML attribute mapping map Primary email to email.",
	ProviderOneLogin: "In OneLogin: Applications → your app → Configuration: set SAML nameID format to Email; " +
		"under Parameters set NameID value to Email and add a parameter email = Email (Include in SAML assertion).",
	ProviderAuth0: "In Auth0: Applications → your app → Addons → SAML2 Web App → Settings: set nameIdentifierFormat to " +
		"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress and map \"email\" to \"email\" in mappings.",
	ProviderJumpCloud: "In JumpCloud: SSO Applications → your app → SSO: SAMLSubject NameID = email with format emailAddress; " +
		"under User Attribute Mapping add email = email.",
	ProviderKeycloak: "In Keycloak: Clients → your client → Client scopes → dedicated scope → Add mapper → By configuration → " +
		"User Property: Property email, SAML Attribute Name email; and set Name ID format to email in the client's settings.",
	ProviderPingOne: "In PingOne: Applications → your app → Attribute Mappings: saml_subject = Email Address; add email = Email Address.",
}

// primaryEmailHints says where the user's own email is set.
var primaryEmailHints = map[Provider]string{
	ProviderAWS:    "Also check that the user has a Primary email on their IAM Identity Center user record (Users → the user → Primary email).",
	ProviderSignet: "Also check that the user has a Primary email in Signet Identity Center (Users → the user → Primary email).",
	ProviderOkta:   "Also check the user's Primary email in Okta (Directory → People).",
	ProviderEntra:  "Also check that the user has an Email (mail) in Entra ID (Users → the user → Properties).",
	ProviderGoogle: "Also check the user's primary email in the Google Admin console.",
}

// connectionHints say where the SP's Entity ID and ACS URL go at the IdP.
var connectionHints = map[Provider]string{
	ProviderAWS: "In IAM Identity Center: Applications → your app → Actions → Edit configuration → Application metadata: " +
		"Application ACS URL = this organization's ACS URL, Application SAML audience = this organization's Entity ID.",
	ProviderSignet: "In Signet Identity Center: Applications → your app → Actions → Edit configuration → Application metadata: " +
		"Application ACS URL = this organization's ACS URL, Application SAML audience = this organization's Entity ID.",
	ProviderOkta:  "In Okta: Applications → your app → General → SAML Settings → Edit: Single sign-on URL = the ACS URL, Audience URI (SP Entity ID) = the Entity ID.",
	ProviderEntra: "In Entra ID: Enterprise applications → your app → Single sign-on → Basic SAML Configuration: Identifier (Entity ID) = the Entity ID, Reply URL = the ACS URL.",
	ProviderGoogle: "In the Google Admin console: Apps → Web and mobile apps → your app → Service provider details: " +
		"ACS URL = the ACS URL, Entity ID = the Entity ID.",
}

// certificateHints say how to get the IdP's current certificate.
var certificateHints = map[Provider]string{
	ProviderAWS: "In IAM Identity Center: Applications → your app: download the IAM Identity Center SAML metadata file " +
		"(with the active certificate) and upload it here. If the certificate expired, first generate a new one under Actions → Edit configuration and set it as active.",
	ProviderSignet: "In Signet Identity Center: Applications → your app → Certificates: make a current certificate active, " +
		"then download the SAML metadata file and upload it here.",
	ProviderOkta:  "In Okta: Applications → your app → Sign On → SAML Signing Certificates: activate a current certificate, then download the IdP metadata and upload it here.",
	ProviderEntra: "In Entra ID: Enterprise applications → your app → Single sign-on → SAML Certificates: make a current certificate active, then download the Federation Metadata XML and upload it here.",
}

// HintFor returns the hint for code in the words of p's console, or the
// code's generic hint.
func HintFor(p Provider, code saml.Code) string {
	if specific := providerHint(p, code); specific != "" {
		return specific
	}
	return NewError(code, nil).Hint
}

// providerHint is p's own wording for code, or "" if it has none.
func providerHint(p Provider, code saml.Code) string {
	switch code {
	case CodeAttributeStatementNone, CodeEmailPlaceholder, CodeEmailInvalid:
		return mappingHints[p]
	case CodeEmailMissing:
		if extra := primaryEmailHints[p]; extra != "" && mappingHints[p] != "" {
			return mappingHints[p] + " " + extra
		}
		return mappingHints[p]
	case saml.CodeAudienceMismatch, saml.CodeDestinationMismatch, saml.CodeRecipientMismatch:
		return connectionHints[p]
	case saml.CodeCertificateExpired, saml.CodeCertificateUntrusted, saml.CodeSignatureInvalid:
		return certificateHints[p]
	}
	return ""
}

// WithProviderHint gives err p's wording of its hint, where p has one; any
// other hint the error carries (such as one for an IdP status) stays.
func WithProviderHint(err error, p Provider) error {
	e := saml.AsError(err)
	specific := providerHint(p, e.Code)
	if e.Code == saml.CodeInternal || specific == "" {
		return err
	}
	out := *e
	out.Hint = specific
	return &out
}

// Name is the provider's name as people know it ("Okta").
func (p Provider) Name() string { return providerNames[p] }

// String is the provider's value.
func (p Provider) String() string { return string(p) }
