// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

// SECURITY-CASES 81–87: SAML shapes that parsers disagree on, found in a
// later review. Each test is named after its case.

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

func TestSecurityCase81SubjectAmbiguous(t *testing.T) {
	runSecurityCases(t, []securityCase{
		{name: "81a two Subjects", want: saml.CodeSubjectAmbiguous,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					evil := a.SelectElement("Subject").Copy()
					evil.SelectElement("NameID").SetText("admin@evil.example")
					a.InsertChildAt(a.SelectElement("Subject").Index(), evil)
				})
			}},
		{name: "81b two NameIDs in one Subject", want: saml.CodeSubjectAmbiguous,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					n := nameID(t, doc)
					evil := n.Copy()
					evil.SetText("admin@evil.example")
					n.Parent().InsertChildAt(n.Index()+1, evil)
				})
			}},
		{name: "81c a NameID beside an EncryptedID", want: saml.CodeSubjectAmbiguous,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					n := nameID(t, doc)
					enc := etree.NewElement("saml:EncryptedID")
					enc.CreateElement("xenc:EncryptedData").CreateAttr("xmlns:xenc", "http://www.w3.org/2001/04/xmlenc#")
					n.Parent().InsertChildAt(n.Index()+1, enc)
				})
			}},
	})
}

func TestSecurityCase82AuthnStatementMissing(t *testing.T) {
	runSecurityCases(t, []securityCase{
		{name: "82 no AuthnStatement", want: saml.CodeAuthnStatementMissing,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					a.RemoveChild(a.SelectElement("AuthnStatement"))
				})
			}},
	})
}

// TestSecurityCase83DuplicateAttribute: an element with an attribute twice
// (directly, or through two prefixes of one namespace) is refused before
// any other check: the document is not even signed validly.
func TestSecurityCase83DuplicateAttribute(t *testing.T) {
	for name, dup := range map[string]func(xml string) string{
		"same name": func(xml string) string {
			return strings.Replace(xml, `<saml:Audience>`, `<saml:Audience x="1" x="2">`, 1)
		},
		"Destination twice on the Response": func(xml string) string {
			return strings.Replace(xml, ` Destination="`, ` Destination="https://evil.example/acs" Destination="`, 1)
		},
		"two prefixes, one namespace": func(xml string) string {
			return strings.Replace(xml, `<saml:Audience>`, `<saml:Audience xmlns:a="urn:x" xmlns:b="urn:x" a:k="1" b:k="2">`, 1)
		},
		"a namespace declared twice": func(xml string) string {
			return strings.Replace(xml, `<saml:Audience>`, `<saml:Audience xmlns:a="urn:x" xmlns:a="urn:y">`, 1)
		},
	} {
		t.Run(name, func(t *testing.T) {
			env := samltest.NewEnv(t)
			xml := string(env.Response(t, nil))
			bad := dup(xml)
			if bad == xml {
				t.Fatal("the test did not change the document")
			}
			_, err := env.Verifier().Verify(t.Context(), []byte(bad))
			if got := saml.CodeOf(err); got != saml.CodeXMLForbidden {
				t.Fatalf("Verify = %v, want %s", err, saml.CodeXMLForbidden)
			}
		})
	}
	// Distinct attributes of one local name in different namespaces are fine.
	env := samltest.NewEnv(t)
	xml := strings.Replace(string(env.Response(t, nil)), `<saml:Audience>`, `<saml:Audience xmlns:a="urn:x" xmlns:b="urn:y" a:k="1" b:k="2">`, 1)
	if _, err := env.Verifier().Verify(t.Context(), []byte(xml)); saml.CodeOf(err) == saml.CodeXMLForbidden {
		t.Errorf("attributes in two namespaces were refused as duplicates: %v", err)
	}
}

// TestSecurityCase85Base64Whitespace: XML Schema's base64Binary allows
// whitespace: a signature value with spaces, tabs and CR/LF, and metadata
// certificates wrapped by line, verify as usual.
func TestSecurityCase85Base64Whitespace(t *testing.T) {
	env := samltest.NewEnv(t)
	doc := samltest.Parse(t, env.Response(t, nil))
	spreadAll := func(el *etree.Element) {
		for _, path := range []string{"./Signature/SignatureValue", "./Signature/KeyInfo/X509Data/X509Certificate"} {
			for _, v := range el.FindElements(path) {
				v.SetText(spread(v.Text()))
			}
		}
	}
	// The assertion's signature first; the Response's signature covers it,
	// so the IdP signs the Response after, and its value is spread last.
	// (Inside signed content a raw CR would not survive parsing, which
	// turns CR LF into LF: IdPs write it as &#13; there.)
	spreadAll(samltest.Assertion(t, doc))
	for _, path := range []string{".//SignatureValue", ".//X509Certificate"} {
		for _, v := range samltest.Assertion(t, doc).FindElements(path) {
			v.SetText(strings.ReplaceAll(v.Text(), "\r", ""))
		}
	}
	samltest.Sign(t, doc.Root(), env.Key, samltest.SignOptions{})
	spreadAll(doc.Root())
	if !strings.Contains(samltest.Find(t, doc.Root(), "./Signature/SignatureValue").Text(), "\t") {
		t.Fatal("the test did not spread the values")
	}
	if _, err := env.Verifier().Verify(t.Context(), samltest.Bytes(t, doc)); err != nil {
		t.Errorf("a response with whitespace in its base64 values = %v, want accepted", err)
	}
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: env.IdPEntityID, SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{env.Key.Certificate}})
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(env.Key.Certificate.Raw)
	md = bytes.Replace(md, []byte(b64), []byte(spread(b64)), 1)
	m, err := saml.ParseMetadata(md, saml.MetadataOptions{Require: saml.RoleIdP})
	if err != nil || len(m.IdP.SigningCertificates) != 1 || !m.IdP.SigningCertificates[0].Equal(env.Key.Certificate) {
		t.Errorf("metadata with a wrapped certificate = %v", err)
	}
}

// spread puts a space, a tab and CR/LF into a base64 value.
func spread(v string) string {
	v = strings.TrimSpace(v)
	if len(v) < 30 {
		return v
	}
	return v[:10] + " " + v[10:20] + "\t" + v[20:30] + "\r\n" + v[30:]
}

// TestSecurityCase86EncryptionKeyNeverVerifies: a certificate the IdP's
// metadata marks use="encryption" is not a signing certificate.
func TestSecurityCase86EncryptionKeyNeverVerifies(t *testing.T) {
	env := samltest.NewEnv(t)
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: env.IdPEntityID, SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{env.Key.Certificate}})
	if err != nil {
		t.Fatal(err)
	}
	md = bytes.Replace(md, []byte(`use="signing"`), []byte(`use="encryption"`), -1)
	if !bytes.Contains(md, []byte(`use="encryption"`)) {
		t.Fatal("the test did not mark the key for encryption")
	}
	m, err := saml.ParseMetadata(md, saml.MetadataOptions{Require: saml.RoleIdP})
	if err == nil && len(m.IdP.SigningCertificates) != 0 {
		t.Fatalf("the encryption-only key became a signing certificate")
	}
	if err != nil && saml.CodeOf(err) != saml.CodeMetadataInvalid {
		t.Errorf("metadata with only an encryption key = %v, want %s", err, saml.CodeMetadataInvalid)
	}
}

func TestSecurityCase87EveryAudienceRestriction(t *testing.T) {
	runSecurityCases(t, []securityCase{
		{name: "87 a second AudienceRestriction for another SP", want: saml.CodeAudienceMismatch,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					c := samltest.Find(t, samltest.Assertion(t, doc), "./Conditions")
					ar := c.CreateElement("saml:AudienceRestriction")
					ar.CreateElement("saml:Audience").SetText("https://other-sp.example/metadata")
				})
			}},
		{name: "87 two AudienceRestrictions both naming the SP", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					c := samltest.Find(t, samltest.Assertion(t, doc), "./Conditions")
					ar := c.CreateElement("saml:AudienceRestriction")
					ar.CreateElement("saml:Audience").SetText(env.SPEntityID)
				})
			}},
	})
}
