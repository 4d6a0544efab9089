// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

// setAttr replaces an attribute's value.
func setAttr(el *etree.Element, key, value string) {
	el.RemoveAttr(key)
	el.CreateAttr(key, value)
}

// signedRef is the Response signature's Reference.
func signedRef(t *testing.T, doc *etree.Document) *etree.Element {
	return samltest.Find(t, doc.Root(), "./Signature/SignedInfo/Reference")
}

// cloneCert makes a certificate with the same subject and serial as c but
// the attacker's key (SECURITY-CASES 40).
func cloneCert(t *testing.T, c *x509.Certificate, attacker saml.KeyPair) saml.KeyPair {
	t.Helper()
	tmpl := *c
	tmpl.PublicKey = attacker.Signer.Public()
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, attacker.Signer.Public(), attacker.Signer)
	if err != nil {
		t.Fatal(err)
	}
	clone, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return saml.KeyPair{Signer: attacker.Signer, Certificate: clone}
}

// signAll re-signs assertion and response with key.
func signAll(t *testing.T, key saml.KeyPair, opt samltest.SignOptions) func(*etree.Document) {
	return func(doc *etree.Document) {
		a := samltest.Assertion(t, doc)
		samltest.DeclareNamespaces(a)
		samltest.Sign(t, a, key, opt)
		samltest.Sign(t, doc.Root(), key, opt)
	}
}

func TestSecurityCasesKeysAndAlgorithms(t *testing.T) {
	assertionOnly := func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }
	responseOnly := func(p *saml.ResponseParams) { p.Sign = saml.SignResponse }
	runSecurityCases(t, []securityCase{
		{name: "34 both signatures removed", want: saml.CodeSignatureMissing,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					samltest.RemoveSignature(doc.Root())
					samltest.RemoveSignature(samltest.Assertion(t, doc))
				})
			}},
		{name: "35 assertion signature removed where signed assertions are required", want: saml.CodeSignatureMissing,
			build:  func(t *testing.T, env *samltest.Env) []byte { return env.Response(t, responseOnly) },
			config: func(v *saml.Verifier) { v.RequireSignedAssertion = true }},
		{name: "36 signed Response with unsigned Assertion accepted by default policy", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte { return env.Response(t, responseOnly) },
			check: func(t *testing.T, a *saml.Assertion) {
				if !a.ResponseSigned || a.AssertionSigned {
					t.Errorf("signed flags = %v/%v", a.ResponseSigned, a.AssertionSigned)
				}
			}},
		{name: "37a unsigned Response, signed Assertion, tampered Destination", want: saml.CodeDestinationMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, assertionOnly, func(doc *etree.Document) {
					setAttr(doc.Root(), "Destination", "https://evil.example/acs")
				})
			}},
		{name: "37b unsigned Response, signed Assertion, tampered InResponseTo", want: saml.CodeInResponseToUnknown,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, assertionOnly, func(doc *etree.Document) {
					setAttr(doc.Root(), "InResponseTo", "_other_request")
				})
			}},
		{name: "38 re-signed with the attacker's key and certificate in KeyInfo", want: saml.CodeCertificateUntrusted,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					nameID(t, doc).SetText("admin@evil.example")
					signAll(t, samltest.Key(t, "attacker"), samltest.SignOptions{})(doc)
				})
			}},
		{name: "39 KeyInfo with the attacker's RSAKeyValue", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					nameID(t, doc).SetText("admin@evil.example")
					attacker := samltest.Key(t, "attacker")
					signAll(t, attacker, samltest.SignOptions{})(doc)
					pub := attacker.Signer.Public().(*rsa.PublicKey)
					for _, el := range []*etree.Element{doc.Root(), samltest.Assertion(t, doc)} {
						ki := el.SelectElement("Signature").SelectElement("KeyInfo")
						for _, c := range ki.ChildElements() {
							ki.RemoveChild(c)
						}
						kv := ki.CreateElement("ds:KeyValue").CreateElement("ds:RSAKeyValue")
						kv.CreateElement("ds:Modulus").SetText(base64.StdEncoding.EncodeToString(pub.N.Bytes()))
						kv.CreateElement("ds:Exponent").SetText("AQAB")
					}
				})
			}},
		{name: "40 cloned certificate: same subject and serial, other key", want: saml.CodeCertificateUntrusted,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					nameID(t, doc).SetText("admin@evil.example")
					signAll(t, cloneCert(t, env.Key.Certificate, samltest.Key(t, "attacker")), samltest.SignOptions{})(doc)
				})
			}},
		{name: "41 valid signature by tenant B's IdP posted to tenant A", want: saml.CodeCertificateUntrusted,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Key = samltest.Key(t, "tenant-b-idp") })
			}},
		{name: "42 SignatureMethod hmac-sha1", want: saml.CodeSignatureAlgorithm,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					sm := samltest.Find(t, doc.Root(), "./Signature/SignedInfo/SignatureMethod")
					setAttr(sm, "Algorithm", "http://www.w3.org/2000/09/xmldsig#hmac-sha1")
				})
			}},
		{name: "43a rsa-sha1 signature refused by default", want: saml.CodeSignatureAlgorithm,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, signAll(t, env.Key, samltest.SignOptions{SignatureMethod: saml.AlgRSASHA1, Digest: saml.DigestSHA1}))
			}},
		{name: "43b rsa-sha1 accepted only with legacy crypto, and flagged", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, signAll(t, env.Key, samltest.SignOptions{SignatureMethod: saml.AlgRSASHA1, Digest: saml.DigestSHA1}))
			},
			config: func(v *saml.Verifier) { v.AllowLegacyCrypto = true },
			check: func(t *testing.T, a *saml.Assertion) {
				if !a.LegacyCrypto {
					t.Error("LegacyCrypto not set for an rsa-sha1 signature")
				}
			}},
		{name: "43c sha1 digest with rsa-sha256 refused", want: saml.CodeSignatureAlgorithm,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, signAll(t, env.Key, samltest.SignOptions{Digest: saml.DigestSHA1}))
			}},
		{name: "44a XSLT transform", want: saml.CodeSignatureAlgorithm,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					tr := signedRef(t, doc).SelectElement("Transforms").ChildElements()[1]
					setAttr(tr, "Algorithm", "http://www.w3.org/TR/1999/REC-xslt-19991116")
				})
			}},
		{name: "44b XPath transform", want: saml.CodeSignatureAlgorithm,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					tr := signedRef(t, doc).SelectElement("Transforms").ChildElements()[1]
					setAttr(tr, "Algorithm", "http://www.w3.org/TR/1999/REC-xpath-19991116")
				})
			}},
		{name: "45a Reference URI #xpointer(/)", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) { setAttr(signedRef(t, doc), "URI", "#xpointer(/)") })
			}},
		{name: "45b Reference URI to another document", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) { setAttr(signedRef(t, doc), "URI", "http://evil.example/x") })
			}},
		{name: "45c empty Reference URI", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) { setAttr(signedRef(t, doc), "URI", "") })
			}},
		{name: "46a three transforms", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					trs := signedRef(t, doc).SelectElement("Transforms")
					trs.AddChild(trs.ChildElements()[1].Copy())
				})
			}},
		{name: "46b no enveloped-signature transform", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					trs := signedRef(t, doc).SelectElement("Transforms")
					trs.RemoveChild(trs.ChildElements()[0])
				})
			}},
		{name: "47 inclusive c14n on SignedInfo (CVE-2013-2172)", want: saml.CodeSignatureAlgorithm,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					cm := samltest.Find(t, doc.Root(), "./Signature/SignedInfo/CanonicalizationMethod")
					setAttr(cm, "Algorithm", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments")
				})
			}},
		{name: "48a Signature without SignedInfo (CVE-2020-7711)", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					sig := doc.Root().SelectElement("Signature")
					sig.RemoveChild(sig.SelectElement("SignedInfo"))
				})
			}},
		{name: "48b empty SignatureValue", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					samltest.Find(t, doc.Root(), "./Signature/SignatureValue").SetText("")
				})
			}},
		{name: "48c Reference without URI", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) { signedRef(t, doc).RemoveAttr("URI") })
			}},
		{name: "49a signing certificate expired: refused by default", want: saml.CodeCertificateExpired,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Key = expiredKey(t, env) })
			},
			config: func(v *saml.Verifier) { v.IdPCertificates = []*x509.Certificate{expiredCert} }},
		{name: "49b signing certificate expired: accepted where the policy allows", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Key = expiredKey(t, env) })
			},
			config: func(v *saml.Verifier) {
				v.IdPCertificates = []*x509.Certificate{expiredCert}
				v.AllowExpiredCertificate = true
			}},
		{name: "49c rotation: the second trusted certificate verifies", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				return env.Response(t, func(p *saml.ResponseParams) { p.Key = samltest.Key(t, "next") })
			},
			config: func(v *saml.Verifier) {
				v.IdPCertificates = append(v.IdPCertificates, samltestKeyCert)
			}},
		{name: "51a EncryptedAssertion with rsa-1_5 key transport", want: saml.CodeEncryptionAlgorithm,
			build: func(t *testing.T, env *samltest.Env) []byte {
				sp := samltest.Key(t, "sp")
				return samltest.Encrypt(t, env.Response(t, assertionOnly), sp.Certificate, xmlenc.PKCS1v15(), xmlenc.AES256CBC)
			},
			config: withSPKey},
		// Since SECURITY-CASES 94, every failure after decryption of an unsigned
		// Response is decryption_failed (the cause, signature_missing, stays in the
		// private error for the attempts log).
		{name: "51b CBC-encrypted unsigned assertion in an unsigned Response", want: saml.CodeDecryptionFailed,
			build: func(t *testing.T, env *samltest.Env) []byte {
				sp := samltest.Key(t, "sp")
				xml := edit(t, env, nil, func(doc *etree.Document) { samltest.RemoveSignature(samltest.Assertion(t, doc)) })
				return samltest.Encrypt(t, xml, sp.Certificate, xmlenc.OAEP(), xmlenc.AES128CBC)
			},
			config: withSPKey},
		{name: "51d 3DES-CBC content encryption without legacy crypto", want: saml.CodeEncryptionAlgorithm,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return samltest.Encrypt(t, env.Response(t, assertionOnly), spKey.Certificate, xmlenc.OAEP(), xmlenc.TripleDES)
			},
			config: withSPKey},
		{name: "51e 3DES-CBC content encryption with legacy crypto, marked", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				return samltest.Encrypt(t, env.Response(t, assertionOnly), spKey.Certificate, xmlenc.OAEP(), xmlenc.TripleDES)
			},
			config: func(v *saml.Verifier) { withSPKey(v); v.AllowLegacyCrypto = true },
			check: func(t *testing.T, a *saml.Assertion) {
				if !a.Encrypted || !a.LegacyCrypto {
					t.Errorf("Encrypted=%v LegacyCrypto=%v, want both", a.Encrypted, a.LegacyCrypto)
				}
			}},
		{name: "51c GCM-encrypted signed assertion is accepted", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				sp := samltest.Key(t, "sp")
				return samltest.Encrypt(t, env.Response(t, assertionOnly), sp.Certificate, xmlenc.OAEP(), xmlenc.AES256GCM)
			},
			config: withSPKey,
			check: func(t *testing.T, a *saml.Assertion) {
				if !a.Encrypted || !a.AssertionSigned {
					t.Errorf("Encrypted=%v AssertionSigned=%v", a.Encrypted, a.AssertionSigned)
				}
			}},
	})
}

var (
	expiredCert     *x509.Certificate
	samltestKeyCert *x509.Certificate
)

// expiredKey is a key whose certificate expired a day before env.Now.
func expiredKey(t *testing.T, env *samltest.Env) saml.KeyPair {
	k, err := saml.GenerateKeyPair(rand.Reader, saml.KeyECDSAP256, "expired", env.Now.Add(-48*time.Hour), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expiredCert = k.Certificate
	return k
}

func withSPKey(v *saml.Verifier) {
	v.DecryptionKeys = append(v.DecryptionKeys, spKey.Signer.(*rsa.PrivateKey))
}

var spKey saml.KeyPair

func TestMain(m *testing.M) {
	spKey = samltest.Key(mainTB{}, "sp")
	samltestKeyCert = samltest.Key(mainTB{}, "next").Certificate
	m.Run()
}

// TestSecurityCase52UniformDecryptionErrors: a corrupted ciphertext and the
// wrong key give the same code and the same public message (no oracle).
func TestSecurityCase52UniformDecryptionErrors(t *testing.T) {
	env := samltest.NewEnv(t)
	enc := samltest.Encrypt(t, env.Response(t, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }),
		spKey.Certificate, xmlenc.OAEP(), xmlenc.AES128CBC)
	doc := samltest.Parse(t, enc)
	cvs := doc.Root().FindElements(".//CipherValue")
	data := cvs[len(cvs)-1]
	b, _ := base64.StdEncoding.DecodeString(data.Text())
	b[len(b)-1] ^= 0x5a // break the CBC padding
	data.SetText(base64.StdEncoding.EncodeToString(b))
	corrupted := samltest.Bytes(t, doc)

	var msgs []string
	for _, tc := range []struct {
		name string
		xml  []byte
		key  saml.KeyPair
	}{{"corrupted padding", corrupted, spKey}, {"wrong key", enc, samltest.Key(t, "attacker")}} {
		v := env.Verifier()
		v.DecryptionKeys = append(v.DecryptionKeys, tc.key.Signer.(*rsa.PrivateKey))
		_, err := v.Verify(t.Context(), tc.xml)
		if saml.CodeOf(err) != saml.CodeDecryptionFailed {
			t.Errorf("%s: %v, want decryption_failed", tc.name, err)
		}
		msgs = append(msgs, saml.AsError(err).Message+"|"+saml.AsError(err).Err.Error())
	}
	if msgs[0] != msgs[1] {
		t.Errorf("the two failures differ, which is an oracle:\n%s\n%s", msgs[0], msgs[1])
	}
}

func TestSecurityCase50WeakMetadataKey(t *testing.T) {
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: samltestKeyCert.SerialNumber, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &weak.PublicKey, weak)
	cert, _ := x509.ParseCertificate(der)
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: "https://idp.example.com", SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := saml.ParseMetadata(md, saml.MetadataOptions{Require: saml.RoleIdP}); saml.CodeOf(err) != saml.CodeKeyTooWeak {
		t.Errorf("ParseMetadata(RSA-1024) = %v, want key_too_weak", err)
	}
	if _, err := saml.ParseMetadata(md, saml.MetadataOptions{Require: saml.RoleIdP, AllowLegacyCrypto: true}); err != nil {
		t.Errorf("ParseMetadata(RSA-1024, legacy) = %v", err)
	}
	// A KeyDescriptor without use serves signing.
	md2, _ := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: "https://idp.example.com", SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{samltestKeyCert}})
	md2 = []byte(strings.Replace(string(md2), ` use="signing"`, "", 1))
	m, err := saml.ParseMetadata(md2, saml.MetadataOptions{Require: saml.RoleIdP})
	if err != nil || len(m.IdP.SigningCertificates) != 1 {
		t.Errorf("KeyDescriptor without use: %v, %d certificates", err, len(m.IdP.SigningCertificates))
	}
}

// mainTB lets TestMain use samltest.Key.
type mainTB struct{ testing.TB }

func (mainTB) Helper()           {}
func (mainTB) Fatal(args ...any) { panic(args) }

// TestSecurityCase94NoPaddingOracle: bit flips in an AES-CBC encrypted
// assertion of an unsigned Response give one code whatever they broke (the
// padding, the XML, or the inner signature); in a signed Response the
// signature is checked before anything is decrypted.
func TestSecurityCase94NoPaddingOracle(t *testing.T) {
	flip := func(t *testing.T, xml []byte, at func(n int) int) []byte {
		t.Helper()
		doc := samltest.Parse(t, xml)
		cv := samltest.Find(t, doc.Root(), "./EncryptedAssertion/EncryptedData/CipherData/CipherValue")
		raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(cv.Text()), ""))
		if err != nil || len(raw) < 48 {
			t.Fatalf("cipher value: %v (%d bytes)", err, len(raw))
		}
		raw[at(len(raw))] ^= 0x01
		cv.SetText(base64.StdEncoding.EncodeToString(raw))
		return samltest.Bytes(t, doc)
	}
	positions := map[string]func(n int) int{
		"IV":                  func(int) int { return 3 },
		"first block":         func(int) int { return 16 + 5 },
		"a middle block":      func(n int) int { return n / 2 },
		"the last (padding)":  func(n int) int { return n - 1 },
		"the next-to-last IV": func(n int) int { return n - 17 },
	}
	for where, at := range positions {
		t.Run("unsigned Response, flip in "+where, func(t *testing.T) {
			env := samltest.NewEnv(t)
			xml := samltest.Encrypt(t, env.Response(t, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }), spKey.Certificate, xmlenc.OAEP(), xmlenc.AES256CBC)
			v := env.Verifier()
			withSPKey(v)
			if _, err := v.Verify(t.Context(), flip(t, xml, at)); saml.CodeOf(err) != saml.CodeDecryptionFailed {
				t.Errorf("Verify = %v, want %s", err, saml.CodeDecryptionFailed)
			}
		})
	}
	t.Run("unsigned Response, decrypts to XML whose signature fails", func(t *testing.T) {
		// What a lucky flip would produce: well-formed, wrongly signed.
		env := samltest.NewEnv(t)
		xml := edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
			nameID(t, doc).SetText("someone-else@corp.example")
		})
		v := env.Verifier()
		withSPKey(v)
		enc := samltest.Encrypt(t, xml, spKey.Certificate, xmlenc.OAEP(), xmlenc.AES256CBC)
		if _, err := v.Verify(t.Context(), enc); saml.CodeOf(err) != saml.CodeDecryptionFailed {
			t.Errorf("Verify = %v, want %s, like every other failure after decryption", err, saml.CodeDecryptionFailed)
		}
	})
	t.Run("signed Response: the signature first", func(t *testing.T) {
		env := samltest.NewEnv(t)
		xml := env.Response(t, func(p *saml.ResponseParams) {
			p.EncryptFor, p.EncryptionMethod = spKey.Certificate, "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
		})
		v := env.Verifier()
		withSPKey(v)
		if _, err := v.Verify(t.Context(), xml); err != nil {
			t.Fatalf("the untouched response = %v", err)
		}
		if _, err := v.Verify(t.Context(), flip(t, xml, positions["the last (padding)"])); saml.CodeOf(err) != saml.CodeSignatureInvalid {
			t.Errorf("Verify = %v, want %s (nothing decrypted)", err, saml.CodeSignatureInvalid)
		}
	})
}
