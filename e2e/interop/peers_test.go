// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/store/storetest"
)

// need skips (or fails, under CI) when a peer's program is missing.
func need(t *testing.T, what string, check func() error) {
	t.Helper()
	harness.Need(t, what, check())
}

func havePython(modules ...string) func() error {
	return func() error { return harness.Python(modules...) }
}

// peer is a running third-party process.
type peer = harness.Peer

// stopPeers ends the peers the test started so far.
func stopPeers(t *testing.T) {
	for _, p := range running[t] {
		p.Stop()
	}
	delete(running, t)
}

var running = map[*testing.T][]*peer{}

// startPeer runs the command until the test ends and waits until probe
// answers.
func startPeer(t *testing.T, p *peer, probe string, name string, args ...string) {
	t.Helper()
	running[t] = append(running[t], p)
	p.Start(t, nil, probe, name, args...)
}

func newPeer(t *testing.T) *peer { return harness.NewPeer(t) }

func peerScript(name string) string {
	p, _ := filepath.Abs(filepath.Join("peers", name))
	return p
}

// signet starts Signet on SQLite (or PostgreSQL when configured in CI)
// with a directory user alice (alice@example.com) in group "Interop".
func signet(t *testing.T) *harness.Signet {
	t.Helper()
	db := "sqlite:" + filepath.Join(t.TempDir(), "signet.db")
	if os.Getenv(storetest.PostgresEnv) != "" {
		db = storetest.PostgresURL(t)
	}
	s := harness.Start(t, db)
	s.CLI("velvet-harbor-lantern\n", "idp", "user", "add", "--username", "alice", "--email", "alice@example.com",
		"--given-name", "Alice", "--family-name", "Liddell", "--password-stdin")
	s.CLI("", "idp", "group", "add", "--name", "Interop")
	s.CLI("", "idp", "group", "add-member", "--group", "Interop", "--user", "alice")
	return s
}

// addApp adds an app from the peer's SP metadata, maps the email as the
// seed does, assigns the group and returns the app's IdP metadata file.
func addApp(t *testing.T, s *harness.Signet, name string, spMetadata []byte) (appID, idpMetadata string) {
	return addAppWithSubjectFormat(t, s, name, spMetadata, "emailAddress")
}

// addAppWithSubjectFormat is addApp for SPs that ask for another NameID
// format (mod_auth_mellon always asks for transient): the Subject is still
// the email, in the format the SP asks for.
func addAppWithSubjectFormat(t *testing.T, s *harness.Signet, name string, spMetadata []byte, format string) (appID, idpMetadata string) {
	return addAppWithKey(t, s, name, spMetadata, format, "rsa2048")
}

// addAppWithKey is addAppWithSubjectFormat with the app's signing key
// type: rsa2048 or ecdsa-p256.
func addAppWithKey(t *testing.T, s *harness.Signet, name string, spMetadata []byte, format, keyType string) (appID, idpMetadata string) {
	t.Helper()
	dir := t.TempDir()
	spFile := filepath.Join(dir, "sp.xml")
	os.WriteFile(spFile, spMetadata, 0o600)
	appID = s.CLI("", "idp", "app", "add", "--name", name, "--sp-metadata", spFile, "--key-type", keyType)
	s.CLI("", "idp", "app", "map", "--app", appID, "--subject", "${user:email}", "--subject-format", format,
		"--attr", "email=${user:email}:basic", "--attr", "givenName=${user:givenName}:basic")
	s.CLI("", "idp", "app", "assign", "--app", appID, "--group", "Interop")
	idpMetadata = filepath.Join(dir, "idp.xml")
	os.WriteFile(idpMetadata, []byte(s.CLI("", "idp", "app", "metadata", "--app", appID)), 0o600)
	return appID, idpMetadata
}

// row is one line of the interop matrix.
type row struct {
	Peer, Version, Direction, Flows, Modes, Result string
}

var (
	matrixMu sync.Mutex
	matrix   []row
)

func record(r row) {
	matrixMu.Lock()
	defer matrixMu.Unlock()
	matrix = append(matrix, r)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if path := os.Getenv("SIGNET_INTEROP_MATRIX"); path != "" && len(matrix) > 0 {
		sort.Slice(matrix, func(i, j int) bool { return matrix[i].Peer+matrix[i].Direction < matrix[j].Peer+matrix[j].Direction })
		var b strings.Builder
		b.WriteString("| peer | version | direction | flows | signing and encryption | result |\n|---|---|---|---|---|---|\n")
		for _, r := range matrix {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.Peer, r.Version, r.Direction, r.Flows, r.Modes, r.Result)
		}
		os.WriteFile(path, []byte(b.String()), 0o644)
	}
	os.Exit(code)
}

// debVersion is an installed Debian package's version.
func debVersion(pkg string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		return "?"
	}
	return string(out)
}

func mustDecode(t *testing.T, b64 string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var encMethod = regexp.MustCompile(`EncryptedData[^>]*>\s*<[^>]*EncryptionMethod Algorithm="[^"#]*#([^"]+)"`)

// encryptionOf names the content cipher of an encrypted response, or "".
func encryptionOf(t *testing.T, b64 string) string {
	m := encMethod.FindStringSubmatch(string(mustDecode(t, b64)))
	if m == nil {
		return ""
	}
	return m[1] + " with RSA-OAEP"
}

// issuedTo returns a base64 response Signet issues to the app from the portal.
func issuedTo(t *testing.T, s *harness.Signet, app string) string {
	t.Helper()
	b := harness.NewBrowser(t)
	b.Post(s.IdP+"/portal/login", map[string][]string{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	form, ok := b.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
	if !ok {
		t.Fatal("no SAMLResponse form")
	}
	return form.Fields.Get("SAMLResponse")
}
