// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// trustPolicy is what signature verification needs from the Verifier.
type trustPolicy struct {
	certs         []*x509.Certificate
	allowLegacy   bool
	allowExpired  bool
	certNow       time.Time
	usedLegacy    *bool // set when SHA-1 or a 1024-bit key was accepted
	signatureAlgo *string
	signedBy      *string // the SHA-256 fingerprint of the certificate that verified
}

var (
	strongSignatureMethods = map[string]bool{
		AlgRSASHA256: true, AlgRSASHA384: true, AlgRSASHA512: true,
		AlgECDSASHA256: true, AlgECDSASHA384: true, AlgECDSASHA512: true,
	}
	strongDigests = map[string]bool{DigestSHA256: true, DigestSHA384: true, DigestSHA512: true}
)

// checkSignatureProfile applies OpenSAML's signature profile (SAML core §5.4)
// to sig, the ds:Signature child of el, before any cryptography:
//   - Signature holds exactly one SignedInfo, one SignatureValue, at most one
//     KeyInfo, and nothing else: no ds:Object (SECURITY-CASES 8, 13, 48);
//   - no comments or processing instructions inside it (16);
//   - SignedInfo uses exclusive c14n (47) and an allowed signature method,
//     SHA-1 only with legacy crypto (42, 43);
//   - exactly one Reference (14) whose URI is "#" + el's ID (1, 5, 9, 45);
//   - the Reference has the enveloped-signature transform and at most
//     exclusive c14n besides (44, 46), and an allowed digest method.
func checkSignatureProfile(el, sig *etree.Element, p trustPolicy) *Error {
	var signedInfo *etree.Element
	var nInfo, nValue, nKeyInfo int
	for _, c := range sig.ChildElements() {
		switch {
		case is(c, NSDSig, "SignedInfo"):
			nInfo++
			signedInfo = c
		case is(c, NSDSig, "SignatureValue"):
			nValue++
		case is(c, NSDSig, "KeyInfo"):
			nKeyInfo++
		default:
			return errorf(CodeSignatureInvalid, "unexpected <%s> in ds:Signature", c.FullTag())
		}
	}
	if nInfo != 1 || nValue != 1 || nKeyInfo > 1 {
		return errorf(CodeSignatureInvalid, "ds:Signature has %d SignedInfo, %d SignatureValue, %d KeyInfo", nInfo, nValue, nKeyInfo)
	}
	if hasCommentOrPI(sig) {
		return errorf(CodeSignatureInvalid, "comment or processing instruction inside ds:Signature")
	}
	var c14n, method, refEl *etree.Element
	nRef := 0
	for _, c := range signedInfo.ChildElements() {
		switch {
		case is(c, NSDSig, "CanonicalizationMethod"):
			c14n = c
		case is(c, NSDSig, "SignatureMethod"):
			method = c
		case is(c, NSDSig, "Reference"):
			nRef++
			refEl = c
		default:
			return errorf(CodeSignatureInvalid, "unexpected <%s> in SignedInfo", c.FullTag())
		}
	}
	if c14n == nil || method == nil {
		return errorf(CodeSignatureInvalid, "SignedInfo lacks CanonicalizationMethod or SignatureMethod")
	}
	if alg := c14n.SelectAttrValue("Algorithm", ""); alg != c14nExclusive {
		return errorf(CodeSignatureAlgorithm, "canonicalization method %q is not exclusive c14n", truncate(alg, 100))
	}
	alg := method.SelectAttrValue("Algorithm", "")
	if err := p.allowSignatureMethod(alg); err != nil {
		return err
	}
	if nRef != 1 {
		return errorf(CodeSignatureInvalid, "SignedInfo has %d References, want exactly 1", nRef)
	}
	id := el.SelectAttrValue("ID", "")
	uri := refEl.SelectAttr("URI")
	if id == "" || uri == nil || uri.Value != "#"+id {
		return errorf(CodeSignatureInvalid, "the Reference does not point to the signed element's ID")
	}
	return checkReference(refEl, p)
}

func checkReference(ref *etree.Element, p trustPolicy) *Error {
	var digest *etree.Element
	var transforms []*etree.Element
	for _, c := range ref.ChildElements() {
		switch {
		case is(c, NSDSig, "Transforms"):
			if transforms != nil {
				return errorf(CodeSignatureInvalid, "two Transforms elements")
			}
			transforms = children(c, NSDSig, "Transform")
			if len(transforms) != len(c.ChildElements()) {
				return errorf(CodeSignatureInvalid, "unexpected element in Transforms")
			}
		case is(c, NSDSig, "DigestMethod"):
			digest = c
		case is(c, NSDSig, "DigestValue"):
		default:
			return errorf(CodeSignatureInvalid, "unexpected <%s> in Reference", c.FullTag())
		}
	}
	if len(transforms) == 0 || len(transforms) > 2 {
		return errorf(CodeSignatureInvalid, "%d transforms; want enveloped-signature and optionally exclusive c14n", len(transforms))
	}
	enveloped := false
	for _, t := range transforms {
		switch alg := t.SelectAttrValue("Algorithm", ""); alg {
		case transformEnveloped:
			if enveloped {
				return errorf(CodeSignatureInvalid, "enveloped-signature transform twice")
			}
			enveloped = true
		case c14nExclusive:
		default:
			return errorf(CodeSignatureAlgorithm, "transform %q is not allowed", truncate(alg, 100))
		}
	}
	if !enveloped {
		return errorf(CodeSignatureInvalid, "the Reference lacks the enveloped-signature transform")
	}
	if digest == nil {
		return errorf(CodeSignatureInvalid, "the Reference has no DigestMethod")
	}
	return p.allowDigest(digest.SelectAttrValue("Algorithm", ""))
}

func (p trustPolicy) allowSignatureMethod(alg string) *Error {
	if p.signatureAlgo != nil {
		*p.signatureAlgo = alg
	}
	switch {
	case strongSignatureMethods[alg]:
		return nil
	case alg == AlgRSASHA1 && p.allowLegacy:
		*p.usedLegacy = true
		return nil
	case alg == AlgRSASHA1:
		return errorf(CodeSignatureAlgorithm, "rsa-sha1 signature refused (legacy crypto is off)")
	}
	return errorf(CodeSignatureAlgorithm, "signature method %q is not allowed", truncate(alg, 100))
}

func (p trustPolicy) allowDigest(alg string) *Error {
	switch {
	case strongDigests[alg]:
		return nil
	case alg == DigestSHA1 && p.allowLegacy:
		*p.usedLegacy = true
		return nil
	case alg == DigestSHA1:
		return errorf(CodeSignatureAlgorithm, "SHA-1 digest refused (legacy crypto is off)")
	}
	return errorf(CodeSignatureAlgorithm, "digest method %q is not allowed", truncate(alg, 100))
}

func hasCommentOrPI(el *etree.Element) bool {
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.Comment, *etree.ProcInst:
			return true
		case *etree.Element:
			if hasCommentOrPI(t) {
				return true
			}
		}
	}
	return false
}

// verifySigned checks the profile of sig (the ds:Signature child of el) and
// verifies it with the trusted certificates only. It returns the element as
// the signature covers it (goxmldsig re-parses the canonical bytes it
// digested), so everything read afterwards was signed (DESIGN §4 rule 4).
// workingCopy is a detached copy of el for goxmldsig, without the
// signature's KeyInfo (rule 2: never trusted, so goxmldsig uses the one
// certificate it is given), with the SignatureValue element and its value
// without whitespace. The enveloped transform removes the whole Signature
// before digesting, so neither change alters what is verified.
func workingCopy(el *etree.Element) (work, sv *etree.Element, value string) {
	work = detachedCopy(el)
	wsig := child(work, NSDSig, "Signature")
	if ki := child(wsig, NSDSig, "KeyInfo"); ki != nil {
		wsig.RemoveChild(ki)
	}
	if sv = child(wsig, NSDSig, "SignatureValue"); sv != nil {
		value = stripSpace(sv.Text())
	}
	return work, sv, value
}

func verifySigned(el, sig *etree.Element, p trustPolicy) (*etree.Element, *Error) {
	if err := checkSignatureProfile(el, sig, p); err != nil {
		return nil, err
	}
	offered := keyInfoCertificate(sig)
	work, sv, value := workingCopy(el)
	var lastErr error
	for _, cert := range orderCandidates(p.certs, offered) {
		if err := checkKeyStrength(cert, p.allowLegacy); err != nil {
			lastErr = err
			continue
		}
		if sv != nil {
			// goxmldsig reads ECDSA signatures as DER; XML Signature
			// writes r‖s for the key's curve (SECURITY-CASES 84).
			if ec, ok := cert.PublicKey.(*ecdsa.PublicKey); ok {
				sv.SetText(ecdsaRawToDER(value, ec))
			} else {
				sv.SetText(value)
			}
		}
		ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
		// goxmldsig checks validity against its clock; ours is checked below,
		// after we know this certificate made the signature.
		ctx.Clock = dsig.NewFakeClockAt(cert.NotBefore.Add(time.Second))
		verified, err := ctx.Validate(work)
		if err != nil {
			lastErr = err
			continue
		}
		if isWeakRSA(cert) {
			*p.usedLegacy = true
		}
		if p.signedBy != nil {
			*p.signedBy = Fingerprint(cert)
		}
		if !p.allowExpired && (p.certNow.Before(cert.NotBefore) || p.certNow.After(cert.NotAfter)) {
			return nil, errorf(CodeCertificateExpired, "signed by certificate %q valid %s to %s, checked at %s",
				cert.Subject, cert.NotBefore.Format(time.RFC3339), cert.NotAfter.Format(time.RFC3339), p.certNow.Format(time.RFC3339))
		}
		return verified, nil
	}
	if offered != nil && !containsCert(p.certs, offered) {
		return nil, errorf(CodeCertificateUntrusted, "signed with a certificate (%q) that is not in the IdP metadata: %v", offered.Subject, lastErr)
	}
	if e, ok := lastErr.(*Error); ok && e.Code == CodeKeyTooWeak {
		return nil, errorf(CodeSignatureAlgorithm, "the IdP's key is too weak without legacy crypto: %v", e.Err)
	}
	return nil, errorf(CodeSignatureInvalid, "signature does not verify with the IdP's certificate: %v", lastErr)
}

// detachedCopy copies el and declares on the copy the namespaces it
// inherits from its ancestors, so it can be verified on its own (an
// assertion often uses the saml prefix declared on the Response).
// Exclusive c14n renders only visibly used namespaces, wherever they were
// declared, so this does not change the signed bytes.
func detachedCopy(el *etree.Element) *etree.Element {
	work := el.Copy()
	declared := map[string]bool{}
	for _, a := range work.Attr {
		if a.Space == "xmlns" || a.Space == "" && a.Key == "xmlns" {
			declared[a.Key] = true
		}
	}
	for p := el.Parent(); p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			isNS := a.Space == "xmlns" || a.Space == "" && a.Key == "xmlns"
			if isNS && !declared[a.Key] {
				declared[a.Key] = true
				work.CreateAttr(a.FullKey(), a.Value)
			}
		}
	}
	return work
}

// keyInfoCertificate returns the certificate the message offers, used only
// to pick which trusted certificate to try first and to explain failures.
func keyInfoCertificate(sig *etree.Element) *x509.Certificate {
	xc := child(child(child(sig, NSDSig, "KeyInfo"), NSDSig, "X509Data"), NSDSig, "X509Certificate")
	if xc == nil {
		return nil
	}
	der, err := base64.StdEncoding.DecodeString(stripSpace(xc.Text()))
	if err != nil {
		return nil
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil
	}
	return c
}

// orderCandidates puts the offered certificate first if we trust it.
func orderCandidates(trusted []*x509.Certificate, offered *x509.Certificate) []*x509.Certificate {
	if offered == nil || len(trusted) < 2 {
		return trusted
	}
	out := make([]*x509.Certificate, 0, len(trusted))
	for _, c := range trusted {
		if c.Equal(offered) {
			out = append([]*x509.Certificate{c}, out...)
		} else {
			out = append(out, c)
		}
	}
	return out
}

func isWeakRSA(c *x509.Certificate) bool { return checkKeyStrength(c, false) != nil }
