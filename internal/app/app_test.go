// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/idp"
	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/store/storetest"
)

// runCmd runs signet with args and returns the exit code and output.
func runCmd(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	code = Run(ctx, args, IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Env: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func TestBadInputExitsCleanly(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, bytes.Repeat([]byte("garbage!"), 1000), 0o600)
	blocker := filepath.Join(dir, "afile")
	os.WriteFile(blocker, nil, 0o600)
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  []string
	}{
		{"no command", nil, nil, ExitUsage, []string{"Usage: signet"}},
		{"unknown command", nil, []string{"frobnicate"}, ExitUsage, []string{`unknown command "frobnicate"`}},
		{"unknown flag", nil, []string{"serve", "--bogus"}, ExitUsage, []string{"flag provided but not defined: -bogus"}},
		{"stray argument", nil, []string{"migrate", "extra"}, ExitUsage, []string{`unexpected argument "extra"`}},
		{"every problem at once", nil, []string{"serve", "--role", "both", "--database", "mysql://x", "--idp-url", "javascript:alert(1)",
			"--sp-addr", "8000", "--log-level", "loud"}, ExitUsage,
			[]string{`--role "both"`, "unsupported database", "must start with http", `--sp-addr "8000"`, `--log-level "loud"`}},
		{"bad database from env", map[string]string{"SIGNET_DATABASE_URL": "redis://x"}, []string{"migrate"}, ExitUsage, []string{"unsupported database"}},
		{"bad bool in env", map[string]string{"SIGNET_ROLE": ""}, []string{"serve", "--idp-addr", "127.0.0.1:1", "--sp-addr", "127.0.0.1:1"}, ExitUsage, []string{"need different addresses"}},
		{"unreachable postgres", nil, []string{"migrate", "--database", "postgres://signet:secret@127.0.0.1:1/x?connect_timeout=2"}, ExitError,
			[]string{"cannot reach PostgreSQL"}},
		{"data dir not creatable", nil, []string{"migrate", "--database", "sqlite:" + filepath.Join(blocker, "db", "signet.db")}, ExitError,
			[]string{"cannot create the data directory"}},
		{"corrupted sqlite", nil, []string{"migrate", "--database", "sqlite:" + corrupt}, ExitError, []string{"not a valid SQLite database"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tt.env, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "secret") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr leaks a password or a stack trace:\n%s", stderr)
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	code, out, _ := runCmd(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "signet ") {
		t.Errorf("version = %d %q", code, out)
	}
	code, _, stderr := runCmd(t, nil, "serve", "--help")
	if code != 0 || !strings.Contains(stderr, "-idp-url") || !strings.Contains(stderr, "SIGNET_") {
		t.Errorf("serve --help = %d:\n%s", code, stderr)
	}
}

func TestMigrateFromEnv(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x", "signet.db")
	code, out, stderr := runCmd(t, map[string]string{"SIGNET_DATABASE_URL": "sqlite:" + db}, "migrate")
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: db}, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	applied, latest, err := st.SchemaVersion(t.Context())
	if code != 0 || err != nil || applied != latest || !strings.Contains(out, fmt.Sprintf("schema version %d", latest)) {
		t.Fatalf("migrate = %d %q %q; schema %d of %d (%v)", code, out, stderr, applied, latest, err)
	}
}

// startServe runs the listeners on st at random ports until the test ends.
func startServe(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &Config{Role: "all", IdPAddr: "127.0.0.1:0", SPAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", IdPURL: "http://127.0.0.1", SPURL: "http://127.0.0.1"}
	sealer, err := secret.NewSealer("test secret key, at least 32 characters long")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{cfg: c, store: st, sealer: sealer, log: newLogger(io.Discard, "error", "text"), pw: password.Cheap()}
	ready := make(chan map[string]string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, e, func(a map[string]string) { ready <- a }) }()
	var addrs map[string]string
	select {
	case addrs = <-ready:
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	})
	return addrs
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func testListeners(t *testing.T, st store.Store) {
	addrs := startServe(t, st)
	for _, role := range []string{"idp", "sp"} {
		base := "http://" + addrs[role]
		if code, body, _ := get(t, base+"/healthz"); code != 200 || !strings.Contains(body, "ok") {
			t.Errorf("%s /healthz = %d %s", role, code, body)
		}
		code, body, h := get(t, base+"/readyz")
		if code != 200 || !strings.Contains(body, `"ready"`) {
			t.Errorf("%s /readyz = %d %s", role, code, body)
		}
		if h.Get("X-Request-ID") == "" || h.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: missing request ID or CSP header: %v", role, h)
		}
		// Metrics are not served to the public listeners (they name
		// routes and error codes), only on the management listener.
		if code, _, _ := get(t, base+"/metrics"); code != http.StatusNotFound {
			t.Errorf("%s /metrics on the public listener = %d, want 404", role, code)
		}
		code, body, _ = get(t, "http://"+addrs["metrics"]+"/metrics")
		want := `signet_http_requests_total{code="200",role="` + role + `",route="GET /readyz"} 1`
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
	// Sign-ins are counted by flow and result.
	if _, err := st.CreateOrg(t.Context(), store.Org{Slug: "metrics-org", Name: "M", Plan: "growth"}, nil); err != nil {
		t.Fatal(err)
	}
	resp, err := http.PostForm("http://"+addrs["sp"]+"/saml/metrics-org/acs", url.Values{"SAMLResponse": {"bm90IHNhbWw="}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, body, _ := get(t, "http://"+addrs["metrics"]+"/metrics")
	if want := `signet_signins_total{flow="unknown",result="no_connection",role="sp"} 1`; !strings.Contains(body, want) {
		t.Errorf("/metrics lacks %s:\n%s", want, body)
	}
}

func TestListenersSQLite(t *testing.T) {
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	testListeners(t, st)
}

func TestListenersPostgres(t *testing.T) {
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "postgres", URL: storetest.PostgresURL(t)}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	testListeners(t, st)
}

// TestSecurityCase97DatabaseOutageIs503: with the database gone, pages that
// need it answer 503 with Retry-After and a plain page, never 500.
func TestSecurityCase97DatabaseOutageIs503(t *testing.T) {
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	addrs := startServe(t, st)
	st.Close()
	sp, idp := "http://"+addrs["sp"], "http://"+addrs["idp"]
	for _, tc := range []struct{ method, url, body string }{
		{"POST", sp + "/login", "email=pat%40corp.example&password=whatever-long"},
		{"POST", sp + "/saml/acme/acs", "SAMLResponse=PHg%2B"},
		{"GET", sp + "/saml/acme/login", ""},
		{"GET", sp + "/saml/acme/metadata", ""},
		{"POST", idp + "/portal/login", "username=alice&password=whatever-long"},
		{"GET", idp + "/saml/apps/app_x/metadata", ""},
	} {
		req, _ := http.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "unavailable") {
			t.Errorf("%s %s with the database gone = %d (Retry-After %q)\n%.300s", tc.method, tc.url, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
}

func TestReadyzFailsWhenDatabaseIsGone(t *testing.T) {
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	addrs := startServe(t, st)
	st.Close()
	if code, body, _ := get(t, "http://"+addrs["sp"]+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a closed database = %d %s, want 503", code, body)
	}
}

func TestSeedDemo(t *testing.T) {
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := seedDemo(t.Context(), &idp.Service{Store: st, BaseURL: "http://127.0.0.1:9000", Password: password.Cheap()},
		&sp.Service{Store: st, BaseURL: "http://127.0.0.1:8000", Password: password.Cheap()})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := st.GetUserByUsername(t.Context(), c.AdminUser)
	if !admin.Admin || password.Check(admin.PasswordHash, c.AdminPassword) != nil {
		t.Error("demo admin is not a console admin with the printed password")
	}
	bob, _ := st.GetUserByUsername(t.Context(), c.Bob)
	if bob.Email != "" {
		t.Error("bob must have no primary email (seed step 14)")
	}
	g, _ := st.GetGroupByName(t.Context(), c.Group)
	if members, _ := st.ListGroupMembers(t.Context(), g.ID); len(members) != 2 {
		t.Errorf("group has %d members, want 2", len(members))
	}
	org, err := st.GetOrgBySlug(t.Context(), c.OrgSlug)
	if err != nil || org.Plan != "growth" {
		t.Errorf("org = %+v %v", org, err)
	}
	if _, err := st.GetSSOConnection(t.Context(), org.ID, ""); err == nil {
		t.Error("the demo must leave the SSO connection for the person to make")
	}
	// Step 15 works as printed: the org knows Alice by an open invitation
	// (accepted by her first SSO sign-in), not by a member made behind her back.
	if _, err := st.GetMemberByEmail(t.Context(), org.ID, c.AliceEmail); err == nil {
		t.Error("alice must join by accepting the invitation, not be a member from the start")
	}
	if inv, _ := st.ListInvites(t.Context(), org.ID, time.Now()); len(inv) != 1 || inv[0].Email != c.AliceEmail {
		t.Errorf("open invitations = %+v, want alice's", inv)
	}
	var out bytes.Buffer
	printDemo(&out, c)
	for _, w := range []string{c.AdminPassword, c.OrgAdmin, "Single Sign-On Settings", "Invited to the org", "just-in-time"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("demo text lacks %q", w)
		}
	}
}

func TestDemoPortInUseNamesTheFlag(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, _, stderr := runCmd(t, nil, "demo", "--sp-addr", l.Addr().String(), "--idp-addr", "127.0.0.1:0")
	if code != ExitError || !strings.Contains(stderr, "already in use") || !strings.Contains(stderr, "--sp-addr") {
		t.Errorf("demo on a busy port = %d %s, want a message naming --sp-addr", code, stderr)
	}
}

func TestDemoRefusesExistingDatabase(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "signet.db"), []byte("x"), 0o600)
	code, _, stderr := runCmd(t, nil, "demo", "--data", dir)
	if code != ExitError || !strings.Contains(stderr, "already holds a database") {
		t.Errorf("demo on a used folder = %d %s", code, stderr)
	}
}

func sleep() { time.Sleep(50 * time.Millisecond) }

func openStore(t *testing.T, raw string) store.Store {
	t.Helper()
	loc, err := sqlstore.ParseLocation(raw)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.Open(t.Context(), loc, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
