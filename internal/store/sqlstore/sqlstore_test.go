// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/store/storetest"
)

func openSQLite(t *testing.T, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: path}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "signet.db"))
	})
}

func TestPostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		url := storetest.PostgresURL(t)
		s, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "postgres", URL: url}, sqlstore.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestParseLocation(t *testing.T) {
	tests := []struct {
		in, driver, wantErr string
	}{
		{"", "sqlite", ""},
		{"sqlite:data/x.db", "sqlite", ""},
		{"postgres://u@127.0.0.1:5432/db", "postgres", ""},
		{"postgresql://u:secret@h/db", "postgres", ""},
		{"sqlite:", "", "needs a file path"},
		{"sqlite:x.db?mode=ro", "", "must not contain"},
		{"mysql://root@localhost/x", "", "unsupported database"},
		{"postgres:///nohost", "", "needs a host"},
		{"postgres://u:p@[bad/db", "", "does not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			loc, err := sqlstore.ParseLocation(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseLocation(%q) err = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || loc.Driver != tt.driver {
				t.Fatalf("ParseLocation(%q) = %+v, %v", tt.in, loc, err)
			}
		})
	}
}

func TestRedactHidesPassword(t *testing.T) {
	got := sqlstore.Redact("postgres://bob:hunter2@db:5432/x")
	if strings.Contains(got, "hunter2") {
		t.Errorf("Redact left the password in: %s", got)
	}
}

func TestCorruptedSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("this is not sqlite ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: path}, sqlstore.Options{Migrate: true})
	if err == nil || !strings.Contains(err.Error(), "not a valid SQLite database") {
		t.Fatalf("Open(corrupted) err = %v, want a clear 'not a valid SQLite database'", err)
	}
}

func TestDataDirNotWritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	// A path below a regular file cannot be created, even by root.
	_, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(blocker, "signet.db")}, sqlstore.Options{Migrate: true})
	if err == nil || !strings.Contains(err.Error(), "cannot create the data directory") {
		t.Fatalf("err = %v", err)
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: permission bits do not stop root; the path check above covers the failure")
		return
	}
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	_, err = sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(ro, "signet.db")}, sqlstore.Options{Migrate: true})
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("read-only dir: err = %v", err)
	}
}

func TestSchemaNewerThanBinaryIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	s := openSQLite(t, path)
	if _, err := s.DB().ExecContext(t.Context(), `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, TRUE)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: path}, sqlstore.Options{Migrate: true})
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open(newer schema) err = %v, want ErrSchemaTooNew", err)
	}
}

func TestSchemaBehindWithoutMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signet.db")
	_, err := sqlstore.Open(context.Background(), sqlstore.Location{Driver: "sqlite", Path: path}, sqlstore.Options{})
	if !errors.Is(err, store.ErrSchemaBehind) {
		t.Fatalf("Open(fresh, no migrate) err = %v, want ErrSchemaBehind", err)
	}
}

func TestUnreachablePostgres(t *testing.T) {
	// Port 1 on loopback refuses connections at once.
	_, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "postgres", URL: "postgres://u:pw@127.0.0.1:1/x?connect_timeout=2"}, sqlstore.Options{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL") || strings.Contains(err.Error(), ":pw@") {
		t.Fatalf("err = %v, want 'cannot reach PostgreSQL' without the password", err)
	}
}

// TestSQLiteFilesOwnerOnly: the database, its WAL and the data folder are
// readable by their owner only, also when an older file was not.
func TestSQLiteFilesOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "signet.db")
	for range 2 { // a new database, then reopening one made looser by hand
		st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: path}, sqlstore.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateOrg(t.Context(), store.Org{Slug: "o" + strconv.Itoa(rand.IntN(1e9)), Name: "O", Plan: "growth"}, nil); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{dir, path, path + "-wal"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s has mode %v, want owner-only", p, fi.Mode().Perm())
			}
		}
		st.Close()
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
