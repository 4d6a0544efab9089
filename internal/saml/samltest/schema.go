// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package samltest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// schemaDir holds the OASIS SAML 2.0 schemas as Debian's
// python3-onelogin-saml2 ships them (with xmldsig, xenc and xml.xsd).
const schemaDir = "/usr/lib/python3/dist-packages/onelogin/saml2/schemas"

const validateScript = `
import sys
from lxml import etree
schema = etree.XMLSchema(etree.parse(sys.argv[1]))
bad = 0
for path in sys.argv[2:]:
    if not schema.validate(etree.parse(path)):
        bad += 1
        for e in schema.error_log:
            print("%s: line %d: %s" % (path.rsplit("/", 1)[-1], e.line, e.message))
sys.exit(1 if bad else 0)
`

// SchemaErrors validates each document against the SAML 2.0 schema (the
// protocol schema, or the metadata schema when metadata is true) with lxml
// (libxml2), an implementation independent of ours, and returns libxml2's
// complaints, one per line; empty when every document is valid. Strict
// peers (Lasso in mod_auth_mellon, python3-saml) refuse what this refuses.
// It skips the test when the schemas or lxml are missing, unless CI is set.
func SchemaErrors(t testing.TB, metadata bool, docs map[string][]byte) string {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(filepath.Join(schemaDir, "saml-schema-protocol-2.0.xsd")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the SAML schemas of python3-onelogin-saml2 are missing, but CI is set: .ci/run must install it")
		}
		t.Skip("python3-onelogin-saml2 (SAML schemas) not installed")
	}
	if exec.Command(py, "-c", "import lxml").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3-lxml is not installed, but CI is set: .ci/run must install it")
		}
		t.Skip("python3-lxml not installed")
	}
	xsd := "saml-schema-protocol-2.0.xsd"
	if metadata {
		xsd = "saml-schema-metadata-2.0.xsd"
	}
	args := []string{"-c", validateScript, filepath.Join(schemaDir, xsd)}
	dir := t.TempDir()
	for name, b := range docs {
		writeFile(t, filepath.Join(dir, name+".xml"), b)
		args = append(args, filepath.Join(dir, name+".xml"))
	}
	out, err := exec.Command(py, args...).CombinedOutput()
	if err != nil && len(out) == 0 {
		t.Fatalf("schema validation did not run: %v", err)
	}
	return strings.TrimSpace(string(out))
}
