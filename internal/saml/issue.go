// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	"github.com/signet-sso/signet/internal/xmlsig"
)

// SignMode says which elements of a Response are signed.
type SignMode int

// Sign modes. The default, SignBoth, is what strict SPs (Shibboleth) and
// lenient ones alike accept.
const (
	SignBoth SignMode = iota
	SignAssertion
	SignResponse
)

// DefaultAssertionLifetime is how long an issued assertion may be used.
const DefaultAssertionLifetime = 5 * time.Minute

// ResponseParams describe one Response to issue.
type ResponseParams struct {
	Issuer       string // the IdP entity ID
	Destination  string // the SP's ACS URL (also the bearer Recipient)
	Audience     string // the SP entity ID
	InResponseTo string // the AuthnRequest ID; empty for IdP-initiated

	NameID          string
	NameIDFormat    string // a URI; empty means unspecified
	SPNameQualifier string // optional
	Attributes      []Attribute

	SessionIndex    string        // empty: a random one
	AuthnInstant    time.Time     // when the user signed in to the IdP
	SessionDuration time.Duration // SessionNotOnOrAfter = AuthnInstant + this (0: omitted)
	// AuthnContextClassRef says how the person signed in (empty:
	// AuthnContextPassword).
	AuthnContextClassRef string
	Lifetime             time.Duration // assertion validity (0: DefaultAssertionLifetime)

	Key  KeyPair
	Sign SignMode
	// EncryptFor, if set, encrypts the (signed) assertion to this SP
	// certificate: RSA-OAEP key transport and EncryptionMethod's cipher.
	EncryptFor *x509.Certificate
	// EncryptionMethod is the content cipher (default AES-256-GCM; use
	// AES-256-CBC for SPs that only know XML Encryption 1.0).
	EncryptionMethod string
	Now              time.Time
	Rand             io.Reader
}

// IssueResponse builds and signs a Response with one Assertion (SAML core
// §2.3.3, §3.3.3; Web SSO profile §4.1.4.2): Issuer, Subject with a bearer
// confirmation, Conditions with an AudienceRestriction, an AuthnStatement
// and, when there are attributes, an AttributeStatement.
func IssueResponse(p ResponseParams) ([]byte, error) {
	if p.Issuer == "" || p.Destination == "" || p.Audience == "" || p.NameID == "" {
		return nil, errors.New("issue response: issuer, destination, audience and NameID are required")
	}
	if p.Key.Signer == nil || p.Key.Certificate == nil {
		return nil, errors.New("issue response: no signing key")
	}
	sctx, err := signingContext(p.Key)
	if err != nil {
		return nil, err
	}
	ids, err := newIDs(p.Rand, 3)
	if err != nil {
		return nil, err
	}
	now := p.Now.UTC()
	assertion := buildAssertion(p, ids[1], ids[2], now)
	if p.Sign == SignBoth || p.Sign == SignAssertion {
		if err := signInPlace(sctx, assertion); err != nil {
			return nil, err
		}
	}
	if p.EncryptFor != nil {
		var err error
		if assertion, err = encryptAssertion(assertion, p.EncryptFor, p.EncryptionMethod); err != nil {
			return nil, err
		}
	}
	resp := newProtocolElement("Response", ids[0], now)
	resp.CreateAttr("Destination", p.Destination)
	if p.InResponseTo != "" {
		resp.CreateAttr("InResponseTo", p.InResponseTo)
	}
	addIssuer(resp, p.Issuer)
	addStatus(resp, StatusSuccess, "")
	resp.AddChild(assertion)
	if p.Sign == SignBoth || p.Sign == SignResponse {
		if err := signInPlace(sctx, resp); err != nil {
			return nil, err
		}
	}
	return serialize(resp)
}

// StatusResponseParams describe an error Response without an assertion.
type StatusResponseParams struct {
	Issuer, Destination, InResponseTo string
	StatusCode, SubStatusCode         string // e.g. StatusRequester, StatusInvalidNameIDPolicy
	Message                           string
	Key                               KeyPair
	Now                               time.Time
	Rand                              io.Reader
}

// IssueStatusResponse builds a signed Response that reports a failure, such
// as InvalidNameIDPolicy (SAML core §3.4.1.1).
func IssueStatusResponse(p StatusResponseParams) ([]byte, error) {
	sctx, err := signingContext(p.Key)
	if err != nil {
		return nil, err
	}
	ids, err := newIDs(p.Rand, 1)
	if err != nil {
		return nil, err
	}
	resp := newProtocolElement("Response", ids[0], p.Now.UTC())
	resp.CreateAttr("Destination", p.Destination)
	if p.InResponseTo != "" {
		resp.CreateAttr("InResponseTo", p.InResponseTo)
	}
	addIssuer(resp, p.Issuer)
	st := addStatus(resp, p.StatusCode, p.SubStatusCode)
	if p.Message != "" {
		st.CreateElement("samlp:StatusMessage").SetText(p.Message)
	}
	if err := signInPlace(sctx, resp); err != nil {
		return nil, err
	}
	return serialize(resp)
}

func buildAssertion(p ResponseParams, id, sessionIndex string, now time.Time) *xmlsig.Node {
	lifetime := p.Lifetime
	if lifetime <= 0 {
		lifetime = DefaultAssertionLifetime
	}
	until := formatTime(now.Add(lifetime))
	a := xmlsig.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", NSAssertion)
	a.CreateAttr("ID", id)
	a.CreateAttr("Version", "2.0")
	a.CreateAttr("IssueInstant", formatTime(now))
	a.CreateElement("saml:Issuer").SetText(p.Issuer)

	addSubject(a, p, until)
	cond := a.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", formatTime(now.Add(-time.Minute)))
	cond.CreateAttr("NotOnOrAfter", until)
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(p.Audience)

	authn := a.CreateElement("saml:AuthnStatement")
	authnInstant := p.AuthnInstant
	if authnInstant.IsZero() {
		authnInstant = now
	}
	authn.CreateAttr("AuthnInstant", formatTime(authnInstant))
	authn.CreateAttr("SessionIndex", orDefault(p.SessionIndex, sessionIndex))
	if p.SessionDuration > 0 {
		authn.CreateAttr("SessionNotOnOrAfter", formatTime(authnInstant.Add(p.SessionDuration)))
	}
	authn.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").SetText(orDefault(p.AuthnContextClassRef, AuthnContextPassword))

	addAttributes(a, p.Attributes)
	return a
}

// addSubject adds the Subject: the NameID and a bearer confirmation for
// the ACS, valid until until.
func addSubject(a *xmlsig.Node, p ResponseParams, until string) {
	subj := a.CreateElement("saml:Subject")
	nameID := subj.CreateElement("saml:NameID")
	nameID.CreateAttr("Format", orDefault(p.NameIDFormat, NameIDUnspecified))
	if p.SPNameQualifier != "" {
		nameID.CreateAttr("SPNameQualifier", p.SPNameQualifier)
	}
	nameID.SetText(p.NameID)
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", confirmationBearer)
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	if p.InResponseTo != "" {
		scd.CreateAttr("InResponseTo", p.InResponseTo)
	}
	scd.CreateAttr("NotOnOrAfter", until)
	scd.CreateAttr("Recipient", p.Destination)
}

// addAttributes adds the AttributeStatement, if there are attributes.
func addAttributes(a *xmlsig.Node, attrs []Attribute) {
	if len(attrs) == 0 {
		return
	}
	st := a.CreateElement("saml:AttributeStatement")
	for _, at := range attrs {
		el := st.CreateElement("saml:Attribute")
		el.CreateAttr("Name", at.Name)
		el.CreateAttr("NameFormat", orDefault(at.NameFormat, AttrNameFormatUnspecified))
		if at.FriendlyName != "" {
			el.CreateAttr("FriendlyName", at.FriendlyName)
		}
		for _, v := range at.Values {
			// No xsi:type="xs:string": exclusive c14n does not count a
			// prefix used only inside an attribute value, so the xs
			// declaration would be dropped from what is signed and sent,
			// and strict SPs (python3-saml) refuse the schema-invalid result.
			el.CreateElement("saml:AttributeValue").SetText(v) // etree escapes: values stay text (SECURITY-CASES 79)
		}
	}
}

// encryptAssertion wraps a signed assertion in an EncryptedAssertion
// (SAML core §2.3.4) for cert.
func encryptAssertion(a *xmlsig.Node, cert *x509.Certificate, method string) (*xmlsig.Node, error) {
	plain, err := xmlsig.Write(nil, a)
	if err != nil {
		return nil, err
	}
	// RSA-OAEP with the default (SHA-1) digest: what every SP's xmlsec
	// reads; xmlsec1 1.2 refuses rsa-oaep-mgf1p with a SHA-256 digest.
	kt := xmlenc.OAEP()
	kt.DigestMethod = xmlenc.SHA1
	switch method {
	case "", encAES256GCM:
		kt.BlockCipher = xmlenc.AES256GCM
	case encAES128GCM:
		kt.BlockCipher = xmlenc.AES128GCM
	case encAES256CBC:
		kt.BlockCipher = xmlenc.AES256CBC
	case encAES128CBC:
		kt.BlockCipher = xmlenc.AES128CBC
	default:
		return nil, fmt.Errorf("unsupported encryption method %q", method)
	}
	ed, err := kt.Encrypt(cert, plain, nil)
	if err != nil {
		return nil, fmt.Errorf("encrypt assertion: %w", err)
	}
	ed.CreateAttr("xmlns:xenc", NSXMLEnc)
	// Type=Element tells decrypters (xmlsec1, so pysaml2, Shibboleth) to put
	// the plaintext element back in the document.
	ed.CreateAttr("Type", "http://www.w3.org/2001/04/xmlenc#Element")
	// xmlenc builds etree elements: write them out and read them back
	// into the response's tree, inside the EncryptedAssertion.
	doc := etree.NewDocument()
	ea := doc.CreateElement("saml:EncryptedAssertion")
	ea.CreateAttr("xmlns:saml", NSAssertion)
	ea.CreateAttr("xmlns:ds", NSDSig)
	ea.AddChild(ed)
	raw, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	parsed, err := xmlsig.Parse(raw, xmlsig.Limits{})
	if err != nil {
		return nil, fmt.Errorf("encrypt assertion: %w", err)
	}
	return parsed.Root, nil
}

// EncryptionMethodFor picks the content cipher for an SP: the first of its
// metadata's EncryptionMethods that we support, else AES-256-GCM.
func EncryptionMethodFor(offered []string) string {
	for _, m := range offered {
		switch m {
		case encAES256GCM, encAES128GCM, encAES256CBC, encAES128CBC:
			return m
		}
	}
	return encAES256GCM
}

func newProtocolElement(tag, id string, now time.Time) *xmlsig.Node {
	el := xmlsig.NewElement("samlp:" + tag)
	el.CreateAttr("xmlns:samlp", NSProtocol)
	el.CreateAttr("xmlns:saml", NSAssertion)
	el.CreateAttr("ID", id)
	el.CreateAttr("Version", "2.0")
	el.CreateAttr("IssueInstant", formatTime(now))
	return el
}

func addIssuer(el *xmlsig.Node, issuer string) {
	el.CreateElement("saml:Issuer").SetText(issuer)
}

func addStatus(el *xmlsig.Node, code, sub string) *xmlsig.Node {
	st := el.CreateElement("samlp:Status")
	sc := st.CreateElement("samlp:StatusCode")
	sc.CreateAttr("Value", code)
	if sub != "" {
		sc.CreateElement("samlp:StatusCode").CreateAttr("Value", sub)
	}
	return st
}

// xmlSigner signs elements with one key.
type xmlSigner struct {
	key  crypto.Signer
	cert []byte
}

// signingContext signs with exclusive c14n and SHA-256: RSA-SHA256 for RSA
// keys, ECDSA-SHA256 (r‖s) for P-256 keys.
func signingContext(k KeyPair) (*xmlSigner, error) {
	if k.Signer == nil || k.Certificate == nil {
		return nil, errors.New("signing context: no key")
	}
	switch pub := k.Signer.Public().(type) {
	case *rsa.PublicKey:
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() {
			return nil, errors.New("signing context: ECDSA keys must be P-256")
		}
	default:
		return nil, fmt.Errorf("signing context: unsupported key type %T", pub)
	}
	return &xmlSigner{key: k.Signer, cert: k.Certificate.Raw}, nil
}

// signInPlace signs el (enveloped) and puts the Signature right after its
// Issuer, where the SAML schema wants it.
func signInPlace(s *xmlSigner, el *xmlsig.Node) error {
	if err := xmlsig.Sign(el, child(el, NSAssertion, "Issuer"), s.key, s.cert); err != nil {
		return fmt.Errorf("sign <%s>: %w", el.Local, err)
	}
	return nil
}

// serialize writes a message with its XML declaration.
func serialize(el *xmlsig.Node) ([]byte, error) {
	buf := writePool.Get().(*[]byte)
	defer writePool.Put(buf)
	out, err := xmlsig.Write(append((*buf)[:0], `<?xml version="1.0" encoding="UTF-8"?>`...), el)
	if err != nil {
		return nil, err
	}
	*buf = out
	return bytes.Clone(out), nil // one allocation of the right size
}

// writePool holds serialize's buffers, which grow to the largest message.
var writePool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// newIDs returns n random IDs of the form "_" + 32 hex digits (NCNames).
func newIDs(rand io.Reader, n int) ([]string, error) {
	buf := make([]byte, 16*n)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return nil, fmt.Errorf("random ID: %w", err)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = "_" + hex.EncodeToString(buf[16*i:16*i+16])
	}
	return out, nil
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
