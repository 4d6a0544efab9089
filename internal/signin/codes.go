// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package signin

import "github.com/signet-sso/signet/internal/saml"

// The Workspace's codes: who the assertion names, and the product's rules
// (membership, plans, connections, limits). They are saml.Codes, carried by
// saml.Error like the protocol's, so pages, logs and the CLI treat every
// refusal alike.
const (
	CodeAttributeStatementNone saml.Code = "attribute_statement_empty"
	CodeEmailMissing           saml.Code = "email_missing"
	CodeEmailPlaceholder       saml.Code = "email_placeholder"
	CodeEmailInvalid           saml.Code = "email_invalid"
	CodeUserNotMember          saml.Code = "user_not_member"
	CodeUserDeactivated        saml.Code = "user_deactivated"
	CodeEmailOutsideDomains    saml.Code = "email_outside_domains"
	CodeSSONotOnPlan           saml.Code = "sso_not_on_plan"
	CodeNoConnection           saml.Code = "no_connection"
	CodeRateLimited            saml.Code = "rate_limited"
)

// publicText is each code's plain sentence and generic hint.
var publicText = map[saml.Code][2]string{
	CodeAttributeStatementNone: {"The SAML assertion carries no attributes, and its NameID is not an email address.", "Map the user's email at the IdP, as the NameID (format emailAddress) and as an attribute named email."},
	CodeEmailMissing:           {"The SAML assertion does not contain the user's email address.", "Map the user's email at the IdP, and make sure the user has an email address there."},
	CodeEmailPlaceholder:       {"The SAML assertion contains placeholder text instead of the user's email address.", "The IdP sent an unresolved template: fix the attribute mapping's value at the IdP."},
	CodeEmailInvalid:           {"The email address in the SAML assertion is not a valid email address.", "Check the attribute mapping for email at the IdP."},
	CodeUserNotMember:          {"This person is not a member of the organization.", "Ask an org admin to invite them, or turn on just-in-time provisioning."},
	CodeUserDeactivated:        {"This person's account in the organization is deactivated.", "Their identity provider deactivated or removed them through directory sync (SCIM). If they should have access, reactivate or re-assign them at the identity provider."},
	CodeEmailOutsideDomains:    {"The email address is not at one of the organization's verified domains.", "Sign in with your work email, or ask an org admin to verify the domain of this email (Single Sign-On Settings › Verified domains)."},
	CodeSSONotOnPlan:           {"Single sign-on is not included in this organization's plan.", "SSO is available on the Scholarship, Growth and Enterprise plans."},
	CodeNoConnection:           {"Single sign-on is not set up for this organization.", "An org admin can set it up under Settings › Organization settings › Access & SSO Settings › Single Sign-On Settings."},
	CodeRateLimited:            {"Too many sign-in attempts at once.", "Wait a minute and try again."},
}

// NewError refuses with one of the Workspace's codes: its public sentence
// and hint, and cause as the private detail.
func NewError(code saml.Code, cause error) *saml.Error {
	t, ok := publicText[code]
	if !ok {
		return saml.NewError(code, cause)
	}
	return &saml.Error{Code: code, Message: t[0], Hint: t[1], Err: cause}
}
