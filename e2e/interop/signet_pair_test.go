// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestSignetPairByMetadata connects the two roles as the seed's step 8
// offers as an alternative: the Identity Center application is made from
// the org's SP metadata file, which carries the org's certificate, so the
// Identity Center encrypts the assertion to it and the Workspace decrypts.
func TestSignetPairByMetadata(t *testing.T) {
	s := signet(t)
	dir := t.TempDir()
	s.CLI("saffron-tunnel-ember\n", "sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth",
		"--admin-email", "admin@acme.example", "--admin-password-stdin")
	s.CLI("", "sp", "member", "add", "--org", "acme", "--email", "bob@example.test", "--role", "member")
	spMD := filepath.Join(dir, "sp.xml")
	os.WriteFile(spMD, []byte(harness.NewBrowser(t).Get(s.SP+"/saml/acme/metadata").Body), 0o600)

	s.CLI("", "idp", "user", "add", "--username", "bob", "--email", "bob@example.test")
	s.CLI("", "idp", "app", "add", "--name", "Acme Analytics", "--sp-metadata", spMD)
	s.CLI("", "idp", "app", "map", "--app", "Acme Analytics", "--subject", "${user:email}", "--subject-format", "emailAddress",
		"--attr", "email=${user:email}:basic")
	s.CLI("", "idp", "app", "assign", "--app", "Acme Analytics", "--user", "bob")
	idpMD := filepath.Join(dir, "idp.xml")
	os.WriteFile(idpMD, []byte(s.CLI("", "idp", "app", "metadata", "--app", "Acme Analytics")), 0o600)
	s.CLI("", "sp", "sso", "set", "--org", "acme", "--metadata", idpMD, "--provider", "aws")

	resp := strings.TrimSpace(s.CLI("", "idp", "issue", "--app", "Acme Analytics", "--user", "bob"))
	if !strings.Contains(string(mustDecode(t, resp)), "EncryptedAssertion") {
		t.Fatal("the Identity Center did not encrypt to the certificate in the org's SP metadata")
	}
	b := harness.NewBrowser(t)
	signedInToAcme(t, b.Post(s.SP+"/saml/acme/acs", url.Values{"SAMLResponse": {resp}}), "bob@example.test")
	record(row{Peer: "Signet Identity Center (this tree)", Version: "-", Direction: "IdP → Signet Workspace",
		Flows: "IdP-initiated (signet idp issue)", Modes: "application made from the org's SP metadata; assertion encrypted to the org's certificate (AES-256-GCM, RSA-OAEP)",
		Result: resultOf(t)})
}
