// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
	xrv "github.com/mattermost/xml-roundtrip-validator"
)

// checkRoundTrip runs xml-roundtrip-validator's check on every token of
// data. It is xrv.Validate's loop, minus the byte-at-a-time tee reader that
// Validate needs only for an io.Reader: data is already in memory, and a
// bytes.Reader lets encoding/xml read it directly (a third of the time of
// Validate). The check of each token is the library's own CheckToken, with
// the decoder configured as Validate configures it.
func checkRoundTrip(data []byte) *Error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var scopes nsScopes
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errorf(CodeMalformed, "XML does not parse: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := scopes.push(t); err != nil {
				line, col := d.InputPos()
				return errorf(CodeXMLForbidden, "line %d, column %d: %v", line, col, err)
			}
		case xml.EndElement:
			scopes.pop()
		}
		if err := xrv.CheckToken(tok); err != nil {
			line, col := d.InputPos()
			var rt xrv.XMLRoundtripError
			if errors.As(err, &rt) {
				return errorf(CodeXMLForbidden, "XML does not survive a round trip (line %d, column %d): %v", line, col, err)
			}
			return errorf(CodeMalformed, "XML does not parse (line %d, column %d): %v", line, col, err)
		}
	}
}

// nsScopes tracks namespace declarations to find an element with the same
// attribute twice (SECURITY-CASES 83). That is not well-formed XML, and
// parsers disagree on which value wins (the first, the last), so it is
// refused before anything reads the document — also when two prefixes
// bound to one namespace name the same attribute.
type nsScopes []map[string]string // prefix → namespace, innermost last

func (s *nsScopes) push(el xml.StartElement) error {
	decl := map[string]string{}
	for _, a := range el.Attr {
		if a.Name.Space == "xmlns" {
			decl[a.Name.Local] = a.Value
		}
	}
	*s = append(*s, decl)
	seen := make(map[[2]string]bool, len(el.Attr))
	for _, a := range el.Attr {
		key := [2]string{a.Name.Space, a.Name.Local} // declarations: by prefix
		if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
			key[0] = "ns:" + s.resolve(a.Name.Space) // attributes: by namespace
		}
		if seen[key] {
			return fmt.Errorf("element <%s> has the attribute %s twice", el.Name.Local, a.Name.Local)
		}
		seen[key] = true
	}
	return nil
}

func (s *nsScopes) pop() {
	if n := len(*s); n > 0 {
		*s = (*s)[:n-1]
	}
}

// resolve is the namespace of an attribute prefix ("" has none).
func (s nsScopes) resolve(prefix string) string {
	switch prefix {
	case "":
		return ""
	case "xml":
		return "http://www.w3.org/XML/1998/namespace"
	}
	for i := len(s) - 1; i >= 0; i-- {
		if ns, ok := s[i][prefix]; ok {
			return ns
		}
	}
	return "undeclared:" + prefix
}

// Limits bound the work any one message can cause. The zero value of a
// field means its default.
type Limits struct {
	MaxMessageBytes  int // decoded XML of a message (default 1 MiB)
	MaxInflatedBytes int // inflated Redirect-binding message (default 256 KiB)
	MaxDepth         int // element nesting (default 48; real SAML needs about 12)
	MaxAttributes    int // attributes and namespace declarations per element (default 64)
	MaxElements      int // elements in a document (default 20,000)
}

// defaultLimits are the limits used when a field of Limits is zero.
var defaultLimits = Limits{
	MaxMessageBytes:  1 << 20,
	MaxInflatedBytes: 256 << 10,
	MaxDepth:         48,
	MaxAttributes:    64,
	MaxElements:      20000,
}

// WithDefaults is l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	d := defaultLimits
	if l.MaxMessageBytes > 0 {
		d.MaxMessageBytes = l.MaxMessageBytes
	}
	if l.MaxInflatedBytes > 0 {
		d.MaxInflatedBytes = l.MaxInflatedBytes
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxAttributes > 0 {
		d.MaxAttributes = l.MaxAttributes
	}
	if l.MaxElements > 0 {
		d.MaxElements = l.MaxElements
	}
	return d
}

// DecodeBase64 decodes a SAML message sent as base64, ignoring the
// whitespace that IdPs put in line-wrapped values. It refuses input whose
// decoded size would exceed max before decoding it.
func DecodeBase64(s []byte, max int) ([]byte, error) {
	if base64.StdEncoding.DecodedLen(len(s)) > max+max/8+1024 {
		return nil, errorf(CodeTooLarge, "base64 message of %d bytes exceeds the %d-byte limit", len(s), max)
	}
	clean := make([]byte, 0, len(s))
	for _, c := range s {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			clean = append(clean, c)
		}
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(out, clean)
	if err != nil {
		return nil, errorf(CodeMalformed, "invalid base64: %v", err)
	}
	if n > max {
		return nil, errorf(CodeTooLarge, "message of %d bytes exceeds the %d-byte limit", n, max)
	}
	return out[:n], nil
}

// parseXML is the only way SAML input becomes a DOM. In order:
//  1. refuse input over the size limit, empty input and invalid UTF-8;
//  2. refuse any DTD construct ("<!" other than comments and CDATA), which
//     rules out DOCTYPEs, entities, XXE and billion-laughs before parsing
//     (SECURITY-CASES 24–27);
//  3. run xml-roundtrip-validator, which refuses the constructs Go's
//     encoding/xml does not read back the same way (CVE-2020-29509/29511);
//  4. parse once with etree and check there is exactly one root, and that
//     depth, attribute and element counts are within the limits.
func parseXML(data []byte, lim Limits) (*etree.Document, *Error) {
	if len(data) > lim.MaxMessageBytes {
		return nil, errorf(CodeTooLarge, "XML of %d bytes exceeds the %d-byte limit", len(data), lim.MaxMessageBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errorf(CodeMalformed, "empty message")
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, errorf(CodeMalformed, "message is not UTF-8 text")
	}
	// Entra ID and other Windows tools start files with a UTF-8 byte order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := refuseDTD(data); err != nil {
		return nil, err
	}
	if err := checkRoundTrip(data); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	doc.ReadSettings.MaxDepth = lim.MaxDepth
	if err := doc.ReadFromBytes(data); err != nil {
		if errors.Is(err, etree.ErrMaxDepth) {
			return nil, errorf(CodeTooLarge, "elements nested deeper than %d", lim.MaxDepth)
		}
		return nil, errorf(CodeMalformed, "XML does not parse: %v", err)
	}
	roots := 0
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Element:
			roots++
		case *etree.CharData:
			if !t.IsWhitespace() {
				return nil, errorf(CodeMalformed, "text outside the root element")
			}
		}
	}
	if roots != 1 {
		return nil, errorf(CodeMalformed, "%d root elements, want 1", roots)
	}
	if err := checkShape(doc.Root(), lim); err != nil {
		return nil, err
	}
	return doc, nil
}

// refuseDTD rejects every markup declaration: anything starting "<!" except
// a comment or a CDATA section.
func refuseDTD(data []byte) *Error {
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("<!"))
		if j < 0 {
			return nil
		}
		rest := data[i+j:]
		if !bytes.HasPrefix(rest, []byte("<!--")) && !bytes.HasPrefix(rest, []byte("<![CDATA[")) {
			return errorf(CodeXMLForbidden, "DTD or markup declaration at byte %d", i+j)
		}
		i += j + 2
	}
}

// cleanName refuses the names Go's encoding/xml accepts but reads back
// differently: empty local names and colons left inside a local name, as
// in `:=""` or `xmlns:=""` (xml-roundtrip-validator lets these through).
func cleanName(space, local string) bool {
	return local != "" && !strings.Contains(local, ":") && !strings.Contains(space, ":")
}

// checkShape walks the tree without recursion and enforces the limits.
func checkShape(root *etree.Element, lim Limits) *Error {
	type item struct {
		el    *etree.Element
		depth int
	}
	stack := []item{{root, 1}}
	count := 0
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		switch {
		case count > lim.MaxElements:
			return errorf(CodeTooLarge, "more than %d elements", lim.MaxElements)
		case it.depth > lim.MaxDepth:
			return errorf(CodeTooLarge, "elements nested deeper than %d", lim.MaxDepth)
		case len(it.el.Attr) > lim.MaxAttributes:
			return errorf(CodeTooLarge, "element <%s> has %d attributes", it.el.Tag, len(it.el.Attr))
		case !cleanName(it.el.Space, it.el.Tag):
			return errorf(CodeXMLForbidden, "element name %q is read ambiguously", it.el.FullTag())
		}
		for _, a := range it.el.Attr {
			if !cleanName(a.Space, a.Key) {
				return errorf(CodeXMLForbidden, "attribute name %q is read ambiguously (CVE-2020-29511)", a.FullKey())
			}
		}
		for _, c := range it.el.ChildElements() {
			stack = append(stack, item{c, it.depth + 1})
		}
	}
	return nil
}

// EncodeBase64 encodes a message for the HTTP-POST binding.
func EncodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
