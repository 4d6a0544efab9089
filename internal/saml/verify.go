// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// DefaultClockSkew is how far the IdP's clock may be from ours.
const DefaultClockSkew = 3 * time.Minute

// DefaultMaxResponseAge is how old a Response's IssueInstant may be.
const DefaultMaxResponseAge = 5 * time.Minute

// RequestIDs tells whether an InResponseTo names a request this SP made and
// still awaits. Consume must succeed at most once per ID. The Workspace binds
// it to one org, so a request made for one org never validates another's.
type RequestIDs interface {
	ConsumeRequestID(ctx context.Context, id string) (bool, error)
}

// ReplayCache remembers assertion IDs until they expire. RecordAssertion
// reports whether the ID may be used: true for exactly one of any number of
// calls with the same ID. A caller that records the ID in its own final
// write, which then lets exactly one use through (as the Workspace's ACS
// does), may answer whether the ID is unseen so far instead.
type ReplayCache interface {
	RecordAssertion(ctx context.Context, id string, expiresAt time.Time) (bool, error)
}

// Verifier checks Responses sent to one SP (one Workspace org) by one IdP.
// Build it once per connection and reuse it: it holds no per-request state.
type Verifier struct {
	IdPEntityID     string
	IdPCertificates []*x509.Certificate // the trusted signing certificates (two for rotation)
	SPEntityID      string
	ACSURL          string

	AllowIdPInitiated bool
	// AllowLegacyCrypto accepts RSA-SHA1 signatures, SHA-1 digests and
	// 1024-bit RSA IdP keys, which some older IdPs still use.
	AllowLegacyCrypto bool
	// AllowExpiredCertificate accepts signatures by an IdP certificate
	// outside its validity dates. Off by default (SECURITY-CASES 49).
	AllowExpiredCertificate bool
	// RequireSignedAssertion refuses a Response whose assertion is covered
	// only by the Response's signature (SECURITY-CASES 35–36).
	RequireSignedAssertion bool
	// DecryptionKeys decrypt EncryptedAssertions (RSA keys; several for rotation).
	DecryptionKeys []crypto.Decrypter

	ClockSkew      time.Duration // default DefaultClockSkew
	MaxResponseAge time.Duration // default DefaultMaxResponseAge
	Now            func() time.Time
	// CertificateNow is the clock for IdP certificate validity; nil means Now.
	CertificateNow func() time.Time

	RequestIDs RequestIDs  // nil: no SP-initiated requests are outstanding
	Replay     ReplayCache // nil: no replay detection (only for offline tools)
	Limits     Limits
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now().UTC()
	}
	return time.Now().UTC()
}

func (v *Verifier) skew() time.Duration {
	if v.ClockSkew > 0 {
		return v.ClockSkew
	}
	return DefaultClockSkew
}

// VerifyBase64 decodes the SAMLResponse form value and verifies it.
func (v *Verifier) VerifyBase64(ctx context.Context, value []byte) (*Assertion, error) {
	lim := v.Limits.WithDefaults()
	data, err := DecodeBase64(value, lim.MaxMessageBytes)
	if err != nil {
		return nil, err
	}
	return v.Verify(ctx, data)
}

// Verify checks a Response (XML bytes) and returns its one assertion.
// The checks, in order (DESIGN.md §4, SAML core and profiles sections cited):
//  1. safe parsing (size, no DTD, round-trip, limits): see parseXML;
//  2. the root is samlp:Response; exactly one Assertion or
//     EncryptedAssertion in the whole document outside Advice, as a direct
//     child of the Response (profiles §4.1.4.2; SECURITY-CASES 3–8, 11, 17);
//     no ds:Signature except as a direct child of Response or Assertion,
//     and no Response inside the Response (17);
//     IDs unique and NCNames (12, 33);
//  3. Status is Success (core §3.2.2.2), checked before 2 so an error
//     response without an assertion reports the IdP's status;
//  4. a Response signature, if present, verifies (core §5.4);
//  5. an EncryptedAssertion is decrypted (core §2.3.4);
//  6. an assertion signature, if present, verifies; without one the
//     Response must be signed (profiles §4.1.3.5);
//  7. Issuer, Destination, IssueInstant, Subject, bearer confirmation,
//     Conditions and AuthnStatement (profiles §4.1.4.2–3, core §2.5.1);
//  8. InResponseTo against outstanding requests, or IdP-initiated allowed;
//  9. the assertion ID is recorded in the replay cache (profiles §4.1.4.5).
func (v *Verifier) Verify(ctx context.Context, data []byte) (*Assertion, error) {
	if err := v.checkConfig(); err != nil {
		return nil, err
	}
	lim := v.Limits.WithDefaults()
	doc, perr := parseXML(data, lim)
	if perr != nil {
		return nil, perr
	}
	resp := doc.Root
	if !is(resp, NSProtocol, "Response") {
		return nil, errorf(CodeMalformed, "root element is <%s>, not a SAML 2.0 Response", resp.FullTag())
	}
	// A failure status comes first: IdPs report errors (NoPassive,
	// AuthnFailed, …) in responses without an assertion, and the status is
	// the diagnosis. It only ever refuses, so reading it unsigned is safe.
	if err := checkStatus(resp); err != nil {
		return nil, err
	}
	if err := checkStructure(resp); err != nil {
		return nil, err
	}
	out := &Assertion{}
	now := v.now()
	policy := trustPolicy{
		certs: v.IdPCertificates, allowLegacy: v.AllowLegacyCrypto, allowExpired: v.AllowExpiredCertificate,
		certNow: now, usedLegacy: &out.LegacyCrypto, signatureAlgo: &out.SignatureAlgorithm, signedBy: &out.SigningCertificate,
	}
	if v.CertificateNow != nil {
		policy.certNow = v.CertificateNow().UTC()
	}
	if sig := child(resp, NSDSig, "Signature"); sig != nil {
		verified, err := verifySigned(resp, sig, policy)
		if err != nil {
			return nil, err
		}
		resp, out.ResponseSigned = verified, true
	}
	assertion, err := v.openAssertion(resp, out, policy, lim)
	if err != nil {
		return nil, err
	}
	if err := v.checkResponse(resp, out, now); err != nil {
		return nil, err
	}
	if err := v.checkAssertion(assertion, out, now); err != nil {
		return nil, err
	}
	if err := v.checkSolicitation(ctx, out); err != nil {
		return nil, err
	}
	if err := v.recordReplay(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (v *Verifier) checkConfig() error {
	switch {
	case v.IdPEntityID == "" || v.SPEntityID == "" || v.ACSURL == "":
		return errorf(CodeInternal, "verifier needs the IdP entity ID, the SP entity ID and the ACS URL")
	case len(v.IdPCertificates) == 0:
		return errorf(CodeInternal, "verifier has no trusted IdP certificate")
	}
	return nil
}

// checkStructure enforces the document-wide rules of step 2.
func checkStructure(resp *xmlsig.Node) *Error {
	inAdvice := func(e *xmlsig.Node) bool { return is(e, NSAssertion, "Advice") }
	total := countDescendants(resp, NSAssertion, "Assertion", inAdvice) +
		countDescendants(resp, NSAssertion, "EncryptedAssertion", inAdvice)
	direct := count(resp, NSAssertion, "Assertion") + count(resp, NSAssertion, "EncryptedAssertion")
	if total != 1 || direct != 1 {
		return errorf(CodeAssertionCount, "%d assertions in the document (%d directly in the Response), want exactly 1", total, direct)
	}
	var seen [8]string // IDs so far; a real Response has two or three
	ids := seen[:0]
	for e := range resp.Descendants() {
		if e != resp && is(e, NSProtocol, "Response") {
			return errorf(CodeMalformed, "a Response nested inside the Response")
		}
		if is(e, NSDSig, "Signature") {
			p := e.Parent()
			if !is(p, NSProtocol, "Response") && !is(p, NSAssertion, "Assertion") {
				return errorf(CodeSignatureInvalid, "ds:Signature inside <%s>: signatures are only allowed on the Response and the Assertion", p.FullTag())
			}
			if p != resp && !is(p.Parent(), NSProtocol, "Response") {
				return errorf(CodeSignatureInvalid, "signed assertion nested below the Response")
			}
		}
		if a := e.Attr("ID"); a != nil {
			if !isSafeID(a.Value) {
				return errorf(CodeMalformed, "ID %q is not an XML name", truncate(a.Value, 60))
			}
			if slices.Contains(ids, a.Value) {
				return errorf(CodeSignatureInvalid, "two elements share the ID %q", truncate(a.Value, 60))
			}
			if len(ids) >= maxIDs {
				return errorf(CodeTooLarge, "more than %d elements with an ID", maxIDs)
			}
			ids = append(ids, a.Value)
		}
	}
	return nil
}

// maxIDs bounds the elements with an ID in a Response (checking them for
// duplicates is quadratic; a real Response has two or three).
const maxIDs = 64

// isSafeID accepts IDs of letters, digits, '-', '_' and '.', up to 256
// bytes. xs:ID must be an NCName, but real IdPs (SecureWorks) send IDs that
// start with a digit, so the first character is not restricted; quotes,
// '<', '&', spaces and XPath syntax are refused (SECURITY-CASES 33, 78).
func isSafeID(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
		default:
			return false
		}
	}
	return true
}

func checkStatus(resp *xmlsig.Node) *Error {
	sc := child(child(resp, NSProtocol, "Status"), NSProtocol, "StatusCode")
	if sc == nil {
		return errorf(CodeMalformed, "the Response has no Status")
	}
	if code := sc.AttrValue("Value"); code != StatusSuccess {
		detail := code
		if sub := child(sc, NSProtocol, "StatusCode"); sub != nil {
			detail += " / " + sub.AttrValue("Value")
		}
		if msg := child(child(resp, NSProtocol, "Status"), NSProtocol, "StatusMessage"); msg != nil {
			detail += ": " + truncate(msg.LeadingText(), 200)
		}
		e := errorf(CodeStatusNotSuccess, "IdP status %s", detail)
		if sub := child(sc, NSProtocol, "StatusCode"); sub != nil {
			if h, ok := statusHints[sub.AttrValue("Value")]; ok {
				e.Hint = h
			}
		}
		return e
	}
	return nil
}

// statusHints explain the second-level status codes IdPs send with a
// failure (saml-core 3.2.2.2).
var statusHints = map[string]string{
	"urn:oasis:names:tc:SAML:2.0:status:AuthnFailed": "The IdP could not authenticate the person (a wrong password, or a failed second factor). " +
		"They should sign in at the IdP again; its sign-in logs say more.",
	"urn:oasis:names:tc:SAML:2.0:status:RequestDenied": "The IdP refused to sign the person in to this application: " +
		"check that they are assigned to the application at the IdP.",
	StatusNoPassive: "The IdP needed to show a sign-in page but was asked not to. Start the sign-in again from this site.",
	StatusInvalidNameIDPolicy: "The IdP cannot send the NameID format that was asked for. " +
		"Set the application's Subject (NameID) format at the IdP to emailAddress or unspecified.",
	"urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal":   "The IdP does not know this person: check their account at the IdP.",
	"urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported": "The IdP does not support the request: check the application's configuration at the IdP.",
}

// openAssertion finds the one assertion in the (verified) Response,
// decrypts it if needed, and verifies its own signature.
func (v *Verifier) openAssertion(resp *xmlsig.Node, out *Assertion, p trustPolicy, lim Limits) (*xmlsig.Node, *Error) {
	a := child(resp, NSAssertion, "Assertion")
	if ea := child(resp, NSAssertion, "EncryptedAssertion"); ea != nil {
		var err *Error
		if a, err = v.decryptAssertion(ea, out, lim); err != nil {
			return nil, err
		}
		out.Encrypted = true
	}
	if a == nil {
		return nil, errorf(CodeAssertionCount, "no assertion")
	}
	verified, err := v.checkAssertionSignature(a, out, p)
	if err != nil && out.Encrypted && !out.ResponseSigned && err.Code != CodeCertificateExpired {
		// Nothing authenticated the ciphertext: telling "decrypted to
		// garbage" from "decrypted to XML that does not verify" would be
		// a padding oracle (SECURITY-CASES 94). One code for all of it.
		// (certificate_expired comes only after the signature verified:
		// the content is the IdP's, and the admin needs that diagnosis.)
		return nil, errorf(CodeDecryptionFailed, "the decrypted assertion was refused: %v", err)
	}
	return verified, err
}

// checkAssertionSignature verifies the assertion's own signature, if any,
// and requires one where the Response is unsigned.
func (v *Verifier) checkAssertionSignature(a *xmlsig.Node, out *Assertion, p trustPolicy) (*xmlsig.Node, *Error) {
	switch n := count(a, NSDSig, "Signature"); {
	case n > 1:
		return nil, errorf(CodeSignatureInvalid, "the assertion has %d signatures", n)
	case n == 1:
		verified, err := verifySigned(a, child(a, NSDSig, "Signature"), p)
		if err != nil {
			return nil, err
		}
		out.AssertionSigned = true
		return verified, nil
	case !out.ResponseSigned:
		return nil, errorf(CodeSignatureMissing, "neither the Response nor the Assertion is signed")
	case v.RequireSignedAssertion:
		return nil, errorf(CodeSignatureMissing, "the assertion is not signed and this connection requires signed assertions")
	}
	return a, nil
}

// checkResponse checks the Response-level fields.
func (v *Verifier) checkResponse(resp *xmlsig.Node, out *Assertion, now time.Time) *Error {
	if resp.AttrValue("Version") != "2.0" {
		return errorf(CodeMalformed, "Response Version is not 2.0")
	}
	if iss := child(resp, NSAssertion, "Issuer"); iss != nil {
		if err := v.checkIssuer(iss, "Response"); err != nil {
			return err
		}
	}
	// A Destination must be our ACS; on a signed Response it is required
	// (SAML bindings §3.5.5.2; SECURITY-CASES 57).
	dest := resp.Attr("Destination")
	switch {
	case dest != nil && dest.Value != v.ACSURL:
		return errorf(CodeDestinationMismatch, "Destination %q is not the ACS URL %q", truncate(dest.Value, 200), v.ACSURL)
	case dest == nil && out.ResponseSigned:
		return errorf(CodeDestinationMismatch, "the signed Response has no Destination")
	}
	issued, err := parseTime(resp.AttrValue("IssueInstant"))
	if err != nil {
		return errorf(CodeMalformed, "Response IssueInstant: %v", err)
	}
	if err := v.checkIssueInstant(issued, now, "Response"); err != nil {
		return err
	}
	out.InResponseTo = resp.AttrValue("InResponseTo")
	return nil
}

func (v *Verifier) checkIssueInstant(t, now time.Time, what string) *Error {
	maxAge := v.MaxResponseAge
	if maxAge <= 0 {
		maxAge = DefaultMaxResponseAge
	}
	switch {
	case t.After(now.Add(v.skew())):
		return errorf(CodeNotYetValid, "%s IssueInstant %s is in the future (now %s)", what, formatTime(t), formatTime(now))
	case now.Sub(t) > maxAge+v.skew():
		return errorf(CodeExpired, "%s IssueInstant %s is older than %s (now %s)", what, formatTime(t), maxAge, formatTime(now))
	}
	return nil
}

// checkIssuer: the Issuer must be the configured IdP, with the entity format
// or none (core §2.2.5; SECURITY-CASES 54).
func (v *Verifier) checkIssuer(iss *xmlsig.Node, what string) *Error {
	if f := iss.AttrValue("Format"); f != "" && f != nameIDEntity {
		return errorf(CodeIssuerMismatch, "%s Issuer has Format %q", what, truncate(f, 100))
	}
	if got := strings.TrimSpace(iss.LeadingText()); got != v.IdPEntityID {
		return errorf(CodeIssuerMismatch, "%s Issuer %q is not the IdP %q", what, truncate(got, 200), v.IdPEntityID)
	}
	return nil
}

func (v *Verifier) checkAssertion(a *xmlsig.Node, out *Assertion, now time.Time) *Error {
	if a.AttrValue("Version") != "2.0" {
		return errorf(CodeMalformed, "Assertion Version is not 2.0")
	}
	out.ID = a.AttrValue("ID")
	if !isSafeID(out.ID) {
		return errorf(CodeMalformed, "the assertion has no valid ID")
	}
	iss := child(a, NSAssertion, "Issuer")
	if iss == nil {
		return errorf(CodeIssuerMismatch, "the assertion has no Issuer")
	}
	if err := v.checkIssuer(iss, "Assertion"); err != nil {
		return err
	}
	out.Issuer = v.IdPEntityID
	var err error
	if out.IssueInstant, err = parseTime(a.AttrValue("IssueInstant")); err != nil {
		return errorf(CodeMalformed, "Assertion IssueInstant: %v", err)
	}
	if err := v.checkIssueInstant(out.IssueInstant, now, "Assertion"); err != nil {
		return err
	}
	if err := v.checkSubject(a, out, now); err != nil {
		return err
	}
	if err := v.checkConditions(a, out, now); err != nil {
		return err
	}
	if err := v.readAuthnStatement(a, out, now); err != nil {
		return err
	}
	out.Attributes, out.HasAttributeStatement = readAttributes(a)
	return nil
}

// checkSubject reads the NameID and requires a bearer SubjectConfirmation
// whose data names our ACS as Recipient and has not expired (profiles
// §4.1.4.2; SECURITY-CASES 22, 56, 59, 60, 67).
func (v *Verifier) checkSubject(a *xmlsig.Node, out *Assertion, now time.Time) *Error {
	// Parsers disagree on which of two Subjects or two identifiers wins:
	// refuse them all (SECURITY-CASES 81).
	if n := count(a, NSAssertion, "Subject"); n > 1 {
		return errorf(CodeSubjectAmbiguous, "the assertion has %d Subjects", n)
	}
	subj := child(a, NSAssertion, "Subject")
	if n := count(subj, NSAssertion, "NameID") + count(subj, NSAssertion, "EncryptedID") +
		count(subj, NSAssertion, "BaseID"); n > 1 {
		return errorf(CodeSubjectAmbiguous, "the Subject has %d identifiers (NameID, EncryptedID or BaseID)", n)
	}
	nameID := child(subj, NSAssertion, "NameID")
	if nameID == nil {
		return errorf(CodeSubjectMissing, "the assertion has no saml:Subject/saml:NameID")
	}
	out.NameID = strings.TrimSpace(textOf(nameID))
	out.NameIDFormat = nameID.AttrValue("Format")
	if out.NameID == "" {
		return errorf(CodeSubjectMissing, "the NameID is empty")
	}
	if q := nameID.AttrValue("SPNameQualifier"); q != "" && q != v.SPEntityID {
		return errorf(CodeAudienceMismatch, "NameID SPNameQualifier %q is not our entity ID", truncate(q, 200))
	}
	var firstErr *Error
	for sc := range children(subj, NSAssertion, "SubjectConfirmation") {
		if sc.AttrValue("Method") != confirmationBearer {
			continue
		}
		until, err := v.checkBearer(child(sc, NSAssertion, "SubjectConfirmationData"), out, now)
		if err == nil {
			out.NotOnOrAfter = until
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return firstErr
	}
	return errorf(CodeSubjectConfirmation, "no bearer SubjectConfirmation")
}

func (v *Verifier) checkBearer(d *xmlsig.Node, out *Assertion, now time.Time) (time.Time, *Error) {
	if d == nil {
		return time.Time{}, errorf(CodeSubjectConfirmation, "bearer SubjectConfirmation without SubjectConfirmationData")
	}
	if r := d.AttrValue("Recipient"); r != v.ACSURL {
		return time.Time{}, errorf(CodeRecipientMismatch, "Recipient %q is not the ACS URL %q", truncate(r, 200), v.ACSURL)
	}
	raw := d.AttrValue("NotOnOrAfter")
	if raw == "" {
		return time.Time{}, errorf(CodeSubjectConfirmation, "bearer SubjectConfirmationData has no NotOnOrAfter")
	}
	until, err := parseTime(raw)
	if err != nil {
		return time.Time{}, errorf(CodeMalformed, "SubjectConfirmationData NotOnOrAfter: %v", err)
	}
	if !now.Before(until.Add(v.skew())) {
		return time.Time{}, errorf(CodeExpired, "the bearer confirmation expired at %s (now %s)", formatTime(until), formatTime(now))
	}
	if raw := d.AttrValue("NotBefore"); raw != "" {
		nb, err := parseTime(raw)
		if err != nil {
			return time.Time{}, errorf(CodeMalformed, "SubjectConfirmationData NotBefore: %v", err)
		}
		if now.Add(v.skew()).Before(nb) {
			return time.Time{}, errorf(CodeNotYetValid, "the bearer confirmation is valid from %s (now %s)", formatTime(nb), formatTime(now))
		}
	}
	if irt := d.AttrValue("InResponseTo"); irt != "" && out.InResponseTo != "" && irt != out.InResponseTo {
		return time.Time{}, errorf(CodeInResponseToUnknown, "SubjectConfirmationData InResponseTo differs from the Response's")
	} else if irt != "" && out.InResponseTo == "" {
		out.InResponseTo = irt
	}
	return until, nil
}

// checkConditions: the time window and an AudienceRestriction naming us
// (core §2.5.1; profiles §4.1.4.2; SECURITY-CASES 55, 58).
func (v *Verifier) checkConditions(a *xmlsig.Node, out *Assertion, now time.Time) *Error {
	cond := child(a, NSAssertion, "Conditions")
	if cond == nil {
		return errorf(CodeAudienceMismatch, "the assertion has no Conditions, so no AudienceRestriction")
	}
	if raw := cond.AttrValue("NotBefore"); raw != "" {
		nb, err := parseTime(raw)
		if err != nil {
			return errorf(CodeMalformed, "Conditions NotBefore: %v", err)
		}
		if now.Add(v.skew()).Before(nb) {
			return errorf(CodeNotYetValid, "the assertion is valid from %s (now %s)", formatTime(nb), formatTime(now))
		}
		out.NotBefore = nb
	}
	if raw := cond.AttrValue("NotOnOrAfter"); raw != "" {
		na, err := parseTime(raw)
		if err != nil {
			return errorf(CodeMalformed, "Conditions NotOnOrAfter: %v", err)
		}
		if !now.Before(na.Add(v.skew())) {
			return errorf(CodeExpired, "the assertion expired at %s (now %s)", formatTime(na), formatTime(now))
		}
		if na.Before(out.NotOnOrAfter) {
			out.NotOnOrAfter = na
		}
	}
	restrictions := 0
	for c := range cond.ChildElements() {
		switch {
		case is(c, NSAssertion, "AudienceRestriction"):
			restrictions++
			if !audienceIncludes(c, v.SPEntityID) {
				return errorf(CodeAudienceMismatch, "AudienceRestriction %s does not include our entity ID %q", audiences(c), v.SPEntityID)
			}
		case is(c, NSAssertion, "OneTimeUse"), is(c, NSAssertion, "ProxyRestriction"):
		default:
			return errorf(CodeMalformed, "unknown condition <%s>", c.FullTag())
		}
	}
	if restrictions == 0 {
		return errorf(CodeAudienceMismatch, "the assertion has no AudienceRestriction")
	}
	return nil
}

func audienceIncludes(r *xmlsig.Node, want string) bool {
	for a := range children(r, NSAssertion, "Audience") {
		if strings.TrimSpace(a.LeadingText()) == want {
			return true
		}
	}
	return false
}

func audiences(r *xmlsig.Node) string {
	var out []string
	for a := range children(r, NSAssertion, "Audience") {
		out = append(out, fmt.Sprintf("%q", truncate(strings.TrimSpace(a.LeadingText()), 100)))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func (v *Verifier) readAuthnStatement(a *xmlsig.Node, out *Assertion, now time.Time) *Error {
	// The Web SSO profile (4.1.4.2) requires an AuthnStatement: an
	// assertion without one says nothing of a sign-in (SECURITY-CASES 82).
	st := child(a, NSAssertion, "AuthnStatement")
	if st == nil {
		return errorf(CodeAuthnStatementMissing, "the assertion has no AuthnStatement")
	}
	out.SessionIndex = st.AttrValue("SessionIndex")
	if raw := st.AttrValue("AuthnInstant"); raw != "" {
		t, err := parseTime(raw)
		if err != nil {
			return errorf(CodeMalformed, "AuthnInstant: %v", err)
		}
		out.AuthnInstant = t
	}
	if raw := st.AttrValue("SessionNotOnOrAfter"); raw != "" {
		t, err := parseTime(raw)
		if err != nil {
			return errorf(CodeMalformed, "SessionNotOnOrAfter: %v", err)
		}
		if !now.Before(t.Add(v.skew())) {
			return errorf(CodeExpired, "the IdP session ended at %s", formatTime(t))
		}
		out.SessionNotOnOrAfter = t
	}
	return nil
}

// checkSolicitation: a response to a request must answer one this SP made
// and still awaits, whether or not IdP-initiated sign-in is allowed (so a
// solicited response cannot be replayed as unsolicited: SECURITY-CASES 63,
// 64); an unsolicited one needs IdP-initiated sign-in allowed (65, 72).
func (v *Verifier) checkSolicitation(ctx context.Context, out *Assertion) *Error {
	if out.InResponseTo == "" {
		if !v.AllowIdPInitiated {
			return errorf(CodeIdPInitiatedDisabled, "unsolicited response and IdP-initiated sign-in is off")
		}
		return nil
	}
	if v.RequestIDs == nil {
		return errorf(CodeInResponseToUnknown, "InResponseTo %q but no request is outstanding", truncate(out.InResponseTo, 100))
	}
	ok, err := v.RequestIDs.ConsumeRequestID(ctx, out.InResponseTo)
	if err != nil {
		return newError(CodeInternal, fmt.Errorf("look up request ID: %w", err))
	}
	if !ok {
		return errorf(CodeInResponseToUnknown, "InResponseTo %q is not an outstanding request of this SP", truncate(out.InResponseTo, 100))
	}
	return nil
}

func (v *Verifier) recordReplay(ctx context.Context, out *Assertion) *Error {
	if v.Replay == nil {
		return nil
	}
	ok, err := v.Replay.RecordAssertion(ctx, out.ID, out.NotOnOrAfter.Add(v.skew()))
	if err != nil {
		return newError(CodeInternal, fmt.Errorf("record assertion ID: %w", err))
	}
	if !ok {
		return errorf(CodeReplayed, "assertion %q was seen before", out.ID)
	}
	return nil
}

// errNoKey means no decryption key is configured.
var errNoKey = errors.New("the assertion is encrypted but no decryption key is configured")
