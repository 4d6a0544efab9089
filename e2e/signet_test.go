// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/app"
	"github.com/signet-sso/signet/internal/store/storetest"
)

// signet is a running Signet (both roles) on one database.
type signet struct {
	t        *testing.T
	env      map[string]string
	IdP, SP  string // base URLs
	database string
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startSignet runs `signet serve` on database (sqlite or postgres).
func startSignet(t *testing.T, database string) *signet {
	t.Helper()
	idpAddr, spAddr := freeAddr(t), freeAddr(t)
	s := &signet{t: t, IdP: "http://" + idpAddr, SP: "http://" + spAddr, database: database}
	s.env = map[string]string{"SIGNET_DATABASE_URL": database, "SIGNET_IDP_URL": s.IdP, "SIGNET_SP_URL": s.SP,
		"SIGNET_DATA_DIR": t.TempDir(), "SIGNET_INSECURE_FAST_PASSWORDS": "1"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs bytes.Buffer
	go func() {
		done <- app.Run(ctx, []string{"serve", "--idp-addr", idpAddr, "--sp-addr", spAddr}, app.IO{Stdin: strings.NewReader(""),
			Stdout: io.Discard, Stderr: &syncWriter{w: &logs}, Env: s.getenv})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("signet serve exited %d", code)
		}
	})
	for range 200 {
		if r, err := http.Get(s.SP + "/readyz"); err == nil {
			r.Body.Close()
			if r2, err := http.Get(s.IdP + "/readyz"); err == nil {
				r2.Body.Close()
				if r.StatusCode == 200 && r2.StatusCode == 200 {
					return s
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("signet did not become ready:\n%s", logs.String())
	return nil
}

func (s *signet) getenv(k string) string { return s.env[k] }

// cli runs a signet command against the same database.
func (s *signet) cli(stdin string, args ...string) string {
	s.t.Helper()
	var out, errOut bytes.Buffer
	code := app.Run(context.Background(), args, app.IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Env: s.getenv})
	if code != 0 {
		s.t.Fatalf("signet %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	return strings.TrimSpace(out.String())
}

// seed creates what `signet demo` creates, plus carol (in no group).
func (s *signet) seed() {
	s.cli("it-admin-password\n", "idp", "user", "add", "--username", "admin", "--email", "it-admin@example.com", "--admin", "--password-stdin")
	s.cli("alice-password\n", "idp", "user", "add", "--username", "alice", "--email", "alice@example.com",
		"--given-name", "Alice", "--family-name", "Liddell", "--display-name", "Alice Liddell", "--password-stdin")
	s.cli("bob-password-1\n", "idp", "user", "add", "--username", "bob", "--display-name", "Bob Builder", "--password-stdin")
	s.cli("carol-password\n", "idp", "user", "add", "--username", "carol", "--email", "carol@example.com", "--password-stdin")
	s.cli("", "idp", "group", "add", "--name", "Analytics users")
	s.cli("", "idp", "group", "add-member", "--group", "Analytics users", "--user", "alice")
	s.cli("", "idp", "group", "add-member", "--group", "Analytics users", "--user", "bob")
	s.cli("org-admin-password\n", "sp", "org", "add", "--name", "Acme Analytics", "--slug", "acme", "--plan", "growth",
		"--admin-email", "admin@acme.example", "--admin-password-stdin")
	s.cli("", "sp", "member", "add", "--org", "acme", "--email", "alice@example.com", "--role", "member")
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

// syncWriter makes a buffer safe for the server's goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
