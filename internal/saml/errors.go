// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"errors"
	"fmt"
)

// Code is a stable identifier for why a SAML message was refused. The CLI,
// the ACS error page and the sign-in attempt log share these.
type Code string

// The protocol error codes of DESIGN.md §3, and the ones added since. The
// Workspace's identity and product codes (email_missing, user_not_member,
// sso_not_on_plan…) are package signin's; they share this Error type.
const (
	CodeMalformed              Code = "malformed"
	CodeTooLarge               Code = "too_large"
	CodeXMLForbidden           Code = "xml_forbidden"
	CodeSignatureMissing       Code = "signature_missing"
	CodeSignatureInvalid       Code = "signature_invalid"
	CodeSignatureAlgorithm     Code = "signature_algorithm_rejected"
	CodeCertificateUntrusted   Code = "certificate_untrusted"
	CodeCertificateExpired     Code = "certificate_expired"
	CodeIssuerMismatch         Code = "issuer_mismatch"
	CodeDestinationMismatch    Code = "destination_mismatch"
	CodeRecipientMismatch      Code = "recipient_mismatch"
	CodeAudienceMismatch       Code = "audience_mismatch"
	CodeNotYetValid            Code = "not_yet_valid"
	CodeExpired                Code = "expired"
	CodeReplayed               Code = "replayed"
	CodeInResponseToUnknown    Code = "in_response_to_unknown"
	CodeIdPInitiatedDisabled   Code = "idp_initiated_disabled"
	CodeStatusNotSuccess       Code = "status_not_success"
	CodeSubjectMissing         Code = "subject_missing"
	CodeSubjectConfirmation    Code = "subject_confirmation_invalid"
	CodeSubjectAmbiguous       Code = "subject_ambiguous"
	CodeAuthnStatementMissing  Code = "authn_statement_missing"
	CodeAssertionCount         Code = "assertion_count"
	CodeDecryptionFailed       Code = "decryption_failed"
	CodeEncryptionAlgorithm    Code = "encryption_algorithm_rejected"
	CodeMetadataInvalid        Code = "metadata_invalid"
	CodeKeyTooWeak             Code = "key_too_weak"
	CodeRequestInvalid         Code = "request_invalid"
	CodeUnknownServiceProvider Code = "unknown_service_provider"
	CodeACSURLNotRegistered    Code = "acs_url_not_registered"
	CodeInternal               Code = "internal_error"
)

// publicText is the plain sentence and the generic hint for each code.
var publicText = map[Code][2]string{
	CodeMalformed:              {"The SAML message is not well-formed.", "Check that the IdP posts a SAML 2.0 Response (base64 in the SAMLResponse field)."},
	CodeTooLarge:               {"The SAML message is too large.", "SAML responses are normally a few kilobytes; check what the IdP sends."},
	CodeXMLForbidden:           {"The SAML message uses XML features that are refused for safety (a DTD, entities, or constructs that do not survive re-parsing).", "A genuine IdP never sends these; the message was probably forged or tampered with."},
	CodeSignatureMissing:       {"The SAML response is not signed.", "Configure the IdP to sign the assertion (or the response) with its signing certificate."},
	CodeSignatureInvalid:       {"The signature of the SAML response does not verify.", "The message was altered after signing, or the IdP signed it with a key other than the one in the metadata you uploaded."},
	CodeSignatureAlgorithm:     {"The SAML response is signed with an algorithm that is not accepted.", "Configure the IdP to sign with RSA-SHA256 (and SHA-256 digests)."},
	CodeCertificateUntrusted:   {"The SAML response is signed by a certificate that is not the IdP's.", "Upload the IdP's current metadata: its signing certificate may have changed."},
	CodeCertificateExpired:     {"The IdP's signing certificate has expired (or is not valid yet).", "Create a new signing certificate at the IdP, make it active, and upload the IdP's new metadata."},
	CodeIssuerMismatch:         {"The SAML response comes from a different IdP than the one configured.", "Upload the metadata of the IdP that signs users in to this organization."},
	CodeDestinationMismatch:    {"The SAML response was sent to a different address than this organization's ACS URL.", "Set the application's ACS URL at the IdP to this organization's Assertion Consumer Service URL."},
	CodeRecipientMismatch:      {"The SAML assertion is meant for a different ACS URL.", "Set the application's ACS URL at the IdP to this organization's Assertion Consumer Service URL."},
	CodeAudienceMismatch:       {"The SAML assertion is meant for a different service provider (audience).", "Set the application's SAML audience (Entity ID) at the IdP to this organization's Entity ID."},
	CodeNotYetValid:            {"The SAML assertion is not valid yet.", "Check that the clocks of the IdP and this server are correct."},
	CodeExpired:                {"The SAML assertion has expired.", "Sign in again; if it keeps happening, check that the clocks of the IdP and this server are correct."},
	CodeReplayed:               {"This SAML assertion has already been used.", "Sign in again from the start: each assertion can be used once."},
	CodeInResponseToUnknown:    {"The SAML response answers a sign-in request that this organization did not make, that has expired or was already used, or that was started in another browser.", "Start the sign-in again from this site, in the same browser."},
	CodeIdPInitiatedDisabled:   {"Sign-in started at the IdP is turned off for this organization.", "Start from this site's sign-in page, or allow IdP-initiated sign-in in the SSO settings."},
	CodeStatusNotSuccess:       {"The IdP reported that the sign-in did not succeed.", "Check the IdP's sign-in logs for this user and application."},
	CodeSubjectMissing:         {"The SAML assertion does not say who the user is (no NameID).", "Configure the Subject (NameID) of the application at the IdP."},
	CodeSubjectAmbiguous:       {"The SAML assertion names its subject more than once (two Subjects, or two identifiers in one).", "A genuine IdP sends one Subject with one NameID; the message was probably tampered with."},
	CodeAuthnStatementMissing:  {"The SAML assertion does not say that the person signed in (it has no AuthnStatement).", "Configure the IdP to send an authentication statement with the assertion (the Web SSO profile requires one)."},
	CodeSubjectConfirmation:    {"The SAML assertion lacks a valid bearer subject confirmation.", "The IdP must send a bearer SubjectConfirmation with Recipient and NotOnOrAfter."},
	CodeAssertionCount:         {"The SAML response must contain exactly one assertion.", "A genuine IdP sends exactly one assertion; the message was probably tampered with."},
	CodeDecryptionFailed:       {"The encrypted SAML assertion could not be decrypted.", "Check that the IdP encrypts to this organization's current encryption certificate."},
	CodeEncryptionAlgorithm:    {"The SAML assertion is encrypted with an algorithm that is not accepted.", "Configure the IdP to encrypt with AES (GCM or CBC) and RSA-OAEP key transport. (An IdP that can only use 3DES-CBC, such as pysaml2, works with Allow legacy crypto.)"},
	CodeMetadataInvalid:        {"The SAML metadata could not be used.", "Download the metadata file from the IdP again and upload it unchanged."},
	CodeKeyTooWeak:             {"The certificate's key is too weak (RSA keys must have at least 2048 bits).", "Create a new signing certificate at the IdP with a 2048-bit (or larger) RSA key."},
	CodeRequestInvalid:         {"The SAML sign-in request is not valid.", "Start the sign-in again from the application."},
	CodeUnknownServiceProvider: {"The sign-in request comes from an application this Identity Center does not know.", "Check that the application's SAML audience matches the service provider's entity ID."},
	CodeACSURLNotRegistered:    {"The sign-in request asks to send the response to an address that is not registered for the application.", "Register the service provider's ACS URL in the application's configuration."},
	CodeInternal:               {"Something went wrong while processing the SAML message.", "Try again; if it keeps happening, contact the administrator."},
}

// Error is a refused SAML message. Message and Hint are safe to show to
// anyone; Err is the private cause, for logs only.
type Error struct {
	Code    Code
	Message string
	Hint    string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// newError makes an Error with the code's public text and a private cause.
func newError(code Code, cause error) *Error {
	t := publicText[code]
	return &Error{Code: code, Message: t[0], Hint: t[1], Err: cause}
}

// errorf makes an Error with a formatted private cause.
func errorf(code Code, format string, args ...any) *Error {
	return newError(code, fmt.Errorf(format, args...))
}

// NewError makes an Error with the public text of code, for callers (such
// as the Workspace) that refuse for reasons of their own.
func NewError(code Code, cause error) *Error { return newError(code, cause) }

// CodeOf returns the Code of err, or CodeInternal if it is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns a copy of err's *Error, or wraps other errors as
// CodeInternal. It is a copy so that a caller who rewords it for one
// request never changes an error value another request shares.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		return &c
	}
	return newError(CodeInternal, err)
}
