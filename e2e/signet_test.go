// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/store/storetest"
)

// signet is a running Signet (both roles) on one database.
type signet struct{ *harness.Signet }

func startSignet(t *testing.T, database string) *signet {
	return &signet{harness.Start(t, database)}
}

func (s *signet) cli(stdin string, args ...string) string { return s.CLI(stdin, args...) }

// seed creates what `signet demo` creates, plus carol (in no group). Alice
// is not made a member here: the walk-through's org admin invites her.
func (s *signet) seed() {
	s.cli("granite-meadow-compass\n", "idp", "user", "add", "--username", "admin", "--email", "it-admin@example.com", "--admin", "--password-stdin")
	s.cli("velvet-harbor-lantern\n", "idp", "user", "add", "--username", "alice", "--email", "alice@example.com",
		"--given-name", "Alice", "--family-name", "Liddell", "--display-name", "Alice Liddell", "--password-stdin")
	s.cli("quartz-willow-ferry\n", "idp", "user", "add", "--username", "bob", "--display-name", "Bob Builder", "--password-stdin")
	s.cli("juniper-crater-violin\n", "idp", "user", "add", "--username", "carol", "--email", "carol@example.com", "--password-stdin")
	s.cli("", "idp", "group", "add", "--name", "Analytics users")
	s.cli("", "idp", "group", "add-member", "--group", "Analytics users", "--user", "alice")
	s.cli("", "idp", "group", "add-member", "--group", "Analytics users", "--user", "bob")
	s.cli("saffron-tunnel-ember\n", "sp", "org", "add", "--name", "Acme Analytics", "--slug", "acme", "--plan", "growth",
		"--admin-email", "admin@acme.example", "--admin-password-stdin")
}

// databases lists the databases the walk-through runs on: SQLite always,
// PostgreSQL when SIGNET_TEST_POSTGRES_URL is set (storetest's rule).
func databases(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "signet.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
}

func outputDir(name string) string {
	if d := os.Getenv("SIGNET_E2E_OUTPUT"); d != "" {
		return filepath.Join(d, name)
	}
	return filepath.Join("output", name)
}
