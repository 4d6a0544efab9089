// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/x509"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// AuthnRequestParams describe an SP-initiated request.
type AuthnRequestParams struct {
	Issuer      string // the SP entity ID
	Destination string // the IdP's SSO URL
	ACSURL      string
	// NameIDFormat is omitted by default: AWS IAM Identity Center refuses a
	// requested format that differs from the app's Subject format.
	NameIDFormat string
	ForceAuthn   bool // the IdP must authenticate the person afresh
	IsPassive    bool // the IdP must not show a page (it answers NoPassive instead)
	// RequestedAuthnContext asks for these classes (with Comparison,
	// "exact" when empty), e.g. AuthnContextMFA.
	RequestedAuthnContext []string
	Comparison            string
	// SignWith, if set, signs the request with an enveloped XML signature,
	// for the HTTP-POST binding. (The Redirect binding signs the query
	// instead: RedirectURL's key.)
	SignWith *KeyPair
	Now      time.Time
	Rand     io.Reader
}

// AuthnRequest is a request built by NewAuthnRequest.
type AuthnRequest struct {
	ID  string
	XML []byte
}

// NewAuthnRequest builds an AuthnRequest (SAML core §3.4.1) asking for the
// response by HTTP-POST at ACSURL.
func NewAuthnRequest(p AuthnRequestParams) (*AuthnRequest, error) {
	if p.Issuer == "" || p.Destination == "" || p.ACSURL == "" {
		return nil, errors.New("authn request: issuer, destination and ACS URL are required")
	}
	ids, err := newIDs(p.Rand, 1)
	if err != nil {
		return nil, err
	}
	req := newProtocolElement("AuthnRequest", ids[0], p.Now.UTC())
	req.CreateAttr("Destination", p.Destination)
	req.CreateAttr("AssertionConsumerServiceURL", p.ACSURL)
	req.CreateAttr("ProtocolBinding", BindingHTTPPost)
	if p.ForceAuthn {
		req.CreateAttr("ForceAuthn", "true")
	}
	if p.IsPassive {
		req.CreateAttr("IsPassive", "true")
	}
	addIssuer(req, p.Issuer)
	pol := req.CreateElement("samlp:NameIDPolicy")
	if p.NameIDFormat != "" {
		pol.CreateAttr("Format", p.NameIDFormat)
	}
	pol.CreateAttr("AllowCreate", "true")
	if len(p.RequestedAuthnContext) > 0 {
		rac := req.CreateElement("samlp:RequestedAuthnContext")
		if p.Comparison != "" {
			rac.CreateAttr("Comparison", p.Comparison)
		}
		for _, c := range p.RequestedAuthnContext {
			rac.CreateElement("saml:AuthnContextClassRef").SetText(c)
		}
	}
	if p.SignWith != nil {
		sctx, err := signingContext(*p.SignWith)
		if err != nil {
			return nil, err
		}
		if err := signInPlace(sctx, req); err != nil {
			return nil, err
		}
	}
	xml, err := serialize(req)
	if err != nil {
		return nil, err
	}
	return &AuthnRequest{ID: ids[0], XML: xml}, nil
}

// ReceivedAuthnRequest is what the IdP reads from an AuthnRequest.
type ReceivedAuthnRequest struct {
	ID                 string
	Issuer             string
	Destination        string
	ACSURL             string // AssertionConsumerServiceURL, if given
	ACSIndex           int    // AssertionConsumerServiceIndex, -1 if not given
	ProtocolBinding    string
	NameIDPolicyFormat string
	ForceAuthn         bool
	IsPassive          bool
	// RequestedAuthnContext lists the AuthnContextClassRefs the SP asked
	// for, with the Comparison ("exact" when absent).
	RequestedAuthnContext []string
	Comparison            string
	IssueInstant          time.Time
	// Signed is set when an embedded (POST) or query-string (Redirect)
	// signature was verified by CheckAuthnRequest.
	Signed bool

	doc *xmlsig.Node
	sig *xmlsig.Node
}

// ParseAuthnRequest reads an AuthnRequest's XML (after binding decoding).
func ParseAuthnRequest(xml []byte, lim Limits) (*ReceivedAuthnRequest, error) {
	doc, perr := parseXML(xml, lim.WithDefaults())
	if perr != nil {
		return nil, perr
	}
	root := doc.Root
	if !is(root, NSProtocol, "AuthnRequest") {
		return nil, errorf(CodeRequestInvalid, "root element is <%s>, not an AuthnRequest", root.FullTag())
	}
	r := &ReceivedAuthnRequest{
		ID:              root.AttrValue("ID"),
		Destination:     root.AttrValue("Destination"),
		ACSURL:          root.AttrValue("AssertionConsumerServiceURL"),
		ACSIndex:        -1,
		ProtocolBinding: root.AttrValue("ProtocolBinding"),
		ForceAuthn:      parseBool(root.AttrValue("ForceAuthn")),
		IsPassive:       parseBool(root.AttrValue("IsPassive")),
		doc:             root,
	}
	// An ID must be a safe name: it is echoed back as InResponseTo
	// (SECURITY-CASES 78, CVE-2021-37154).
	if !isSafeID(r.ID) {
		return nil, errorf(CodeRequestInvalid, "the request ID is not a valid XML ID")
	}
	if root.AttrValue("Version") != "2.0" {
		return nil, errorf(CodeRequestInvalid, "the request's Version is not 2.0")
	}
	t, err := parseTime(root.AttrValue("IssueInstant"))
	if err != nil {
		return nil, errorf(CodeRequestInvalid, "IssueInstant: %v", err)
	}
	r.IssueInstant = t
	if v := root.AttrValue("AssertionConsumerServiceIndex"); v != "" {
		if r.ACSIndex = atoiOr(v, -2); r.ACSIndex < 0 {
			return nil, errorf(CodeRequestInvalid, "invalid AssertionConsumerServiceIndex")
		}
	}
	if iss := child(root, NSAssertion, "Issuer"); iss != nil {
		r.Issuer = strings.TrimSpace(iss.LeadingText())
	}
	if pol := child(root, NSProtocol, "NameIDPolicy"); pol != nil {
		r.NameIDPolicyFormat = pol.AttrValue("Format")
	}
	if rac := child(root, NSProtocol, "RequestedAuthnContext"); rac != nil {
		r.Comparison = orDefault(rac.AttrValue("Comparison"), "exact")
		if !slices.Contains([]string{"exact", "minimum", "maximum", "better"}, r.Comparison) {
			return nil, errorf(CodeRequestInvalid, "RequestedAuthnContext has an unknown Comparison %q", r.Comparison)
		}
		for ref := range children(rac, NSAssertion, "AuthnContextClassRef") {
			if len(r.RequestedAuthnContext) == 8 {
				return nil, errorf(CodeRequestInvalid, "RequestedAuthnContext lists more than 8 classes")
			}
			r.RequestedAuthnContext = append(r.RequestedAuthnContext, strings.TrimSpace(ref.LeadingText()))
		}
	}
	if n := count(root, NSDSig, "Signature"); n > 1 {
		return nil, errorf(CodeSignatureInvalid, "the request has %d signatures", n)
	}
	r.sig = child(root, NSDSig, "Signature")
	return r, nil
}

// ContextOK reports whether an authentication of the class got (one of
// AuthnContextPassword and AuthnContextMFA) satisfies the request's
// RequestedAuthnContext; needMFA reports whether asking for MFA would.
// Classes Signet does not know are never satisfied.
func (r *ReceivedAuthnRequest) ContextOK(got string) (ok, needMFA bool) {
	if len(r.RequestedAuthnContext) == 0 {
		return true, false
	}
	rank := map[string]int{AuthnContextPassword: 1, AuthnContextMFA: 2}
	satisfies := func(have string) bool {
		for _, want := range r.RequestedAuthnContext {
			w, known := rank[want]
			if !known {
				continue
			}
			switch r.Comparison {
			case "minimum":
				if rank[have] >= w {
					return true
				}
			case "better":
				if rank[have] > w {
					return true
				}
			case "maximum":
				if rank[have] <= w {
					return true
				}
			default:
				if have == want {
					return true
				}
			}
		}
		return false
	}
	return satisfies(got), !satisfies(got) && satisfies(AuthnContextMFA)
}

// AuthnRequestPolicy is what the IdP knows of the SP that sent a request.
type AuthnRequestPolicy struct {
	SSOURL        string   // our SSO endpoint: the Destination must be it
	SPEntityID    string   // the app's audience: the Issuer must be it
	ACSURLs       []string // registered ACS URLs, index order
	RequireSigned bool
	SPCerts       []*x509.Certificate // to verify signed requests
	AllowLegacy   bool
	Now           time.Time
	ClockSkew     time.Duration
	MaxAge        time.Duration
	// Redirect is the decoded message when the request came by the
	// HTTP-Redirect binding (its signature is in the query string).
	Redirect *RedirectMessage
}

// CheckAuthnRequest applies the IdP's rules (SECURITY-CASES 76–78) and
// returns the ACS URL to answer at: the Issuer must be the app's audience,
// the Destination (if any) our SSO URL, the ACS URL (or index) one
// registered for the app, the request fresh, and signed when required;
// a present signature must verify.
func CheckAuthnRequest(r *ReceivedAuthnRequest, p AuthnRequestPolicy) (string, error) {
	if r.Issuer == "" || r.Issuer != p.SPEntityID {
		return "", errorf(CodeUnknownServiceProvider, "request Issuer %q is not the application's audience %q", truncate(r.Issuer, 200), p.SPEntityID)
	}
	if r.Destination != "" && r.Destination != p.SSOURL {
		return "", errorf(CodeDestinationMismatch, "request Destination %q is not this SSO URL", truncate(r.Destination, 200))
	}
	skew, maxAge := orDuration(p.ClockSkew, DefaultClockSkew), orDuration(p.MaxAge, DefaultMaxResponseAge)
	if r.IssueInstant.After(p.Now.Add(skew)) || p.Now.Sub(r.IssueInstant) > maxAge+skew {
		return "", errorf(CodeRequestInvalid, "request IssueInstant %s is not fresh", formatTime(r.IssueInstant))
	}
	if r.ProtocolBinding != "" && r.ProtocolBinding != BindingHTTPPost {
		return "", errorf(CodeRequestInvalid, "ProtocolBinding %q is not supported; use HTTP-POST", truncate(r.ProtocolBinding, 100))
	}
	if err := checkRequestSignature(r, p); err != nil {
		return "", err
	}
	return chooseACS(r, p.ACSURLs)
}

func checkRequestSignature(r *ReceivedAuthnRequest, p AuthnRequestPolicy) error {
	switch {
	case p.Redirect != nil && p.Redirect.Signed():
		if err := p.Redirect.VerifyRedirectSignature(p.SPCerts, p.AllowLegacy); err != nil {
			return err
		}
		r.Signed = true
	case p.Redirect == nil && r.sig != nil:
		if len(p.SPCerts) == 0 {
			return errorf(CodeCertificateUntrusted, "the request is signed but the application has no SP signing certificate")
		}
		var legacy bool
		if _, err := verifySigned(r.doc, r.sig, trustPolicy{certs: p.SPCerts, allowLegacy: p.AllowLegacy,
			allowExpired: true, certNow: p.Now, usedLegacy: &legacy}); err != nil {
			return err
		}
		r.Signed = true
	}
	if p.RequireSigned && !r.Signed {
		return errorf(CodeSignatureMissing, "the application requires signed requests")
	}
	return nil
}

func chooseACS(r *ReceivedAuthnRequest, registered []string) (string, error) {
	if len(registered) == 0 {
		return "", errorf(CodeACSURLNotRegistered, "the application has no ACS URL")
	}
	switch {
	case r.ACSURL != "":
		if CheckHTTPURL(r.ACSURL) != nil || !slices.Contains(registered, r.ACSURL) {
			return "", errorf(CodeACSURLNotRegistered, "ACS URL %q is not registered for the application", truncate(r.ACSURL, 200))
		}
		return r.ACSURL, nil
	case r.ACSIndex >= 0:
		if r.ACSIndex >= len(registered) {
			return "", errorf(CodeACSURLNotRegistered, "AssertionConsumerServiceIndex %d is not registered", r.ACSIndex)
		}
		return registered[r.ACSIndex], nil
	}
	return registered[0], nil
}

func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func atoiOr(s string, def int) int {
	n := 0
	if s == "" || len(s) > 6 {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}
