// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import "github.com/signet-sso/signet/internal/xmlsig"

// XML namespaces.
const (
	NSAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	NSProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	NSMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	NSDSig      = "http://www.w3.org/2000/09/xmldsig#"
	NSXMLEnc    = "http://www.w3.org/2001/04/xmlenc#"
	NSXSI       = "http://www.w3.org/2001/XMLSchema-instance"
	NSXS        = "http://www.w3.org/2001/XMLSchema"
)

// Bindings.
const (
	BindingHTTPPost     = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	BindingHTTPRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
)

// NameID formats.
const (
	NameIDUnspecified  = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
	NameIDEmail        = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
	NameIDPersistent   = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	NameIDTransient    = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
	nameIDEmail20Alias = "urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress"
	nameIDEntity       = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
)

// NameIDFormat is the URI of a NameID format's short name as the console
// and CLI write it ("emailAddress"), or "" for an unknown one.
func NameIDFormat(short string) string { return nameIDFormatURIs[short] }

var nameIDFormatURIs = map[string]string{
	"unspecified":  NameIDUnspecified,
	"emailAddress": NameIDEmail,
	"persistent":   NameIDPersistent,
	"transient":    NameIDTransient,
}

// Attribute NameFormats.
const (
	AttrNameFormatUnspecified = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"
	AttrNameFormatBasic       = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
	AttrNameFormatURI         = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
)

// AttrNameFormat is the URI of an attribute NameFormat's short name as
// the console and CLI write it ("basic"), or "" for an unknown one.
func AttrNameFormat(short string) string { return attrNameFormats[short] }

var attrNameFormats = map[string]string{
	"unspecified": AttrNameFormatUnspecified,
	"basic":       AttrNameFormatBasic,
	"uri":         AttrNameFormatURI,
}

// Status codes.
const (
	StatusSuccess             = "urn:oasis:names:tc:SAML:2.0:status:Success"
	StatusRequester           = "urn:oasis:names:tc:SAML:2.0:status:Requester"
	StatusResponder           = "urn:oasis:names:tc:SAML:2.0:status:Responder"
	StatusInvalidNameIDPolicy = "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy"
	StatusNoPassive           = "urn:oasis:names:tc:SAML:2.0:status:NoPassive"
	StatusNoAuthnContext      = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext"
)

// Authentication context classes the Identity Center asserts.
const (
	// AuthnContextPassword: a password over TLS.
	AuthnContextPassword = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
	// AuthnContextMFA is the REFEDS MFA profile: two factors of different
	// kinds, the person's password and a registered device.
	AuthnContextMFA = "https://refeds.org/profile/mfa"
)

const (
	confirmationBearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
)

// Signature and digest algorithms: the engine's (package xmlsig).
const (
	AlgRSASHA1            = xmlsig.AlgRSASHA1
	AlgRSASHA256          = xmlsig.AlgRSASHA256
	AlgRSASHA384          = xmlsig.AlgRSASHA384
	AlgRSASHA512          = xmlsig.AlgRSASHA512
	AlgECDSASHA256        = xmlsig.AlgECDSASHA256
	AlgECDSASHA384        = xmlsig.AlgECDSASHA384
	AlgECDSASHA512        = xmlsig.AlgECDSASHA512
	DigestSHA1            = xmlsig.DigestSHA1
	DigestSHA256          = xmlsig.DigestSHA256
	DigestSHA384          = xmlsig.DigestSHA384
	DigestSHA512          = xmlsig.DigestSHA512
	transformEnveloped    = xmlsig.AlgEnveloped
	c14nExclusive         = xmlsig.AlgExcC14N
	c14nExclusiveComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
)

// Encryption algorithms.
const (
	encRSAOAEPMGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
	encRSAOAEP11    = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
	encRSA15        = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
	encTripleDESCBC = "http://www.w3.org/2001/04/xmlenc#tripledes-cbc"
	encAES128CBC    = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
	encAES192CBC    = "http://www.w3.org/2001/04/xmlenc#aes192-cbc"
	encAES256CBC    = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
	encAES128GCM    = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
	encAES192GCM    = "http://www.w3.org/2009/xmlenc11#aes192-gcm"
	encAES256GCM    = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
)
