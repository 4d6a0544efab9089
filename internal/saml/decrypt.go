// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/rsa"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	"github.com/signet-sso/signet/internal/xmlsig"
)

var (
	allowedKeyTransport = map[string]bool{encRSAOAEPMGF1P: true, encRSAOAEP11: true}
	allowedDataCiphers  = map[string]bool{
		encAES128CBC: true, encAES192CBC: true, encAES256CBC: true,
		encAES128GCM: true, encAES192GCM: true, encAES256GCM: true,
	}
	// legacyDataCiphers are accepted only with AllowLegacyCrypto: pysaml2
	// (and so SATOSA) encrypts with 3DES-CBC and cannot be told otherwise.
	legacyDataCiphers = map[string]bool{encTripleDESCBC: true}
)

// xmlenc leaves 3DES out unless asked; decryptAssertion decides (above)
// whether a document may use it before xmlenc sees it.
func init() { xmlenc.RegisterDecrypter(xmlenc.TripleDES) }

// decryptAssertion opens an EncryptedAssertion (XML Encryption 1.0/1.1 as
// IdPs send it: the EncryptedKey inside EncryptedData/KeyInfo, or beside
// EncryptedData as Okta does). Key transport must be RSA-OAEP: RSA 1.5 is
// refused before any decryption (Bleichenbacher; SECURITY-CASES 51). Every
// failure after that returns the same error, so a tampered ciphertext
// teaches an attacker nothing (no padding oracle; SECURITY-CASES 52).
func (v *Verifier) decryptAssertion(ea *xmlsig.Node, out *Assertion, lim Limits) (*xmlsig.Node, *Error) {
	if len(v.DecryptionKeys) == 0 {
		return nil, newError(CodeDecryptionFailed, errNoKey)
	}
	ed := child(ea, NSXMLEnc, "EncryptedData")
	if ed == nil {
		return nil, errorf(CodeDecryptionFailed, "EncryptedAssertion without EncryptedData")
	}
	switch alg := child(ed, NSXMLEnc, "EncryptionMethod").AttrValue("Algorithm"); {
	case allowedDataCiphers[alg]:
	case legacyDataCiphers[alg] && v.AllowLegacyCrypto:
		out.LegacyCrypto = true
	case legacyDataCiphers[alg]:
		return nil, errorf(CodeEncryptionAlgorithm, "content encryption %q is legacy crypto: configure the IdP to use AES, or allow legacy crypto", truncate(alg, 100))
	default:
		return nil, errorf(CodeEncryptionAlgorithm, "content encryption %q is not allowed", truncate(alg, 100))
	}
	ek := child(child(ed, NSDSig, "KeyInfo"), NSXMLEnc, "EncryptedKey")
	if ek == nil {
		ek = child(ea, NSXMLEnc, "EncryptedKey")
	}
	if ek == nil {
		return nil, errorf(CodeDecryptionFailed, "no EncryptedKey")
	}
	if alg := child(ek, NSXMLEnc, "EncryptionMethod").AttrValue("Algorithm"); !allowedKeyTransport[alg] {
		return nil, errorf(CodeEncryptionAlgorithm, "key transport %q is not allowed (RSA-OAEP only)", truncate(alg, 100))
	}
	// xmlenc reads etree elements: give it the canonical form of each
	// (self-contained, already through the strict parser), the
	// EncryptedData without an EncryptedKey inside it.
	inner := child(child(ed, NSDSig, "KeyInfo"), NSXMLEnc, "EncryptedKey")
	data, kerr := toEtree(ed, inner)
	key, derr := toEtree(ek, nil)
	if kerr != nil || derr != nil {
		return nil, errorf(CodeDecryptionFailed, "decryption failed")
	}
	for _, k := range v.DecryptionKeys {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			continue
		}
		plain, ok := decryptWith(rk, key, data)
		if !ok {
			continue
		}
		doc, err := parseXML(plain, lim)
		if err != nil || !is(doc.Root, NSAssertion, "Assertion") {
			break
		}
		return doc.Root, nil
	}
	return nil, errorf(CodeDecryptionFailed, "decryption failed")
}

// toEtree copies el, without omit, into an etree element.
func toEtree(el, omit *xmlsig.Node) (*etree.Element, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(xmlsig.Canonicalize(nil, el, omit, nil)); err != nil {
		return nil, err
	}
	return doc.Root(), nil
}

func decryptWith(k *rsa.PrivateKey, ek, data *etree.Element) ([]byte, bool) {
	key, err := xmlenc.Decrypt(k, ek.Copy())
	if err != nil {
		return nil, false
	}
	plain, err := xmlenc.Decrypt(key, data.Copy())
	if err != nil {
		return nil, false
	}
	return plain, true
}
