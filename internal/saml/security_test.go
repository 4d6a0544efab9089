// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

// One test per line of ../shared/SECURITY-CASES.md that concerns the SP or
// message parsing (1–67, 74), plus the IdP-side parsing cases (76–80) in
// idp_security_test.go. Each builds its hostile document from a valid
// response signed by a key the test owns, and asserts the exact code.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

// edit parses a valid both-signed response, applies f and serializes.
func edit(t *testing.T, env *samltest.Env, mutate func(*saml.ResponseParams), f func(doc *etree.Document)) []byte {
	t.Helper()
	doc := samltest.Parse(t, env.Response(t, mutate))
	f(doc)
	return samltest.Bytes(t, doc)
}

// resign re-signs the assertion and then the response with the IdP's key
// after f changed them, as a (hypothetical) IdP that sent this would have.
// It isolates the check under test from the signature check.
func resign(t *testing.T, env *samltest.Env, f func(doc *etree.Document)) []byte {
	t.Helper()
	return edit(t, env, nil, func(doc *etree.Document) {
		f(doc)
		if a := doc.Root().SelectElement("Assertion"); a != nil {
			samltest.DeclareNamespaces(a)
			samltest.Sign(t, a, env.Key, samltest.SignOptions{})
		}
		samltest.Sign(t, doc.Root(), env.Key, samltest.SignOptions{})
	})
}

func nameID(t *testing.T, doc *etree.Document) *etree.Element {
	return samltest.Find(t, doc.Root(), "./Assertion/Subject/NameID")
}

func elem(xml string) *etree.Element {
	d := etree.NewDocument()
	if err := d.ReadFromString(xml); err != nil {
		panic(err)
	}
	return d.Root()
}

type securityCase struct {
	name   string
	build  func(t *testing.T, env *samltest.Env) []byte
	config func(v *saml.Verifier)
	want   saml.Code // "" means the response must be accepted (check fn then)
	check  func(t *testing.T, a *saml.Assertion)
}

func runSecurityCases(t *testing.T, cases []securityCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := samltest.NewEnv(t)
			xml := tc.build(t, env)
			v := env.Verifier()
			if tc.config != nil {
				tc.config(v)
			}
			a, err := v.Verify(t.Context(), xml)
			if a != nil && strings.Contains(a.NameID, "evil") {
				t.Fatalf("accepted the attacker's identity %q", a.NameID)
			}
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Verify = %v, want accepted", err)
				}
				if tc.check != nil {
					tc.check(t, a)
				}
				return
			}
			if got := saml.CodeOf(err); got != tc.want {
				t.Fatalf("Verify = %v (code %s), want %s", err, got, tc.want)
			}
			e := saml.AsError(err)
			if e.Message == "" || e.Hint == "" || strings.Contains(e.Message, "evil") {
				t.Errorf("error %+v must carry a safe message and a hint", e)
			}
		})
	}
}

// evilAssertion is a copy of the signed assertion naming the attacker,
// with a new ID and no signature.
func evilAssertion(t *testing.T, doc *etree.Document) *etree.Element {
	evil := samltest.Assertion(t, doc).Copy()
	samltest.RemoveSignature(evil)
	evil.RemoveAttr("ID")
	evil.CreateAttr("ID", "_evil_assertion")
	evil.FindElement("./Subject/NameID").SetText("admin@evil.example")
	return evil
}

func TestSecurityCasesSignatureWrapping(t *testing.T) {
	runSecurityCases(t, []securityCase{
		{name: "01 XSW1 signed Response inside the outer Response's Signature", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					orig := doc.Root().Copy()
					root := doc.Root()
					root.RemoveAttr("ID")
					root.CreateAttr("ID", "_evil_response")
					a := root.SelectElement("Assertion")
					root.RemoveChild(a)
					root.AddChild(evilAssertion(t, doc2(orig)))
					root.SelectElement("Signature").AddChild(orig)
				})
			}},
		{name: "02 XSW2 signed Response as a sibling before the Signature", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					orig := doc.Root().Copy()
					root := doc.Root()
					root.RemoveAttr("ID")
					root.CreateAttr("ID", "_evil_response")
					sig := root.SelectElement("Signature")
					root.InsertChildAt(sig.Index(), orig)
					a := root.SelectElement("Assertion")
					root.RemoveChild(a)
					root.AddChild(evilAssertion(t, doc2(orig)))
				})
			}},
		{name: "03 XSW3 unsigned evil Assertion before the signed one", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					doc.Root().InsertChildAt(a.Index(), evilAssertion(t, doc))
				})
			}},
		{name: "04 XSW4 evil Assertion wrapping the signed one", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					evil := evilAssertion(t, doc)
					doc.Root().RemoveChild(a)
					evil.AddChild(a)
					doc.Root().AddChild(evil)
				})
			}},
		{name: "05 XSW5 evil Assertion keeps the original Signature, original copy beside it", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					evil := a.Copy()
					evil.FindElement("./Subject/NameID").SetText("admin@evil.example")
					clean := a.Copy()
					samltest.RemoveSignature(clean)
					doc.Root().RemoveChild(a)
					doc.Root().AddChild(evil)
					doc.Root().AddChild(clean)
				})
			}},
		{name: "06 XSW6 original Assertion hidden inside the evil Assertion's Signature", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					evil := a.Copy()
					evil.RemoveAttr("ID")
					evil.CreateAttr("ID", "_evil")
					evil.FindElement("./Subject/NameID").SetText("admin@evil.example")
					evil.SelectElement("Signature").AddChild(a.Copy())
					doc.Root().RemoveChild(a)
					doc.Root().AddChild(evil)
				})
			}},
		{name: "07 XSW7 evil Assertion in Extensions", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					ext := etree.NewElement("samlp:Extensions")
					ext.AddChild(evilAssertion(t, doc))
					doc.Root().InsertChildAt(doc.Root().SelectElement("Status").Index(), ext)
				})
			}},
		{name: "08 XSW8 original Assertion in ds:Signature/ds:Object", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					evil := a.Copy()
					evil.FindElement("./Subject/NameID").SetText("admin@evil.example")
					obj := evil.SelectElement("Signature").CreateElement("ds:Object")
					orig := a.Copy()
					samltest.RemoveSignature(orig)
					obj.AddChild(orig)
					doc.Root().RemoveChild(a)
					doc.Root().AddChild(evil)
				})
			}},
		{name: "09 XSW9 spoofed Assertion whose Signature refers to a sibling", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					evil := evilAssertion(t, doc)
					evil.InsertChildAt(1, a.SelectElement("Signature").Copy())
					samltest.RemoveSignature(a)
					doc.Root().InsertChildAt(a.Index(), evil)
				})
			}},
		{name: "09b single Assertion whose Signature refers to another element", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignResponse }, func(doc *etree.Document) {
					sig := doc.Root().SelectElement("Signature")
					doc.Root().RemoveChild(sig)
					a := samltest.Assertion(t, doc)
					a.InsertChildAt(1, sig)
				})
			}},
		{name: "10 Assertion in Advice is never used for identity", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					adv := etree.NewElement("saml:Advice")
					adv.AddChild(evilAssertion(t, doc))
					a.InsertChildAt(a.SelectElement("Conditions").Index()+1, adv)
				})
			},
			check: func(t *testing.T, a *saml.Assertion) {
				if a.NameID != "pat@corp.example" {
					t.Errorf("NameID = %q, want the outer assertion's", a.NameID)
				}
			}},
		{name: "10b identity only in Advice", want: saml.CodeSubjectMissing,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					adv := etree.NewElement("saml:Advice")
					adv.AddChild(evilAssertion(t, doc))
					a.InsertChildAt(a.SelectElement("Conditions").Index()+1, adv)
					a.RemoveChild(a.SelectElement("Subject"))
				})
			}},
		{name: "11 two Assertions, one signed one unsigned (CVE-2022-41912)", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					doc.Root().AddChild(evilAssertion(t, doc))
				})
			}},
		{name: "12b thousands of IDs (the duplicate check is bounded)", want: saml.CodeTooLarge,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					ext := etree.NewElement("samlp:Extensions")
					for i := range 5000 {
						ext.CreateElement("Thing").CreateAttr("ID", fmt.Sprintf("_t%d", i))
					}
					doc.Root().InsertChildAt(doc.Root().SelectElement("Status").Index(), ext)
				})
			}},
		{name: "12 two elements share the signed ID", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					id := samltest.Assertion(t, doc).SelectAttrValue("ID", "")
					ext := etree.NewElement("samlp:Extensions")
					ext.CreateElement("x:Thing").CreateAttr("ID", id)
					ext.SelectElement("Thing").CreateAttr("xmlns:x", "urn:x")
					doc.Root().InsertChildAt(doc.Root().SelectElement("Status").Index(), ext)
				})
			}},
		{name: "13 Signature with two SignedInfo (CVE-2025-29774)", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					sig := doc.Root().SelectElement("Signature")
					sig.InsertChildAt(1, sig.SelectElement("SignedInfo").Copy())
				})
			}},
		{name: "13b Signature with two SignatureValue", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					sig := doc.Root().SelectElement("Signature")
					sig.AddChild(sig.SelectElement("SignatureValue").Copy())
				})
			}},
		{name: "13c Signature with two KeyInfo", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					sig := doc.Root().SelectElement("Signature")
					sig.AddChild(sig.SelectElement("KeyInfo").Copy())
				})
			}},
		{name: "14 SignedInfo with two References", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					si := doc.Root().SelectElement("Signature").SelectElement("SignedInfo")
					ref := si.SelectElement("Reference").Copy()
					ref.RemoveAttr("URI")
					ref.CreateAttr("URI", "#"+samltest.Assertion(t, doc).SelectAttrValue("ID", ""))
					si.AddChild(ref)
				})
			}},
		{name: "15 stray Reference and DigestValue in Extensions are ignored", want: "",
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					ext := etree.NewElement("samlp:Extensions")
					ext.AddChild(strayReference(doc))
					doc.Root().InsertChildAt(doc.Root().SelectElement("Status").Index(), ext)
				})
			}},
		{name: "15b stray Reference in StatusDetail does not save a tampered body (CVE-2024-45409)", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					detail := doc.Root().SelectElement("Status").CreateElement("samlp:StatusDetail")
					detail.AddChild(strayReference(doc))
					nameID(t, doc).SetText("admin@evil.example")
				})
			}},
		{name: "16 comment inside DigestValue (CVE-2025-29775)", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					dv := doc.Root().FindElement("./Signature/SignedInfo/Reference/DigestValue")
					v := dv.Text()
					dv.SetText(v[:10])
					dv.CreateComment("x")
					dv.CreateText(v[10:])
				})
			}},
		{name: "17 second unsigned Response nested in Extensions", want: saml.CodeMalformed,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					other := doc.Root().Copy()
					other.RemoveChild(other.SelectElement("Assertion"))
					other.RemoveAttr("ID")
					other.CreateAttr("ID", "_other_response")
					ext := etree.NewElement("samlp:Extensions")
					ext.AddChild(other)
					doc.Root().InsertChildAt(doc.Root().SelectElement("Status").Index(), ext)
				})
			}},
		{name: "18 injected EncryptedAssertion next to a signed Assertion", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, func(p *saml.ResponseParams) { p.Sign = saml.SignAssertion }, func(doc *etree.Document) {
					doc.Root().AddChild(elem(`<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>`))
				})
			}},
	})
}

// doc2 wraps an element in a document so helpers that take one work.
func doc2(root *etree.Element) *etree.Document {
	d := etree.NewDocument()
	d.SetRoot(root.Copy())
	return d
}

// strayReference copies the assertion's signature Reference, declaring the
// ds prefix on the copy (it was declared on the Signature it leaves).
func strayReference(doc *etree.Document) *etree.Element {
	ref := doc.Root().FindElement("./Assertion/Signature/SignedInfo/Reference").Copy()
	ref.CreateAttr("xmlns:ds", saml.NSDSig)
	return ref
}
