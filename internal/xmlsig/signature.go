// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package xmlsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"

	_ "crypto/sha1"   // for legacy SHA-1 digests and signatures
	_ "crypto/sha256" // SHA-256
	_ "crypto/sha512" // SHA-384 and SHA-512
)

// Algorithm identifiers of the profile.
const (
	AlgEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

	AlgRSASHA1     = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	AlgRSASHA256   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	AlgRSASHA384   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
	AlgRSASHA512   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	AlgECDSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	AlgECDSASHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
	AlgECDSASHA512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"

	DigestSHA1   = "http://www.w3.org/2000/09/xmldsig#sha1"
	DigestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
	DigestSHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
	DigestSHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
)

type signatureMethod struct {
	hash  crypto.Hash
	ecdsa bool
}

var signatureMethods = map[string]signatureMethod{
	AlgRSASHA1:     {crypto.SHA1, false},
	AlgRSASHA256:   {crypto.SHA256, false},
	AlgRSASHA384:   {crypto.SHA384, false},
	AlgRSASHA512:   {crypto.SHA512, false},
	AlgECDSASHA256: {crypto.SHA256, true},
	AlgECDSASHA384: {crypto.SHA384, true},
	AlgECDSASHA512: {crypto.SHA512, true},
}

var digestMethods = map[string]crypto.Hash{
	DigestSHA1:   crypto.SHA1,
	DigestSHA256: crypto.SHA256,
	DigestSHA384: crypto.SHA384,
	DigestSHA512: crypto.SHA512,
}

// ProfileError is a signature refused before any cryptography. Algorithm
// is set when the reason is an algorithm outside the profile.
type ProfileError struct {
	Algorithm bool
	Msg       string
}

func (e *ProfileError) Error() string { return e.Msg }

func profileErr(format string, args ...any) error {
	return &ProfileError{Msg: fmt.Sprintf(format, args...)}
}

func algorithmErr(format string, args ...any) error {
	return &ProfileError{Algorithm: true, Msg: fmt.Sprintf(format, args...)}
}

// ErrDigestMismatch means the signed element was changed after signing.
var ErrDigestMismatch = errors.New("the digest of the signed element does not match: it was changed after signing")

// ErrBadSignature means the SignatureValue does not verify with the key.
var ErrBadSignature = errors.New("the signature value does not verify with the key")

// Signature is a ds:Signature that passed the profile, ready to verify.
type Signature struct {
	Element         *Node // the signed element (the Reference's target)
	Sig             *Node // its ds:Signature child
	SignedInfo      *Node
	SignatureMethod string
	DigestMethod    string
	// Certificate is the DER of the first KeyInfo X509Certificate, if any.
	// It is never trusted; callers use it to pick among trusted keys and
	// to explain failures.
	Certificate []byte

	signedInfoPrefixes, referencePrefixes []string
	digest, value                         []byte
}

// ParseSignature checks sig, a ds:Signature child of el, against the
// profile (see the package documentation) and decodes its values. The
// Reference must point to el's ID attribute.
func ParseSignature(el, sig *Node) (*Signature, error) {
	if !sig.Is(NSDSig, "Signature") || sig.parent != el {
		return nil, profileErr("not a ds:Signature of the element")
	}
	s := &Signature{Element: el, Sig: sig}
	var value, keyInfo *Node
	var nInfo, nValue, nKeyInfo int
	for c := range sig.ChildElements() {
		switch {
		case c.Is(NSDSig, "SignedInfo"):
			nInfo++
			s.SignedInfo = c
		case c.Is(NSDSig, "SignatureValue"):
			nValue++
			value = c
		case c.Is(NSDSig, "KeyInfo"):
			nKeyInfo++
			keyInfo = c
		default:
			return nil, profileErr("unexpected <%s> in ds:Signature", truncate(c.FullTag(), 60))
		}
	}
	if nInfo != 1 || nValue != 1 || nKeyInfo > 1 {
		return nil, profileErr("ds:Signature has %d SignedInfo, %d SignatureValue, %d KeyInfo", nInfo, nValue, nKeyInfo)
	}
	if hasCommentOrPI(sig) {
		return nil, profileErr("comment or processing instruction inside ds:Signature")
	}
	if err := s.readSignedInfo(); err != nil {
		return nil, err
	}
	var err error
	if s.value, err = decodeBase64(value.AllText()); err != nil || len(s.value) == 0 {
		return nil, profileErr("the SignatureValue is not base64 or is empty")
	}
	if xc := keyInfo.Child(NSDSig, "X509Data").Child(NSDSig, "X509Certificate"); xc != nil {
		s.Certificate, _ = decodeBase64(xc.AllText())
	}
	return s, nil
}

func (s *Signature) readSignedInfo() error {
	var c14n, method, ref *Node
	var nC14N, nMethod, nRef int
	for c := range s.SignedInfo.ChildElements() {
		switch {
		case c.Is(NSDSig, "CanonicalizationMethod"):
			nC14N++
			c14n = c
		case c.Is(NSDSig, "SignatureMethod"):
			nMethod++
			method = c
		case c.Is(NSDSig, "Reference"):
			nRef++
			ref = c
		default:
			return profileErr("unexpected <%s> in SignedInfo", truncate(c.FullTag(), 60))
		}
	}
	if nC14N != 1 || nMethod != 1 {
		return profileErr("SignedInfo needs one CanonicalizationMethod and one SignatureMethod")
	}
	var err error
	if s.signedInfoPrefixes, err = exclusiveC14N(c14n, "canonicalization method"); err != nil {
		return err
	}
	s.SignatureMethod = method.AttrValue("Algorithm")
	if _, ok := signatureMethods[s.SignatureMethod]; !ok {
		return algorithmErr("signature method %q is not allowed", truncate(s.SignatureMethod, 100))
	}
	if method.first != nil && method.NumChildElements() > 0 {
		return profileErr("SignatureMethod has content")
	}
	if nRef != 1 {
		return profileErr("SignedInfo has %d References, want exactly 1", nRef)
	}
	return s.readReference(ref)
}

// exclusiveC14N checks that el (a CanonicalizationMethod or Transform)
// names exclusive c14n and returns its InclusiveNamespaces PrefixList.
func exclusiveC14N(el *Node, what string) ([]string, error) {
	if alg := el.AttrValue("Algorithm"); alg != AlgExcC14N {
		return nil, algorithmErr("%s %q is not exclusive c14n", what, truncate(alg, 100))
	}
	var prefixes []string
	n := 0
	for c := range el.ChildElements() {
		n++
		if !c.Is(NSExcC14N, "InclusiveNamespaces") || n > 1 || c.first != nil {
			return nil, profileErr("unexpected <%s> in the %s", truncate(c.FullTag(), 60), what)
		}
		prefixes = strings.Fields(c.AttrValue("PrefixList"))
		if len(prefixes) > 32 {
			return nil, profileErr("InclusiveNamespaces lists %d prefixes", len(prefixes))
		}
	}
	return prefixes, nil
}

func (s *Signature) readReference(ref *Node) error {
	id := s.Element.AttrValue("ID")
	uri := ref.Attr("URI")
	if id == "" || uri == nil || uri.Value != "#"+id {
		return profileErr("the Reference does not point to the signed element's ID")
	}
	var transforms, digestMethod, digestValue *Node
	var nTransforms, nMethod, nValue int
	for c := range ref.ChildElements() {
		switch {
		case c.Is(NSDSig, "Transforms"):
			nTransforms++
			transforms = c
		case c.Is(NSDSig, "DigestMethod"):
			nMethod++
			digestMethod = c
		case c.Is(NSDSig, "DigestValue"):
			nValue++
			digestValue = c
		default:
			return profileErr("unexpected <%s> in Reference", truncate(c.FullTag(), 60))
		}
	}
	if nTransforms != 1 || nMethod != 1 || nValue != 1 {
		return profileErr("the Reference needs one Transforms, one DigestMethod and one DigestValue")
	}
	if err := s.readTransforms(transforms); err != nil {
		return err
	}
	s.DigestMethod = digestMethod.AttrValue("Algorithm")
	h, ok := digestMethods[s.DigestMethod]
	if !ok {
		return algorithmErr("digest method %q is not allowed", truncate(s.DigestMethod, 100))
	}
	var err error
	if s.digest, err = decodeBase64(digestValue.AllText()); err != nil || len(s.digest) != h.Size() {
		return profileErr("the DigestValue is not a base64 %s digest", h)
	}
	return nil
}

// readTransforms accepts enveloped-signature and exclusive c14n, one each,
// in either order: they commute for an enveloped signature.
func (s *Signature) readTransforms(t *Node) error {
	enveloped, c14n := 0, 0
	for c := range t.ChildElements() {
		if !c.Is(NSDSig, "Transform") {
			return profileErr("unexpected <%s> in Transforms", truncate(c.FullTag(), 60))
		}
		switch alg := c.AttrValue("Algorithm"); alg {
		case AlgEnveloped:
			if c.NumChildElements() > 0 {
				return profileErr("the enveloped-signature transform has content")
			}
			enveloped++
		case AlgExcC14N:
			var err error
			if s.referencePrefixes, err = exclusiveC14N(c, "transform"); err != nil {
				return err
			}
			c14n++
		default:
			return algorithmErr("transform %q is not allowed", truncate(alg, 100))
		}
	}
	switch {
	case enveloped != 1:
		return profileErr("the Reference needs the enveloped-signature transform once (has %d)", enveloped)
	case c14n != 1:
		return profileErr("the Reference needs the exclusive c14n transform once (has %d)", c14n)
	}
	return nil
}

// Verify checks the digest of the signed element and the signature over
// SignedInfo with pub, an *rsa.PublicKey or *ecdsa.PublicKey matching the
// signature method.
func (s *Signature) Verify(pub crypto.PublicKey) error {
	m := signatureMethods[s.SignatureMethod]
	switch pub.(type) {
	case *rsa.PublicKey:
		if m.ecdsa {
			return profileErr("an ECDSA signature method with an RSA key")
		}
	case *ecdsa.PublicKey:
		if !m.ecdsa {
			return profileErr("an RSA signature method with an ECDSA key")
		}
	default:
		return profileErr("unsupported key type %T", pub)
	}
	buf := bufPool.Get().(*[]byte)
	defer bufPool.Put(buf)

	dh := digestMethods[s.DigestMethod].New()
	*buf = Canonicalize((*buf)[:0], s.Element, s.Sig, s.referencePrefixes)
	dh.Write(*buf)
	var sum [64]byte
	if subtle.ConstantTimeCompare(dh.Sum(sum[:0]), s.digest) != 1 {
		return ErrDigestMismatch
	}
	sh := m.hash.New()
	*buf = Canonicalize((*buf)[:0], s.SignedInfo, nil, s.signedInfoPrefixes)
	sh.Write(*buf)
	hashed := sh.Sum(sum[:0])
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if rsa.VerifyPKCS1v15(k, m.hash, hashed, s.value) != nil {
			return ErrBadSignature
		}
	case *ecdsa.PublicKey:
		n := (k.Curve.Params().BitSize + 7) / 8
		if len(s.value) != 2*n {
			return ErrBadSignature
		}
		r := new(big.Int).SetBytes(s.value[:n])
		ss := new(big.Int).SetBytes(s.value[n:])
		if !ecdsa.Verify(k, hashed, r, ss) {
			return ErrBadSignature
		}
	}
	return nil
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func hasCommentOrPI(el *Node) bool {
	for n := range el.Descendants() {
		for c := range n.Nodes() {
			if c.Kind == CommentNode || c.Kind == ProcInstNode {
				return true
			}
		}
	}
	return false
}

// decodeBase64 decodes base64 with the white space (and the &#13; line
// ends) that IdPs wrap values in.
func decodeBase64(s string) ([]byte, error) {
	clean := s
	if strings.ContainsAny(s, " \t\r\n") {
		clean = strings.Map(func(r rune) rune {
			switch r {
			case ' ', '\t', '\r', '\n':
				return -1
			}
			return r
		}, s)
	}
	return base64.StdEncoding.DecodeString(clean)
}
