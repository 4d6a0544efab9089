// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestUpgradeFromPreviousRelease starts today's Signet on a database made
// by the previous release (schema version 10: testdata/upgrade/make.sh)
// with an org connected to an Identity Center application. The migrations
// run at start; then bob still signs in to the org through SSO, with the
// same Entity ID and ACS URL, and the org admin still signs in with a
// password and sees the connection working.
func TestUpgradeFromPreviousRelease(t *testing.T) {
	// The old database names its URLs: serve exactly there. Addresses in
	// 127/8 other than 127.0.0.1 keep clear of other tests' ports.
	const idpAddr, spAddr = "127.83.1.1:9000", "127.83.1.2:8000"
	for _, a := range []string{idpAddr, spAddr} {
		l, err := net.Listen("tcp", a)
		if err != nil {
			t.Skipf("cannot listen on %s (loopback addresses beyond 127.0.0.1 need Linux): %v", a, err)
		}
		l.Close()
	}
	dir := t.TempDir()
	old, err := os.ReadFile(filepath.Join("testdata", "upgrade", "signet-schema10.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "signet.db")
	if err := os.WriteFile(db, old, 0o600); err != nil {
		t.Fatal(err)
	}
	s := harness.StartOn(t, "sqlite:"+db, idpAddr, spAddr, map[string]string{
		"SIGNET_DATA_DIR": dir, "SIGNET_SECRET_KEY": "signet upgrade test: a fixed secret key of at least 32 bytes"})
	if out := s.CLI("", "migrate"); !strings.Contains(out, "schema version") || strings.Contains(out, "schema version 10\n") {
		t.Errorf("after the upgrade: %s", out)
	}

	b := harness.NewBrowser(t)
	p := b.Get(s.SP + "/saml/acme/login")
	if !strings.HasPrefix(p.URL.String(), s.IdP) {
		t.Fatalf("SP-initiated sign-in did not reach the Identity Center: %d at %s\n%.800s", p.Status, p.URL, p.Body)
	}
	p = b.FollowSAML(b.SignInToPortal(p, "bob", "quartz-willow-ferry"))
	if p.Status != http.StatusOK || p.URL.Path != "/orgs/acme" || !strings.Contains(p.Body, "bob@example.test") {
		t.Fatalf("bob after SSO: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}

	admin := harness.NewBrowser(t)
	admin.Post(s.SP+"/login", url.Values{"email": {"admin@acme.example"}, "password": {"saffron-tunnel-ember"}})
	page := admin.Get(s.SP + "/orgs/acme/settings/sso")
	for _, want := range []string{spAddr + "/saml/acme/metadata", spAddr + "/saml/acme/acs", "Working", "Verified domains", "bob@example.test"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the settings page after the upgrade lacks %q:\n%.3000s", want, page.Body)
		}
	}
}
