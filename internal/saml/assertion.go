// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// Attribute is one SAML attribute with its values in document order.
type Attribute struct {
	Name         string   `json:"name"`
	NameFormat   string   `json:"name_format,omitempty"`
	FriendlyName string   `json:"friendly_name,omitempty"`
	Values       []string `json:"values"`
}

// Assertion is what a verified Response says. Every field comes from the
// bytes the signature covered.
type Assertion struct {
	ID                    string
	Issuer                string
	IssueInstant          time.Time
	NameID                string
	NameIDFormat          string
	SessionIndex          string
	AuthnInstant          time.Time
	SessionNotOnOrAfter   time.Time
	NotBefore             time.Time
	NotOnOrAfter          time.Time // the earliest of Conditions and the bearer confirmation
	InResponseTo          string
	Attributes            []Attribute
	HasAttributeStatement bool
	// How the message was protected.
	ResponseSigned     bool
	AssertionSigned    bool
	Encrypted          bool
	SignatureAlgorithm string
	// LegacyCrypto is set when SHA-1 or a 1024-bit RSA key was accepted.
	LegacyCrypto bool
	// SigningCertificate is the SHA-256 fingerprint of the trusted
	// certificate whose key verified the signature.
	SigningCertificate string
}

// Attribute returns the values of the first attribute whose Name or
// FriendlyName equals name, compared case-insensitively.
func (a *Assertion) Attribute(name string) ([]string, bool) {
	for _, at := range a.Attributes {
		if strings.EqualFold(at.Name, name) || at.FriendlyName != "" && strings.EqualFold(at.FriendlyName, name) {
			return at.Values, true
		}
	}
	return nil, false
}

// AttributeMap merges attributes by Name, values in document order.
func (a *Assertion) AttributeMap() map[string][]string {
	m := make(map[string][]string, len(a.Attributes))
	for _, at := range a.Attributes {
		m[at.Name] = append(m[at.Name], at.Values...)
		if m[at.Name] == nil {
			m[at.Name] = []string{}
		}
	}
	return m
}

// readAttributes collects every Attribute of every AttributeStatement.
func readAttributes(a *xmlsig.Node) ([]Attribute, bool) {
	var out []Attribute
	for st := range children(a, NSAssertion, "AttributeStatement") {
		for at := range children(st, NSAssertion, "Attribute") {
			attr := Attribute{
				Name:         at.AttrValue("Name"),
				NameFormat:   at.AttrValue("NameFormat"),
				FriendlyName: at.AttrValue("FriendlyName"),
				Values:       []string{},
			}
			for v := range children(at, NSAssertion, "AttributeValue") {
				attr.Values = append(attr.Values, strings.TrimSpace(textOf(v)))
			}
			out = append(out, attr)
		}
	}
	return out, child(a, NSAssertion, "AttributeStatement") != nil
}

// textOf is the character data of el and its descendants, concatenated,
// without comments: text split by a comment reads whole (SECURITY-CASES
// 19–20).
func textOf(el *xmlsig.Node) string { return el.AllText() }
