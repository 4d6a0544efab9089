// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"database/sql"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/store/storetest"
)

// TestUpgradeFromPreviousRelease starts today's Signet on databases made
// by the previous release (schema version 15, one SSO connection per org:
// testdata/upgrade/make.sh), SQLite and PostgreSQL, each with an org
// connected to an Identity Center application. The migrations run at
// start (the connection becomes the org's primary one); then bob still
// signs in to the org through SSO, with the same Entity ID and ACS URL,
// and the org admin still signs in with a password and sees the
// connection working.
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
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		old, err := os.ReadFile(filepath.Join("testdata", "upgrade", "signet-schema15.db"))
		if err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(dir, "signet.db")
		if err := os.WriteFile(db, old, 0o600); err != nil {
			t.Fatal(err)
		}
		upgradeAndSignIn(t, "sqlite:"+db, dir, idpAddr, spAddr)
	})
	t.Run("postgres", func(t *testing.T) {
		db := storetest.PostgresURL(t)
		loadPostgresDump(t, db, filepath.Join("testdata", "upgrade", "signet-schema15.pg.sql"))
		upgradeAndSignIn(t, db, t.TempDir(), idpAddr, spAddr)
	})
}

// loadPostgresDump loads the previous release's pg_dump (of schema
// signet_upgrade) into the test's own schema, which db's search_path names.
func loadPostgresDump(t *testing.T, db, file string) {
	t.Helper()
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	dump, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	script := strings.ReplaceAll(strings.Replace(string(dump), "CREATE SCHEMA signet_upgrade;", "", 1), "signet_upgrade.", schema+".")
	conn, err := sql.Open("pgx", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), script); err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
}

func upgradeAndSignIn(t *testing.T, database, dir, idpAddr, spAddr string) {
	s := harness.StartOn(t, database, idpAddr, spAddr, map[string]string{
		"SIGNET_DATA_DIR": dir, "SIGNET_SECRET_KEY": "signet upgrade test: a fixed secret key of at least 32 bytes"})
	if out := s.CLI("", "migrate"); !strings.Contains(out, "schema version") || strings.Contains(out, "schema version 15\n") {
		t.Errorf("after the upgrade: %s", out)
	}
	var show struct {
		EntityID    string `json:"entity_id"`
		Connections []struct {
			Name    string `json:"name"`
			Primary bool   `json:"primary"`
		} `json:"connections"`
	}
	if err := json.Unmarshal([]byte(s.CLI("", "sp", "sso", "show", "--org", "acme")), &show); err != nil || len(show.Connections) != 1 ||
		!show.Connections[0].Primary || show.Connections[0].Name != "AWS IAM Identity Center" || show.EntityID != "http://"+spAddr+"/saml/acme/metadata" {
		t.Errorf("the connection after the upgrade: %+v (%v)", show, err)
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
	for _, want := range []string{spAddr + "/saml/acme/metadata", spAddr + "/saml/acme/acs", "Working", "Verified domains", "bob@example.test",
		"Add another identity provider"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the settings page after the upgrade lacks %q:\n%.3000s", want, page.Body)
		}
	}
}
