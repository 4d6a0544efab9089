// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/signet-sso/signet/internal/store"
)

// migrationFiles are the schema's migrations, but for version 24 (the
// event queue), which is in Go because its SQL differs by database
// (eventqueue.go).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// DefaultSQLitePath is where Signet keeps its database unless told otherwise.
const DefaultSQLitePath = "signet-data/signet.db"

// Options tune Open.
type Options struct {
	// Migrate applies pending migrations. Without it, Open refuses a
	// database that is behind (store.ErrSchemaBehind).
	Migrate bool
	Logger  *slog.Logger
}

// Location is a parsed --database value.
type Location struct {
	Driver string // "sqlite" or "postgres"
	Path   string // SQLite file
	URL    string // PostgreSQL URL
}

// String describes the location without secrets, for logs.
func (l Location) String() string {
	if l.Driver == "sqlite" {
		return "sqlite:" + l.Path
	}
	return Redact(l.URL)
}

// ParseLocation understands "sqlite:PATH" and "postgres://…" (or
// "postgresql://…"). An empty value means the default SQLite file.
func ParseLocation(raw string) (Location, error) {
	switch {
	case raw == "":
		return Location{Driver: "sqlite", Path: DefaultSQLitePath}, nil
	case strings.HasPrefix(raw, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if p == "" {
			return Location{}, errors.New(`"sqlite:" needs a file path, e.g. sqlite:signet-data/signet.db`)
		}
		if strings.ContainsAny(p, "?#") {
			return Location{}, fmt.Errorf("the SQLite path %q must not contain '?' or '#'", p)
		}
		return Location{Driver: "sqlite", Path: p}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return Location{}, fmt.Errorf("the PostgreSQL URL does not parse: %v", redactURLError(err))
		}
		if u.Host == "" {
			return Location{}, errors.New("the PostgreSQL URL needs a host, e.g. postgres://user@127.0.0.1:5432/signet")
		}
		return Location{Driver: "postgres", URL: raw}, nil
	default:
		return Location{}, fmt.Errorf("unsupported database %q: use sqlite:PATH or postgres://user@host:port/dbname", Redact(raw))
	}
}

// Redact hides a password in a database URL so it can be logged.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Open connects to the database at loc, checks the schema version and, with
// opt.Migrate, applies pending migrations.
func Open(ctx context.Context, loc Location, opt Options) (*Store, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	var (
		db  *sql.DB
		fl  flavor
		err error
	)
	switch loc.Driver {
	case "sqlite":
		db, err = openSQLite(loc.Path)
		fl = sqliteFlavor
	case "postgres":
		db, err = openPostgres(ctx, loc.URL)
		fl = postgresFlavor
	default:
		return nil, fmt.Errorf("unknown database driver %q", loc.Driver)
	}
	if err != nil {
		return nil, err
	}
	s := newStore(newConn(db, fl, opt.Logger))
	if err := s.prepareSchema(ctx, opt.Migrate); err != nil {
		db.Close()
		if loc.Driver == "sqlite" {
			return nil, explainSQLiteError(loc.Path, err)
		}
		return nil, err
	}
	if fl.name == sqliteFlavor.name {
		s.startCheckpoints(checkpointEvery)
	}
	return s, nil
}

// sqliteBusyTimeout is how long a write waits for another: for SQLite's
// lock (another process) and for the write slot (this one).
const sqliteBusyTimeout = 10 * time.Second

func openSQLite(path string) (*sql.DB, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the data directory %s: %w", dir, err)
	}
	if err := checkWritable(dir); err != nil {
		return nil, err
	}
	// Owner-only from birth: SQLite gives its WAL and shared-memory files
	// the database file's permissions (secrets at rest, DESIGN §4 rule 15).
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the SQLite file %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return nil, fmt.Errorf("cannot make %s owner-only: %w", p, err)
			}
		}
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Statement and savepoint journals in memory: in a file they cost two
	// system calls per page a statement touches (see groupcommit.go).
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", sqliteAutoCheckpointPages)) // see checkpoint.go
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	// Every connection kept when idle: a new SQLite connection runs the
	// pragmas and parses the whole schema before its first statement, and
	// with database/sql's default of two idle connections, eight
	// concurrent requests opened and closed connections all the time (a
	// fifth of a sign-in's CPU under load).
	db.SetMaxOpenConns(sqliteMaxConns)
	db.SetMaxIdleConns(sqliteMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// sqliteMaxConns is the SQLite pool's size, idle connections included.
const sqliteMaxConns = 8

// checkWritable fails early, with a clear message, when the data directory
// cannot be written (SQLite needs to create its WAL files beside the db).
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".signet-write-check-*")
	if err != nil {
		return fmt.Errorf("the data directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func explainSQLiteError(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "file is not a database"), strings.Contains(msg, "malformed"):
		return fmt.Errorf("%s is not a valid SQLite database (corrupted, or another kind of file): %w", path, err)
	case strings.Contains(msg, "readonly"), strings.Contains(msg, "read-only"), strings.Contains(msg, "unable to open"):
		return fmt.Errorf("cannot write the SQLite database %s: %w", path, err)
	}
	return err
}

// withPostgresDefaults bounds each statement (15 s) and each connection
// attempt (5 s) unless the URL says otherwise, so an outage or a stall is
// an error the caller can answer with 503, not a request held forever.
func withPostgresDefaults(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return raw
	}
	q := u.Query()
	if q.Get("statement_timeout") == "" {
		q.Set("statement_timeout", "15000")
	}
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func openPostgres(ctx context.Context, raw string) (*sql.DB, error) {
	db, err := sql.Open("pgx", withPostgresDefaults(raw))
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL URL %s: %w", Redact(raw), err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %w", Redact(raw), err)
	}
	return db, nil
}

func (s *Store) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(eventQueueMigration(s.fl), setupVersionMigration(s.fl))}
	dialect := goose.DialectSQLite3
	if s.fl.name == "postgres" {
		dialect = goose.DialectPostgres
		// Replicas starting together take turns migrating.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.db, sub, opts...)
}

// latestVersion is the newest migration in this binary: the embedded
// files and the Go migrations.
func latestVersion() (int64, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return 0, err
	}
	latest := int64(max(eventQueueVersion, setupVersionVersion))
	for _, e := range entries {
		v, err := goose.NumericComponent(e.Name())
		if err != nil {
			return 0, err
		}
		latest = max(latest, v)
	}
	return latest, nil
}

func (s *Store) prepareSchema(ctx context.Context, migrate bool) error {
	applied, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case applied > latest:
		return fmt.Errorf("%w: the database is at version %d, this binary knows up to %d; upgrade Signet", store.ErrSchemaTooNew, applied, latest)
	case applied < latest && !migrate:
		return fmt.Errorf("%w: the database is at version %d, this binary needs %d; run 'signet migrate'", store.ErrSchemaBehind, applied, latest)
	case applied < latest:
		p, err := s.provider()
		if err != nil {
			return err
		}
		results, err := p.Up(ctx)
		if err != nil {
			return fmt.Errorf("apply migrations: %w", err)
		}
		for _, r := range results {
			name := filepath.Base(r.Source.Path)
			if r.Source.Type == goose.TypeGo {
				name = "(in Go)"
			}
			s.log.InfoContext(ctx, "applied migration", "version", r.Source.Version, "file", name, "duration", r.Duration)
		}
	}
	return nil
}

// SchemaVersion implements store.Store.
func (s *Store) SchemaVersion(ctx context.Context) (applied, latest int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, err
	}
	if applied, err = p.GetDBVersion(ctx); err != nil {
		return 0, 0, err
	}
	latest, err = latestVersion()
	return applied, latest, err
}
