// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package xmlsig_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// TestParseRefusesHostileInput: each input outside the profile is refused
// with its kind of error (and nothing panics).
func TestParseRefusesHostileInput(t *testing.T) {
	small := xmlsig.Limits{MaxDepth: 4, MaxAttributes: 3, MaxElements: 5, MaxBytes: 4096}
	tests := []struct {
		name, in string
		lim      xmlsig.Limits
		want     xmlsig.ErrorKind
	}{
		{"doctype", `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"doctype inside", `<a><!DOCTYPE a></a>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"external entity reference", `<a>&x;</a>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"duplicate attribute", `<a b="1" b="2"/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"duplicate attribute through two prefixes", `<a xmlns:p="u" xmlns:q="u" p:b="1" q:b="2"/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"prefix declared twice", `<a xmlns:p="u" xmlns:p="v"/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"undeclared element prefix", `<p:a/>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"undeclared attribute prefix", `<a p:b="1"/>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"prefix bound to empty", `<a xmlns:p=""/>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"xml prefix rebound", `<a xmlns:xml="urn:x"/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"xmlns declared", `<a xmlns:xmlns="urn:x"/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"reserved element prefix", `<xmlns:a/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"empty local name", `<a :="b"/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"empty declared prefix", `<a xmlns:="urn:x"/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"two colons", `<a ::b="c"/>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"control character", "<a>\x01</a>", xmlsig.Limits{}, xmlsig.Malformed},
		{"not UTF-8", "<a>\xff</a>", xmlsig.Limits{}, xmlsig.Malformed},
		{"character reference to NUL", `<a>&#0;</a>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"character reference beyond Unicode", `<a>&#x110000;</a>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"]]> in text", `<a>]]></a>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"processing instruction before the root", `<?pi x?><a/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"encoding other than UTF-8", `<?xml version="1.0" encoding="UTF-16"?><a/>`, xmlsig.Limits{}, xmlsig.Forbidden},
		{"second root", `<a/><b/>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"text after the root", `<a/>x`, xmlsig.Limits{}, xmlsig.Malformed},
		{"mismatched end tag", `<a></b>`, xmlsig.Limits{}, xmlsig.Malformed},
		// End tags are matched by the name as written, prefix included.
		{"end tag with another prefix", `<p:a xmlns:p="u" xmlns:q="u"></q:a>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"end tag without the prefix", `<p:a xmlns:p="u"></a>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"end tag with a prefix added", `<a xmlns:p="u"></p:a>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"end tag joining prefix and name", `<p:a xmlns:p="u" xmlns:pa="u"></pa>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"end tag longer by one", `<p:a xmlns:p="u"></p:ab>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"end tag with the parts swapped", `<p:a xmlns:p="u" xmlns:a="u"></a:p>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"unclosed", `<a><b>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"'<' in attribute", `<a b="<"/>`, xmlsig.Limits{}, xmlsig.Malformed},
		{"too deep", `<a><a><a><a><a/></a></a></a></a>`, small, xmlsig.TooLarge},
		{"too many attributes", `<a b="1" c="2" d="3" e="4"/>`, small, xmlsig.TooLarge},
		{"too many elements", `<a><b/><b/><b/><b/><b/></a>`, small, xmlsig.TooLarge},
		{"too many bytes", "<a>" + strings.Repeat("x", 5000) + "</a>", small, xmlsig.TooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := xmlsig.Parse([]byte(tt.in), tt.lim)
			var se *xmlsig.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, want a SyntaxError", err)
			}
			if se.Kind != tt.want {
				t.Errorf("Parse = %v (kind %d), want kind %d", se, se.Kind, tt.want)
			}
		})
	}
}

// TestParseDataModel: what the tree holds is the XML data model, so the
// canonical form, the digest and the reader see one thing.
func TestParseDataModel(t *testing.T) {
	in := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- c --><p:a xmlns:p=\"urn:p\" b=\"x\ty&#9;z\r\nw\">one\r\ntwo&amp;<![CDATA[<3]]><!--split-->three</p:a>"
	doc, err := xmlsig.Parse([]byte("\ufeff"+in), xmlsig.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	a := doc.Root
	if !a.Is("urn:p", "a") {
		t.Fatalf("root is {%s}%s", a.NS, a.Local)
	}
	if got := a.AttrValue("b"); got != "x y\tz w" {
		t.Errorf("attribute value %q, want whitespace normalized and the reference kept as a tab", got)
	}
	if got := a.AllText(); got != "one\ntwo&<3three" {
		t.Errorf("AllText = %q", got)
	}
	if got := a.LeadingText(); got != "one\ntwo&<3" {
		t.Errorf("LeadingText = %q", got)
	}
	want := `<p:a xmlns:p="urn:p" b="x y&#x9;z w">one` + "\n" + `two&amp;&lt;3three</p:a>`
	if got := string(xmlsig.Canonicalize(nil, a, nil, nil)); got != want {
		t.Errorf("canonical form\n got %s\nwant %s", got, want)
	}
}
