// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"bytes"
	"encoding/base64"
	"errors"

	"github.com/signet-sso/signet/internal/xmlsig"
)

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
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	if n, err := base64.StdEncoding.Decode(out, s); err == nil {
		// The common case, without spaces or tabs (the decoder itself
		// skips line breaks): no copy without the whitespace.
		return checkDecodedSize(out[:n], max)
	}
	clean := make([]byte, 0, len(s))
	for _, c := range s {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			clean = append(clean, c)
		}
	}
	n, err := base64.StdEncoding.Decode(out, clean)
	if err != nil {
		return nil, errorf(CodeMalformed, "invalid base64: %v", err)
	}
	return checkDecodedSize(out[:n], max)
}

func checkDecodedSize(b []byte, max int) ([]byte, error) {
	if len(b) > max {
		return nil, errorf(CodeTooLarge, "message of %d bytes exceeds the %d-byte limit", len(b), max)
	}
	return b, nil
}

// parseXML is the only way SAML input becomes a tree: the xmlsig parser,
// which reads the bytes once and refuses DTDs (SECURITY-CASES 24–27),
// duplicate attributes (83), undeclared prefixes, names and characters
// that parsers read differently (CVE-2020-29509/29511), and documents
// beyond the limits.
func parseXML(data []byte, lim Limits) (*xmlsig.Document, *Error) {
	if len(data) > lim.MaxMessageBytes {
		return nil, errorf(CodeTooLarge, "XML of %d bytes exceeds the %d-byte limit", len(data), lim.MaxMessageBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errorf(CodeMalformed, "empty message")
	}
	doc, err := xmlsig.Parse(data, xmlsig.Limits{
		MaxBytes: lim.MaxMessageBytes, MaxDepth: lim.MaxDepth,
		MaxAttributes: lim.MaxAttributes, MaxElements: lim.MaxElements,
	})
	if err != nil {
		var se *xmlsig.SyntaxError
		if errors.As(err, &se) {
			switch se.Kind {
			case xmlsig.Forbidden:
				return nil, errorf(CodeXMLForbidden, "%v", se)
			case xmlsig.TooLarge:
				return nil, errorf(CodeTooLarge, "%v", se)
			}
		}
		return nil, errorf(CodeMalformed, "XML does not parse: %v", err)
	}
	return doc, nil
}

// EncodeBase64 encodes a message for the HTTP-POST binding.
func EncodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
