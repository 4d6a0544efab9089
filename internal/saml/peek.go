// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import "strings"

// Summary is what a response says, for the admin's sign-in attempts log.
// Verified is false when it was read from a response that failed
// verification: then it is only a clue for the diagnosis, never identity.
type Summary struct {
	Verified     bool        `json:"verified"`
	Issuer       string      `json:"issuer,omitempty"`
	Destination  string      `json:"destination,omitempty"`
	Audience     []string    `json:"audience,omitempty"`
	Recipient    string      `json:"recipient,omitempty"`
	NameID       string      `json:"name_id,omitempty"`
	NameIDFormat string      `json:"name_id_format,omitempty"`
	Attributes   []Attribute `json:"attributes,omitempty"`
	Encrypted    bool        `json:"encrypted,omitempty"`
}

// SummaryOf describes a verified assertion.
func SummaryOf(a *Assertion, audience, destination string) Summary {
	return Summary{Verified: true, Issuer: a.Issuer, NameID: a.NameID, NameIDFormat: a.NameIDFormat,
		Attributes: a.Attributes, Audience: []string{audience}, Destination: destination, Encrypted: a.Encrypted}
}

// Peek reads a response without verifying it (through the same safe parser
// as Verify), to help an admin see why it was refused. Nothing it returns
// may be used to sign anyone in.
func Peek(data []byte, lim Limits) (Summary, bool) {
	doc, err := parseXML(data, lim.WithDefaults())
	if err != nil || !is(doc.Root, NSProtocol, "Response") {
		return Summary{}, false
	}
	resp := doc.Root
	s := Summary{Destination: resp.AttrValue("Destination")}
	if iss := child(resp, NSAssertion, "Issuer"); iss != nil {
		s.Issuer = strings.TrimSpace(iss.LeadingText())
	}
	if child(resp, NSAssertion, "EncryptedAssertion") != nil {
		s.Encrypted = true
		return s, true
	}
	a := child(resp, NSAssertion, "Assertion")
	if a == nil {
		return s, true
	}
	if iss := child(a, NSAssertion, "Issuer"); iss != nil {
		s.Issuer = strings.TrimSpace(iss.LeadingText())
	}
	if n := child(child(a, NSAssertion, "Subject"), NSAssertion, "NameID"); n != nil {
		s.NameID, s.NameIDFormat = strings.TrimSpace(textOf(n)), n.AttrValue("Format")
	}
	for sc := range children(child(a, NSAssertion, "Subject"), NSAssertion, "SubjectConfirmation") {
		if d := child(sc, NSAssertion, "SubjectConfirmationData"); d != nil {
			s.Recipient = d.AttrValue("Recipient")
		}
	}
	for ar := range children(child(a, NSAssertion, "Conditions"), NSAssertion, "AudienceRestriction") {
		for au := range children(ar, NSAssertion, "Audience") {
			s.Audience = append(s.Audience, strings.TrimSpace(au.LeadingText()))
		}
	}
	s.Attributes, _ = readAttributes(a)
	return s, true
}

// PeekIssuer reads the Issuer of a SAML protocol message (a Response,
// LogoutRequest or LogoutResponse; a Response's assertion's when the
// Response names none) without verifying anything, to pick which of an
// org's IdPs the message claims to come from. "" if it names none or does
// not parse.
func PeekIssuer(data []byte, lim Limits) string {
	doc, err := parseXML(data, lim.WithDefaults())
	if err != nil || doc.Root == nil || doc.Root.NS != NSProtocol {
		return ""
	}
	if iss := child(doc.Root, NSAssertion, "Issuer"); iss != nil {
		return strings.TrimSpace(iss.LeadingText())
	}
	if iss := child(child(doc.Root, NSAssertion, "Assertion"), NSAssertion, "Issuer"); iss != nil {
		return strings.TrimSpace(iss.LeadingText())
	}
	return ""
}
