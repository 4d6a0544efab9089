// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

// raw returns a builder that ignores the env and yields fixed bytes.
func raw(s string) func(*testing.T, *samltest.Env) []byte {
	return func(*testing.T, *samltest.Env) []byte { return []byte(s) }
}

// splice replaces the first occurrence of old in a valid response.
func splice(old, new string, mutate func(*saml.ResponseParams)) func(*testing.T, *samltest.Env) []byte {
	return func(t *testing.T, env *samltest.Env) []byte {
		xml := string(env.Response(t, mutate))
		if !strings.Contains(xml, old) {
			t.Fatalf("response lacks %q", old)
		}
		return []byte(strings.Replace(xml, old, new, 1))
	}
}

func TestSecurityCasesParsing(t *testing.T) {
	asVictim := func(p *saml.ResponseParams) {
		p.NameID = "victim@corp.com.attacker.example"
		p.Attributes = nil
	}
	runSecurityCases(t, []securityCase{
		{name: "19 comment split in NameID reads as the whole text", want: "",
			build:  splice(">victim@corp.com.attacker.example<", ">victim@corp.com<!---->.attacker.example<", asVictim),
			config: func(v *saml.Verifier) {},
			check: func(t *testing.T, a *saml.Assertion) {
				if a.NameID != "victim@corp.com.attacker.example" {
					t.Errorf("NameID = %q, want the full text", a.NameID)
				}
			}},
		{name: "20 CDATA split in NameID reads as the whole text", want: "",
			build: splice(">victim@corp.com.attacker.example<", ">victim@corp.com<![CDATA[.attacker.example]]><", asVictim),
			check: func(t *testing.T, a *saml.Assertion) {
				if a.NameID != "victim@corp.com.attacker.example" {
					t.Errorf("NameID = %q, want the full text", a.NameID)
				}
			}},
		{name: "20b processing instruction split in NameID breaks the signature", want: saml.CodeSignatureInvalid,
			build: splice(">victim@corp.com.attacker.example<", ">victim@corp.com<?x y?>.attacker.example<", asVictim)},
		{name: "21a round-trip hazard ::foo attribute (CVE-2020-29509)", want: saml.CodeMalformed,
			build: splice("<samlp:Response ", `<samlp:Response ::foo="bar" `, nil)},
		{name: "21b round-trip hazard x::Assertion element", want: saml.CodeMalformed,
			build: splice("<saml:Issuer>", "<x::Issuer>", nil)},
		{name: "21c round-trip hazard empty attribute name", want: saml.CodeXMLForbidden,
			build: splice("<samlp:Response ", `<samlp:Response :="" `, nil)},
		{name: "21d round-trip hazard xmlns:= declaration", want: saml.CodeXMLForbidden,
			build: splice("<samlp:Response ", `<samlp:Response xmlns:="urn:x" `, nil)},
		{name: "22 NameID in a foreign namespace only", want: saml.CodeSubjectMissing,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					n := nameID(t, doc)
					n.Space = "evil"
					n.CreateAttr("xmlns:evil", "urn:evil")
				})
			}},
		{name: "23 Assertion prefix rebound to another namespace", want: saml.CodeAssertionCount,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					a.RemoveAttr("xmlns:saml")
					a.CreateAttr("xmlns:saml", "urn:evil:assertion")
				})
			}},
		{name: "24a DOCTYPE", want: saml.CodeXMLForbidden,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return append([]byte("<!DOCTYPE Response>"), env.Response(t, nil)[38:]...)
			}},
		{name: "24b DOCTYPE with a quote-comment trick (CVE-2025-25291)", want: saml.CodeXMLForbidden,
			build: raw(`<!DOCTYPE x SYSTEM 'x"><!--'><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`)},
		{name: "24c ATTLIST redeclaring xmlns (CVE-2025-25292)", want: saml.CodeXMLForbidden,
			build: raw(`<!DOCTYPE r [<!ATTLIST Signature xmlns CDATA "urn:evil">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`)},
		{name: "25 external entity (XXE)", want: saml.CodeXMLForbidden,
			build: raw(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&xxe;</samlp:Response>`)},
		{name: "25b parameter entity", want: saml.CodeXMLForbidden,
			build: raw(`<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><r/>`)},
		{name: "26 billion laughs in Issuer", want: saml.CodeXMLForbidden,
			build: raw(`<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>` +
				`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&c;</saml:Issuer></samlp:Response>`)},
		{name: "27 entity inside an ID (CVE-2025-23369)", want: saml.CodeXMLForbidden,
			build: raw(`<!DOCTYPE r [<!ENTITY idViaEntity "_abc">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="&idViaEntity;"/>`)},
		{name: "28a 10,000-deep nesting", want: saml.CodeTooLarge,
			build: raw(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">` + strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000) + `</samlp:Response>`)},
		{name: "28b nested elements each declaring hundreds of namespaces", want: saml.CodeTooLarge,
			build: func(*testing.T, *samltest.Env) []byte {
				var ns strings.Builder
				for i := range 300 {
					fmt.Fprintf(&ns, ` xmlns:p%d="urn:p%d"`, i, i)
				}
				el := "<a" + ns.String() + ">"
				return []byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">` + strings.Repeat(el, 30) + strings.Repeat("</a>", 30) + `</samlp:Response>`)
			}},
		{name: "28c over a megabyte", want: saml.CodeTooLarge,
			build: raw(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">` + strings.Repeat("<a/>", 300000) + `</samlp:Response>`)},
		{name: "31a empty body", want: saml.CodeMalformed, build: raw("")},
		{name: "31b not a Response", want: saml.CodeMalformed, build: raw("<hello>World!</hello>")},
		{name: "31c no root element", want: saml.CodeMalformed, build: raw("<!-- no xml root -->")},
		{name: "31d two root elements", want: saml.CodeMalformed, build: raw("<a/><b/>")},
		{name: "31e NUL byte", want: saml.CodeMalformed, build: raw("\x00\n")},
		{name: "32a month 13, hour 25", want: saml.CodeMalformed,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					a.RemoveAttr("IssueInstant")
					a.CreateAttr("IssueInstant", "2024-13-40T25:61:00Z")
				})
			}},
		{name: "32b year +275760", want: saml.CodeMalformed,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					c := samltest.Find(t, doc.Root(), "./Assertion/Conditions")
					c.RemoveAttr("NotOnOrAfter")
					c.CreateAttr("NotOnOrAfter", "+275760-09-13T00:00:00Z")
				})
			}},
		{name: "32c time without a zone", want: saml.CodeMalformed,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return resign(t, env, func(doc *etree.Document) {
					doc.Root().RemoveAttr("IssueInstant")
					doc.Root().CreateAttr("IssueInstant", env.Now.Format("2006-01-02T15:04:05"))
				})
			}},
		{name: "33a ID with quotes", want: saml.CodeMalformed,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					a := samltest.Assertion(t, doc)
					a.RemoveAttr("ID")
					a.CreateAttr("ID", `x' or '1'='1`)
				})
			}},
		{name: "33b Reference URI with XPath syntax", want: saml.CodeSignatureInvalid,
			build: func(t *testing.T, env *samltest.Env) []byte {
				return edit(t, env, nil, func(doc *etree.Document) {
					r := doc.Root().FindElement("./Signature/SignedInfo/Reference")
					r.RemoveAttr("URI")
					r.CreateAttr("URI", `#xpointer(id('x'))`)
				})
			}},
	})
}

func TestSecurityCasesSizeCaps(t *testing.T) {
	env := samltest.NewEnv(t)
	t.Run("29 decoded POST body above the cap is refused before decoding", func(t *testing.T) {
		big := bytes.Repeat([]byte("QUFB"), 5<<20/4*4/4*4/4) // 5 MB of base64
		_, err := env.Verifier().VerifyBase64(t.Context(), big)
		if saml.CodeOf(err) != saml.CodeTooLarge {
			t.Errorf("VerifyBase64(5 MB) = %v, want too_large", err)
		}
	})
	t.Run("31 invalid base64", func(t *testing.T) {
		_, err := env.Verifier().VerifyBase64(t.Context(), []byte("not base64!!"))
		if saml.CodeOf(err) != saml.CodeMalformed {
			t.Errorf("VerifyBase64(garbage) = %v, want malformed", err)
		}
	})
	t.Run("30 deflate bomb in the Redirect binding", func(t *testing.T) {
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.BestCompression)
		zeros := make([]byte, 1<<20)
		for range 64 { // 64 MB inflated, about 64 KB compressed
			w.Write(zeros)
		}
		w.Close()
		start := time.Now()
		q := "SAMLRequest=" + url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes()))
		_, err := saml.DecodeRedirect(q, saml.Limits{})
		if saml.CodeOf(err) != saml.CodeTooLarge {
			t.Errorf("DecodeRedirect(bomb) = %v, want too_large", err)
		}
		t.Logf("refused a %d-byte bomb in %v", buf.Len(), time.Since(start))
	})
}
