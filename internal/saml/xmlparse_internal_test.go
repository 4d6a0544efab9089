// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	xrv "github.com/mattermost/xml-roundtrip-validator"
)

// TestCheckRoundTripAgreesWithValidate: checkRoundTrip is xrv.Validate's
// loop over an in-memory reader, so the two must agree on every input:
// every fixture, and the round-trip hazards xrv was written for.
func TestCheckRoundTripAgreesWithValidate(t *testing.T) {
	inputs := map[string][]byte{
		"colon attribute":        []byte(`<a ::foo="bar"/>`),
		"colon element":          []byte(`<x::a/>`),
		"empty attribute name":   []byte(`<a :="b"/>`),
		"empty prefix xmlns":     []byte(`<a xmlns:="urn:x"/>`),
		"directive in element":   []byte(`<a><!x></a>`),
		"namespaced end tag":     []byte(`<a:b xmlns:a="u"></a:b>`),
		"mismatched prefix tags": []byte(`<a:b xmlns:a="u"></c:b>`),
		"plain":                  []byte(`<a b="c">d<e/></a>`),
		"truncated":              []byte(`<a><b>`),
		"not xml":                []byte(`hello`),
	}
	err := filepath.WalkDir("testdata/fixtures", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
			return err
		}
		b, err := os.ReadFile(path)
		inputs[path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < 20 {
		t.Fatalf("only %d inputs: are the fixtures missing?", len(inputs))
	}
	for name, data := range inputs {
		ours := checkRoundTrip(data)
		theirs := xrv.Validate(bytes.NewReader(data))
		if (ours == nil) != (theirs == nil) {
			t.Errorf("%s: checkRoundTrip = %v, xrv.Validate = %v", name, ours, theirs)
		}
	}
}
