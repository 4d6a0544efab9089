// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/rsa"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
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
func (v *Verifier) decryptAssertion(ea *etree.Element, out *Assertion, lim Limits) (*etree.Element, *Error) {
	if len(v.DecryptionKeys) == 0 {
		return nil, newError(CodeDecryptionFailed, errNoKey)
	}
	ed := child(ea, NSXMLEnc, "EncryptedData")
	if ed == nil {
		return nil, errorf(CodeDecryptionFailed, "EncryptedAssertion without EncryptedData")
	}
	switch alg := child(ed, NSXMLEnc, "EncryptionMethod").SelectAttrValue("Algorithm", ""); {
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
	if alg := child(ek, NSXMLEnc, "EncryptionMethod").SelectAttrValue("Algorithm", ""); !allowedKeyTransport[alg] {
		return nil, errorf(CodeEncryptionAlgorithm, "key transport %q is not allowed (RSA-OAEP only)", truncate(alg, 100))
	}
	data := ed.Copy()
	if ki := child(data, NSDSig, "KeyInfo"); ki != nil {
		if inner := child(ki, NSXMLEnc, "EncryptedKey"); inner != nil {
			ki.RemoveChild(inner)
		}
	}
	for _, k := range v.DecryptionKeys {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			continue
		}
		plain, ok := decryptWith(rk, ek, data)
		if !ok {
			continue
		}
		doc, err := parseXML(plain, lim)
		if err != nil || !is(doc.Root(), NSAssertion, "Assertion") {
			break
		}
		return doc.Root(), nil
	}
	return nil, errorf(CodeDecryptionFailed, "decryption failed")
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
