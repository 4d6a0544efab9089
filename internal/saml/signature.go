// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"bytes"
	"crypto/x509"
	"errors"
	"time"

	"github.com/signet-sso/signet/internal/xmlsig"
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

// verifySigned checks sig, the ds:Signature child of el, with the engine
// (package xmlsig): first OpenSAML's signature profile (SAML core §5.4)
// before any cryptography —
//   - Signature holds exactly one SignedInfo, one SignatureValue, at most one
//     KeyInfo, and nothing else: no ds:Object (SECURITY-CASES 8, 13, 48);
//   - no comments or processing instructions inside it (16);
//   - SignedInfo uses exclusive c14n (47) and an allowed signature method,
//     SHA-1 only with legacy crypto (42, 43);
//   - exactly one Reference (14) whose URI is "#" + el's ID (1, 5, 9, 45);
//   - the Reference has the enveloped-signature and exclusive c14n
//     transforms and nothing else (44, 46), and an allowed digest method
//
// — then the digest and the signature with the trusted certificates only
// (never the KeyInfo's: DESIGN §4 rule 2). The engine canonicalizes the
// nodes in place, so everything read from el afterwards is what was
// signed (rule 4); el is returned for the callers' convenience.
func verifySigned(el, sig *xmlsig.Node, p trustPolicy) (*xmlsig.Node, *Error) {
	s, err := xmlsig.ParseSignature(el, sig)
	if err != nil {
		var pe *xmlsig.ProfileError
		if errors.As(err, &pe) && pe.Algorithm {
			return nil, errorf(CodeSignatureAlgorithm, "%v", pe)
		}
		return nil, errorf(CodeSignatureInvalid, "%v", err)
	}
	if err := p.allowSignatureMethod(s.SignatureMethod); err != nil {
		return nil, err
	}
	if err := p.allowDigest(s.DigestMethod); err != nil {
		return nil, err
	}
	var lastErr error
	for _, cert := range orderCandidates(p.certs, s.Certificate) {
		if err := checkKeyStrength(cert, p.allowLegacy); err != nil {
			lastErr = err
			continue
		}
		if err := s.Verify(cert.PublicKey); err != nil {
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
		return el, nil
	}
	if offered, err := x509.ParseCertificate(s.Certificate); err == nil && !containsCert(p.certs, offered) {
		return nil, errorf(CodeCertificateUntrusted, "signed with a certificate (%q) that is not in the IdP metadata: %v", offered.Subject, lastErr)
	}
	if e, ok := lastErr.(*Error); ok && e.Code == CodeKeyTooWeak {
		return nil, errorf(CodeSignatureAlgorithm, "the IdP's key is too weak without legacy crypto: %v", e.Err)
	}
	return nil, errorf(CodeSignatureInvalid, "signature does not verify with the IdP's certificate: %v", lastErr)
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

// orderCandidates puts the certificate the message offers (its DER) first
// if we trust it.
func orderCandidates(trusted []*x509.Certificate, offered []byte) []*x509.Certificate {
	if len(offered) == 0 || len(trusted) < 2 {
		return trusted
	}
	for i, c := range trusted {
		if i > 0 && bytes.Equal(c.Raw, offered) {
			out := make([]*x509.Certificate, 0, len(trusted))
			out = append(out, c)
			out = append(out, trusted[:i]...)
			return append(out, trusted[i+1:]...)
		}
	}
	return trusted
}

func isWeakRSA(c *x509.Certificate) bool { return checkKeyStrength(c, false) != nil }
