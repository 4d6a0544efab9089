// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/signet-sso/signet/internal/store"
)

// Store is a store.Store on SQLite or PostgreSQL: one part per domain,
// each in its file, over one connection.
type Store struct {
	*conn
	directoryStore // directory.go: users and groups
	appsStore      // apps.go: applications, mappings, assignments, signing keys
	workspaceStore // workspace.go: orgs, members, SSO connections
	signinStore    // signin.go: attempts, invitations, SP keys
	stateStore     // state.go: SAML state, sessions, limits, audit
	oauthStore     // oauth.go: OpenID Connect clients, requests, tokens, keys
	accessStore    // access.go: API keys and setup links
	domainStore    // domains.go, roles.go: orgs' email domains and roles from IdP groups
	scimStore      // scim.go: directory sync (SCIM tokens, users, groups)
	eventStore     // events.go, webhooks.go: the event log and its webhooks
}

// conn is the database and its flavour, which every part shares.
type conn struct {
	db  *sql.DB
	fl  flavor
	log *slog.Logger
	w   writer // writes.go: how this process writes
	// ckpt copies SQLite's log back in the background (checkpoint.go).
	ckpt *checkpointer
}

func newConn(db *sql.DB, fl flavor, log *slog.Logger) *conn {
	c := &conn{db: db, fl: fl, log: log}
	if fl.name == sqliteFlavor.name {
		c.w.slot, c.w.maxWait = make(chan struct{}, 1), sqliteBusyTimeout
	}
	return c
}

type (
	directoryStore struct{ *conn }
	appsStore      struct{ *conn }
	workspaceStore struct{ *conn }
	signinStore    struct{ *conn }
	stateStore     struct{ *conn }
	oauthStore     struct{ *conn }
	accessStore    struct{ *conn }
	domainStore    struct{ *conn }
	scimStore      struct{ *conn }
	eventStore     struct{ *conn }
)

func newStore(c *conn) *Store {
	return &Store{conn: c, directoryStore: directoryStore{c}, appsStore: appsStore{c}, workspaceStore: workspaceStore{c},
		signinStore: signinStore{c}, stateStore: stateStore{c}, oauthStore: oauthStore{c}, accessStore: accessStore{c},
		domainStore: domainStore{c}, scimStore: scimStore{c}, eventStore: eventStore{c}}
}

var _ store.Store = (*Store)(nil)

// flavor holds what differs between the two databases.
type flavor struct {
	name string
	// forUpdate is appended to a SELECT that is followed by an UPDATE of the
	// same row in the same transaction. SQLite needs none: its transactions
	// start with BEGIN IMMEDIATE and so hold the write lock already.
	forUpdate string
}

var (
	sqliteFlavor   = flavor{name: "sqlite"}
	postgresFlavor = flavor{name: "postgres", forUpdate: " FOR UPDATE"}
)

// Dialect reports "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.fl.name }

// DB exposes the database handle for tests and tools.
func (s *Store) DB() *sql.DB { return s.db }

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close implements store.Store.
func (s *Store) Close() error {
	s.stopCheckpoints()
	s.closeWriter()
	return s.db.Close()
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	execer
	reader
}

// execer is the part of a queryer that writes without reading a result:
// all that a one-trip batch offers (onetrip.go).
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// reader is the part of a queryer that reads: all that reads() offers.
type reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// mapErr turns driver errors into the store's sentinel errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			// SQLite names the column: "UNIQUE constraint failed: table.column".
			if strings.Contains(se.Error(), "saml_replay_cache.assertion_id") {
				return store.ErrReplayed
			}
			return fmt.Errorf("%w: %v", store.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: a referenced row does not exist", store.ErrNotFound)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			if pe.ConstraintName == "saml_replay_cache_pkey" {
				return store.ErrReplayed
			}
			return fmt.Errorf("%w: %s", store.ErrConflict, pe.ConstraintName)
		case "23503":
			return fmt.Errorf("%w: a referenced row does not exist", store.ErrNotFound)
		}
	}
	return err
}

// notFound wraps ErrNotFound with what was missing.
func notFound(what, key string) error {
	return fmt.Errorf("%s %q: %w", what, key, store.ErrNotFound)
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns prefix + 20 random base32 characters (100 bits).
func newID(prefix string) string {
	var b [13]byte
	rand.Read(b[:])
	return prefix + idEncoding.EncodeToString(b[:])[:20]
}

// newAuditID is time-ordered: nanoseconds in hex, then randomness.
func newAuditID(at time.Time) string {
	var b [5]byte
	rand.Read(b[:])
	return fmt.Sprintf("%016x%s", at.UnixNano(), idEncoding.EncodeToString(b[:]))
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// like builds a case-insensitive substring pattern, escaping wildcards.
func like(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(q)) + "%"
}

func limits(opt store.ListOptions) (limit, offset int) {
	limit = opt.Limit
	if limit <= 0 {
		limit = store.DefaultListLimit
	}
	return limit, max(opt.Offset, 0)
}

// checkAffected returns a not-found error when an UPDATE or DELETE matched nothing.
func checkAffected(res sql.Result, what, key string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(what, key)
	}
	return nil
}

// now is the wall clock for updated stamps. The store never uses it to decide
// expiry; expiry methods take now as an argument.
func now() time.Time { return time.Now().UTC() }

// stamp keeps a caller-supplied creation time and fills in the clock otherwise.
func stamp(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return t.UTC()
}
