// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// PostgresEnv names the PostgreSQL database the tests may use.
const PostgresEnv = "SIGNET_TEST_POSTGRES_URL"

// PostgresURL returns a URL for a fresh schema of its own in the database
// named by SIGNET_TEST_POSTGRES_URL, dropped when the test ends, so runs
// never collide. Without the variable the test is skipped with a message;
// under CI (CI set) that is a failure, because CI must test PostgreSQL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set, but CI is: the PostgreSQL suite must run in CI", PostgresEnv)
		}
		t.Skipf("set %s (e.g. postgres://postgres@127.0.0.1:5432/test) to run the PostgreSQL tests", PostgresEnv)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "signet_test_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", PostgresEnv, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Logf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
