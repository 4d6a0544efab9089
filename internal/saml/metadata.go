// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"cmp"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// Endpoint is a SAML service location.
type Endpoint struct {
	Binding   string `json:"binding"`
	Location  string `json:"location"`
	Index     int    `json:"index,omitempty"`
	IsDefault bool   `json:"is_default,omitempty"`
	// ResponseLocation is where responses go, when not Location
	// (SingleLogoutService).
	ResponseLocation string `json:"response_location,omitempty"`
}

// SLOEndpoint is a peer's single logout endpoint: its binding, where
// requests go and where responses go.
type SLOEndpoint struct {
	Binding           string // BindingHTTPRedirect or BindingHTTPPost
	Request, Response string
}

// LogoutEndpoint returns the peer's single logout endpoint: the first
// HTTP-Redirect one, else the first HTTP-POST one; ok false when it has
// neither.
func LogoutEndpoint(slo []Endpoint) (SLOEndpoint, bool) {
	for _, binding := range []string{BindingHTTPRedirect, BindingHTTPPost} {
		for _, e := range slo {
			if e.Binding == binding && e.Location != "" {
				return SLOEndpoint{Binding: binding, Request: e.Location, Response: cmp.Or(e.ResponseLocation, e.Location)}, true
			}
		}
	}
	return SLOEndpoint{}, false
}

// IdPDescriptor is what Signet uses of an IDPSSODescriptor.
type IdPDescriptor struct {
	SSOServices             []Endpoint
	SLOServices             []Endpoint
	SigningCertificates     []*x509.Certificate // distinct; KeyDescriptors with use="signing" or no use
	NameIDFormats           []string            // empty <NameIDFormat/> elements (AWS) are skipped
	WantAuthnRequestsSigned bool
}

// SPDescriptor is what Signet uses of an SPSSODescriptor.
type SPDescriptor struct {
	AssertionConsumerServices []Endpoint
	SLOServices               []Endpoint
	SigningCertificates       []*x509.Certificate
	EncryptionCertificates    []*x509.Certificate
	EncryptionMethods         []string // from the encryption KeyDescriptors, in order
	NameIDFormats             []string
	AuthnRequestsSigned       bool
	WantAssertionsSigned      bool
}

// EntityMetadata is one parsed EntityDescriptor.
type EntityMetadata struct {
	EntityID   string
	ValidUntil time.Time // zero when absent
	IdP        *IdPDescriptor
	SP         *SPDescriptor
	// Warnings are things a person should know that do not stop use, such
	// as a certificate that expires soon.
	Warnings []string
}

// Role selects which descriptor ParseMetadata requires.
type Role int

// Roles for MetadataOptions.Require.
const (
	RoleAny Role = iota
	RoleIdP
	RoleSP
)

// MetadataOptions tune ParseMetadata.
type MetadataOptions struct {
	// EntityID picks one entity from an EntitiesDescriptor. Empty: the
	// document must hold exactly one entity with the required role.
	EntityID string
	Require  Role
	// AllowLegacyCrypto accepts 1024-bit RSA certificates.
	AllowLegacyCrypto bool
	// Now is used for certificate-expiry warnings; zero means no warnings.
	Now    time.Time
	Limits Limits
}

// ParseMetadata reads SAML 2.0 metadata as real IdPs and SPs write it. It
// refuses DTDs, locations that are not absolute http(s) URLs, weak keys,
// and documents where the entity to use is missing or ambiguous.
func ParseMetadata(data []byte, opt MetadataOptions) (*EntityMetadata, error) {
	if looksLikeHTML(data) {
		return nil, metadataError("the file is a web page (HTML), not SAML metadata; download the metadata file itself from the identity provider")
	}
	doc, perr := parseXML(data, opt.Limits.WithDefaults())
	if perr != nil {
		return nil, perr
	}
	entities, err := collectEntities(doc.Root, 0)
	if err != nil {
		return nil, err
	}
	var matches []*xmlsig.Node
	for _, e := range entities {
		if opt.EntityID != "" && e.AttrValue("entityID") != opt.EntityID {
			continue
		}
		if opt.Require == RoleIdP && child(e, NSMetadata, "IDPSSODescriptor") == nil ||
			opt.Require == RoleSP && child(e, NSMetadata, "SPSSODescriptor") == nil {
			continue
		}
		matches = append(matches, e)
	}
	switch {
	case len(matches) == 0 && opt.EntityID != "":
		return nil, errorf(CodeMetadataInvalid, "no entity %q with the required role in the metadata", opt.EntityID)
	case len(matches) == 0:
		return nil, metadataError("the metadata has no %s", roleName(opt.Require))
	case len(matches) > 1:
		return nil, metadataError("the metadata describes %d entities; upload the metadata of exactly one", len(matches))
	}
	return parseEntity(matches[0], opt)
}

// looksLikeHTML spots a web page (a login or error page) given as metadata.
func looksLikeHTML(data []byte) bool {
	head := strings.ToLower(string(data[:min(len(data), 512)]))
	return strings.Contains(head, "<!doctype html") || strings.Contains(head, "<html")
}

func roleName(r Role) string {
	switch r {
	case RoleIdP:
		return "identity provider (IDPSSODescriptor)"
	case RoleSP:
		return "service provider (SPSSODescriptor)"
	}
	return "entity"
}

// metadataError is a CodeMetadataInvalid error whose message says what is
// wrong; metadata comes from the admin, so the detail is theirs to see.
func metadataError(format string, args ...any) *Error {
	e := errorf(CodeMetadataInvalid, format, args...)
	e.Message = "The SAML metadata could not be used: " + fmt.Sprintf(format, args...) + "."
	return e
}

func collectEntities(el *xmlsig.Node, depth int) ([]*xmlsig.Node, error) {
	if depth > 8 {
		return nil, metadataError("EntitiesDescriptor nested too deeply")
	}
	switch {
	case is(el, NSMetadata, "EntityDescriptor"):
		return []*xmlsig.Node{el}, nil
	case is(el, NSMetadata, "EntitiesDescriptor"):
		var out []*xmlsig.Node
		for c := range el.ChildElements() {
			if is(c, NSMetadata, "EntityDescriptor") || is(c, NSMetadata, "EntitiesDescriptor") {
				sub, err := collectEntities(c, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
			}
		}
		return out, nil
	}
	return nil, metadataError("the document is not SAML metadata (root element <%s>)", el.FullTag())
}

func parseEntity(e *xmlsig.Node, opt MetadataOptions) (*EntityMetadata, error) {
	m := &EntityMetadata{EntityID: strings.TrimSpace(e.AttrValue("entityID"))}
	if m.EntityID == "" {
		return nil, metadataError("the EntityDescriptor has no entityID")
	}
	if v := e.AttrValue("validUntil"); v != "" {
		t, err := parseTime(v)
		if err != nil {
			return nil, metadataError("validUntil %q is not a valid time", v)
		}
		m.ValidUntil = t
		if !opt.Now.IsZero() && t.Before(opt.Now) {
			m.Warnings = append(m.Warnings, "the metadata's validUntil date has passed; download fresh metadata from the IdP")
		}
	}
	if d := child(e, NSMetadata, "IDPSSODescriptor"); d != nil {
		idp, err := parseIdPDescriptor(d, opt)
		if err != nil {
			return nil, err
		}
		m.IdP = idp
		m.Warnings = append(m.Warnings, expiryWarnings(idp.SigningCertificates, opt.Now)...)
	}
	if d := child(e, NSMetadata, "SPSSODescriptor"); d != nil {
		sp, err := parseSPDescriptor(d, opt)
		if err != nil {
			return nil, err
		}
		m.SP = sp
	}
	return m, nil
}

func parseIdPDescriptor(d *xmlsig.Node, opt MetadataOptions) (*IdPDescriptor, error) {
	if !strings.Contains(d.AttrValue("protocolSupportEnumeration"), NSProtocol) {
		return nil, metadataError("the IDPSSODescriptor does not support SAML 2.0")
	}
	idp := &IdPDescriptor{WantAuthnRequestsSigned: parseBool(d.AttrValue("WantAuthnRequestsSigned"))}
	var err error
	if idp.SSOServices, err = endpoints(d, "SingleSignOnService"); err != nil {
		return nil, err
	}
	if idp.SLOServices, err = endpoints(d, "SingleLogoutService"); err != nil {
		return nil, err
	}
	if len(idp.SSOServices) == 0 {
		return nil, metadataError("the IdP metadata has no SingleSignOnService")
	}
	if idp.SigningCertificates, err = keyDescriptors(d, "signing", opt.AllowLegacyCrypto); err != nil {
		return nil, err
	}
	if len(idp.SigningCertificates) == 0 {
		return nil, metadataError("the IdP metadata has no signing certificate")
	}
	idp.NameIDFormats = nameIDFormats(d)
	return idp, nil
}

func parseSPDescriptor(d *xmlsig.Node, opt MetadataOptions) (*SPDescriptor, error) {
	if !strings.Contains(d.AttrValue("protocolSupportEnumeration"), NSProtocol) {
		return nil, metadataError("the SPSSODescriptor does not support SAML 2.0")
	}
	sp := &SPDescriptor{
		AuthnRequestsSigned:  parseBool(d.AttrValue("AuthnRequestsSigned")),
		WantAssertionsSigned: parseBool(d.AttrValue("WantAssertionsSigned")),
	}
	var err error
	if sp.AssertionConsumerServices, err = endpoints(d, "AssertionConsumerService"); err != nil {
		return nil, err
	}
	if len(sp.AssertionConsumerServices) == 0 {
		return nil, metadataError("the SP metadata has no AssertionConsumerService")
	}
	if sp.SLOServices, err = endpoints(d, "SingleLogoutService"); err != nil {
		return nil, err
	}
	if sp.SigningCertificates, err = keyDescriptors(d, "signing", opt.AllowLegacyCrypto); err != nil {
		return nil, err
	}
	if sp.EncryptionCertificates, err = keyDescriptors(d, "encryption", true); err != nil {
		return nil, err
	}
	for kd := range children(d, NSMetadata, "KeyDescriptor") {
		if kd.AttrValue("use") != "signing" {
			for em := range children(kd, NSMetadata, "EncryptionMethod") {
				sp.EncryptionMethods = append(sp.EncryptionMethods, em.AttrValue("Algorithm"))
			}
		}
	}
	sp.NameIDFormats = nameIDFormats(d)
	return sp, nil
}

// DefaultACS returns the SP's HTTP-POST ACS: the one marked default, else
// the lowest index, else the first.
func (sp *SPDescriptor) DefaultACS() (Endpoint, bool) {
	var best *Endpoint
	for i := range sp.AssertionConsumerServices {
		e := &sp.AssertionConsumerServices[i]
		if e.Binding != BindingHTTPPost {
			continue
		}
		if e.IsDefault {
			return *e, true
		}
		if best == nil || e.Index < best.Index {
			best = e
		}
	}
	if best == nil {
		return Endpoint{}, false
	}
	return *best, true
}

// SSOService returns the IdP's endpoint for binding.
func (idp *IdPDescriptor) SSOService(binding string) (Endpoint, bool) {
	for _, e := range idp.SSOServices {
		if e.Binding == binding {
			return e, true
		}
	}
	return Endpoint{}, false
}

func endpoints(d *xmlsig.Node, tag string) ([]Endpoint, error) {
	var out []Endpoint
	for c := range children(d, NSMetadata, tag) {
		ep := Endpoint{
			Binding:   c.AttrValue("Binding"),
			Location:  strings.TrimSpace(c.AttrValue("Location")),
			IsDefault: parseBool(c.AttrValue("isDefault")),
		}
		if v := c.AttrValue("index"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, metadataError("%s has an invalid index %q", tag, v)
			}
			ep.Index = n
		}
		if err := CheckHTTPURL(ep.Location); err != nil {
			return nil, metadataError("%s Location %q: %v", tag, truncate(ep.Location, 80), err)
		}
		if v := strings.TrimSpace(c.AttrValue("ResponseLocation")); v != "" {
			if err := CheckHTTPURL(v); err != nil {
				return nil, metadataError("%s ResponseLocation %q: %v", tag, truncate(v, 80), err)
			}
			ep.ResponseLocation = v
		}
		out = append(out, ep)
	}
	return out, nil
}

// CheckHTTPURL accepts an absolute http or https URL with a host and no
// user info: never javascript:, data:, file: or a relative reference.
func CheckHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("must be an http or https URL")
	}
	if u.Host == "" || u.User != nil {
		return fmt.Errorf("must be an absolute URL with a host and no user info")
	}
	return nil
}

// keyDescriptors returns the distinct certificates usable for use: a
// KeyDescriptor without a use attribute serves both (SAML metadata §2.4.1.1).
func keyDescriptors(d *xmlsig.Node, use string, allowLegacy bool) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for kd := range children(d, NSMetadata, "KeyDescriptor") {
		if u := kd.AttrValue("use"); u != "" && u != use {
			continue
		}
		ki := child(kd, NSDSig, "KeyInfo")
		for xd := range children(ki, NSDSig, "X509Data") {
			for xc := range children(xd, NSDSig, "X509Certificate") {
				cert, err := parseBase64Certificate(xc.LeadingText())
				if err != nil {
					return nil, metadataError("a %s certificate does not parse: %v", use, err)
				}
				if e := checkKeyStrength(cert, allowLegacy); e != nil {
					e.Message = fmt.Sprintf("The %s certificate's key is too weak (%s); RSA keys must have at least %d bits.", use, KeyDescription(cert), MinRSABits)
					return nil, e
				}
				if !containsCert(out, cert) {
					out = append(out, cert)
				}
			}
		}
	}
	return out, nil
}

func parseBase64Certificate(text string) (*x509.Certificate, error) {
	der, err := base64.StdEncoding.DecodeString(stripSpace(text))
	if err != nil {
		return nil, fmt.Errorf("invalid base64")
	}
	return x509.ParseCertificate(der)
}

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if x.Equal(c) {
			return true
		}
	}
	return false
}

func nameIDFormats(d *xmlsig.Node) []string {
	var out []string
	for f := range children(d, NSMetadata, "NameIDFormat") {
		if v := strings.TrimSpace(f.LeadingText()); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// ExpiringWithin is how long before its end a certificate counts as
// expiring, on every page and warning of both roles.
const ExpiringWithin = 90 * 24 * time.Hour

// CertificateStatus is "expired", "expiring" (within ExpiringWithin) or
// "valid" at now.
func CertificateStatus(c *x509.Certificate, now time.Time) string {
	switch {
	case now.After(c.NotAfter):
		return "expired"
	case c.NotAfter.Sub(now) < ExpiringWithin:
		return "expiring"
	}
	return "valid"
}

// expiryWarnings warns about certificates expired or expiring within 90 days.
func expiryWarnings(certs []*x509.Certificate, now time.Time) []string {
	if now.IsZero() {
		return nil
	}
	var out []string
	for _, c := range certs {
		switch {
		case now.After(c.NotAfter):
			out = append(out, fmt.Sprintf("the signing certificate %q expired on %s", c.Subject.String(), c.NotAfter.Format("2006-01-02")))
		case c.NotAfter.Sub(now) < ExpiringWithin:
			out = append(out, fmt.Sprintf("the signing certificate %q expires on %s, within 90 days", c.Subject.String(), c.NotAfter.Format("2006-01-02")))
		case now.Before(c.NotBefore):
			out = append(out, fmt.Sprintf("the signing certificate %q is not valid until %s", c.Subject.String(), c.NotBefore.Format("2006-01-02")))
		}
	}
	return out
}

func parseBool(s string) bool { return s == "true" || s == "1" }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}
