// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// openTestStore opens a migrated SQLite store in a temporary directory,
// closed when the test ends, and returns it with its file's path.
func openTestStore(t *testing.T, opt Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.db")
	opt.Migrate = true
	s, err := Open(t.Context(), Location{Driver: "sqlite", Path: path}, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// TestSQLiteWritesTakeTheWriteSlot: while one writer holds the slot, every
// kind of write waits for it (and gives up with its context, writing
// nothing), and reads go on.
func TestSQLiteWritesTakeTheWriteSlot(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	unlock, err := s.lockWrites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	writes := map[string]func(ctx context.Context) error{
		"exec (replay cache)": func(ctx context.Context) error {
			_, err := s.RecordAssertion(ctx, "_a1", time.Now().Add(time.Hour))
			return err
		},
		"writeRow (rate limit)": func(ctx context.Context) error {
			_, err := s.HitRateLimit(ctx, "k", time.Minute, time.Now())
			return err
		},
		"inTx (prune)": func(ctx context.Context) error {
			_, err := s.PruneSAMLState(ctx, time.Now())
			return err
		},
	}
	for name, write := range writes {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
		err := write(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s while another writer holds the slot: %v, want it to wait until its deadline", name, err)
		}
	}
	if _, err := s.GetOrgBySlug(t.Context(), "nobody"); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a read while the slot is held: %v, want not found", err)
	}
	// Without a deadline of its own, a write gives up after maxWait as
	// unavailable (503), as SQLite's busy timeout would.
	s.w.maxWait = 30 * time.Millisecond
	if _, err := s.RecordAssertion(context.Background(), "_a2", time.Now().Add(time.Hour)); !errors.Is(err, store.ErrUnavailable) || !store.IsUnavailable(err) {
		t.Errorf("a write kept waiting past maxWait: %v, want store.ErrUnavailable", err)
	}
	s.w.maxWait = sqliteBusyTimeout // the concurrent writes below may queue longer than 30 ms
	unlock()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM saml_replay_cache`).Scan(&n); err != nil || n != 0 {
		t.Errorf("replay cache rows = %d, %v: a write that gave up wrote", n, err)
	}

	// Released, many writers at once all succeed and none is lost.
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 20 {
				if _, err := s.HitRateLimit(t.Context(), "k", time.Hour, time.Now()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := s.db.QueryRow(`SELECT count FROM rate_limits WHERE key = 'k'`).Scan(&n); err != nil || n != 16*20 {
		t.Errorf("rate limit count = %d, %v; want %d", n, err, 16*20)
	}
}

// TestEveryWriteGoesThroughTheSlot: the store's code writes only through
// inTx, exec and writeRow (or holds lockWrites), so SQLite's writers never
// meet each other inside SQLite.
func TestEveryWriteGoesThroughTheSlot(t *testing.T) {
	direct := regexp.MustCompile("\\.db\\.ExecContext\\(|\\.db\\.Query(Row)?Context\\(ctx, `\\s*(INSERT|UPDATE|DELETE|WITH)|" +
		"insert\\w*\\(ctx, [^)]*\\bs\\.db\\b")
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			held := strings.Contains(strings.Join(lines[max(0, i-6):i], "\n"), "lockWrites(")
			if direct.MatchString(line) && !held {
				t.Errorf("%s:%d writes without the write slot: use exec, writeRow or inTx", f, i+1)
			}
		}
	}
}

// TestPanicInTransactionLeavesWritesWorking: a panic inside a transaction
// rolls it back and gives the slot back, so the next write succeeds.
func TestPanicInTransactionLeavesWritesWorking(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	func() {
		defer func() { _ = recover() }()
		_ = s.inTx(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(t.Context(), `INSERT INTO saml_replay_cache (assertion_id, expires_at) VALUES ('_p', 1)`); err != nil {
				t.Fatal(err)
			}
			panic("a bug")
		})
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if ok, err := s.RecordAssertion(ctx, "_after", time.Now().Add(time.Hour)); err != nil || !ok {
		t.Fatalf("write after a panic: %v, %v", ok, err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM saml_replay_cache WHERE assertion_id = '_p'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the panicked transaction's row: %d, %v; want rolled back", n, err)
	}
}

// queueWhileHeld starts one inTx per fn, in order, while the write slot is
// held, and releases the slot once all have queued, so they are committed
// together in that order. It returns each call's error, or its panic as
// panicked.
func queueWhileHeld(t *testing.T, s *Store, fns []func(context.Context, *sql.Tx) error) (errs []error, panicked []any) {
	t.Helper()
	unlock, err := s.lockWrites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	errs, panicked = make([]error, len(fns)), make([]any, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() {
			defer func() { panicked[i] = recover() }()
			errs[i] = s.inTx(t.Context(), fn)
		})
		waitQueued(t, s, i+1)
	}
	unlock()
	wg.Wait()
	return errs, panicked
}

func insertReplay(id string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO saml_replay_cache (assertion_id, expires_at) VALUES ($1, 1)`, id)
		return err
	}
}

func replayIDs(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	rows, err := s.db.Query(`SELECT assertion_id FROM saml_replay_cache`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out[id] = true
	}
	return out
}

// TestQueuedTransactionsKeepTheirOwnOutcome: transactions committed together
// each get their own outcome. One that fails or panics writes nothing and
// its caller sees its error or panic; the others are committed; one that
// gave up waiting is never run.
func TestQueuedTransactionsKeepTheirOwnOutcome(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	refused := errors.New("refused by its function")
	fns := []func(context.Context, *sql.Tx) error{
		insertReplay("_ok1"),
		func(ctx context.Context, tx *sql.Tx) error { // writes, then fails: its write is undone
			if err := insertReplay("_failed")(ctx, tx); err != nil {
				return err
			}
			return refused
		},
		insertReplay("_ok2"),
		insertReplay("_ok1"), // a duplicate of the first: the statement fails
		func(ctx context.Context, tx *sql.Tx) error {
			if err := insertReplay("_panicked")(ctx, tx); err != nil {
				return err
			}
			panic("a bug")
		},
		insertReplay("_ok3"),
	}
	errs, panicked := queueWhileHeld(t, s, fns)
	want := []string{"ok", "refused", "ok", "duplicate", "panic", "ok"}
	for i, w := range want {
		var got string
		switch {
		case panicked[i] != nil:
			got = "panic"
		case errors.Is(errs[i], refused):
			got = "refused"
		case errs[i] != nil && strings.Contains(errs[i].Error(), "UNIQUE"):
			got = "duplicate"
		case errs[i] == nil:
			got = "ok"
		default:
			got = errs[i].Error()
		}
		if got != w {
			t.Errorf("transaction %d: %s, want %s", i, got, w)
		}
	}
	if p, ok := panicked[4].(string); !ok || p != "a bug" {
		t.Errorf("the panic raised in its caller: %#v, want the function's own", panicked[4])
	}
	ids := replayIDs(t, s)
	for id, stored := range map[string]bool{"_ok1": true, "_ok2": true, "_ok3": true, "_failed": false, "_panicked": false} {
		if ids[id] != stored {
			t.Errorf("row %s stored = %v, want %v", id, ids[id], stored)
		}
	}

	// One that gave up while queued is never run.
	unlock, err := s.lockWrites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	err = s.inTx(ctx, insertReplay("_gave_up"))
	cancel()
	unlock()
	if err := s.inTx(t.Context(), insertReplay("_next")); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || replayIDs(t, s)["_gave_up"] {
		t.Errorf("a transaction that gave up: %v, stored %v", err, replayIDs(t, s)["_gave_up"])
	}
}

// TestQueuedTransactionsFailTogetherWhenTheCommitFails: success is reported
// only after the shared commit; when it fails, every transaction in it
// fails and nothing of theirs is stored.
func TestQueuedTransactionsFailTogetherWhenTheCommitFails(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	// A foreign key checked only at commit, and broken: the commit fails.
	breaksTheCommit := func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO idp_group_members (group_id, user_id) VALUES ('no-such-group', 'no-such-user')`)
		return err
	}
	errs, panicked := queueWhileHeld(t, s, []func(context.Context, *sql.Tx) error{insertReplay("_a"), breaksTheCommit, insertReplay("_b")})
	for i, err := range errs {
		if err == nil || panicked[i] != nil || !strings.Contains(err.Error(), "commit") {
			t.Errorf("transaction %d: %v (panic %v), want the commit's error", i, err, panicked[i])
		}
	}
	if ids := replayIDs(t, s); len(ids) != 0 {
		t.Errorf("stored after a failed commit: %v", ids)
	}
	if err := s.inTx(t.Context(), insertReplay("_after")); err != nil || !replayIDs(t, s)["_after"] {
		t.Errorf("a write after the failed commit: %v", err)
	}
}

// TestSQLiteKeepsItsIdleConnections: concurrent reads reuse the pool's
// connections instead of closing and reopening them (each new SQLite
// connection parses the whole schema again).
func TestSQLiteKeepsItsIdleConnections(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	var wg sync.WaitGroup
	for range sqliteMaxConns {
		wg.Go(func() {
			for range 50 {
				if _, err := s.GetOrgBySlug(t.Context(), "nobody"); !errors.Is(err, store.ErrNotFound) {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if st := s.db.Stats(); st.MaxIdleClosed != 0 {
		t.Errorf("connections closed for want of idle room: %d of %d opened", st.MaxIdleClosed, st.OpenConnections)
	}
}

// TestSQLiteJournalsInMemory: every connection, the writing one included,
// keeps its statement and savepoint journals in memory.
func TestSQLiteJournalsInMemory(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	var pool, writing int
	if err := s.db.QueryRow(`PRAGMA temp_store`).Scan(&pool); err != nil {
		t.Fatal(err)
	}
	if err := s.withWriter(t.Context(), func(w writeTarget) error {
		return w.QueryRowContext(t.Context(), `PRAGMA temp_store`).Scan(&writing)
	}); err != nil {
		t.Fatal(err)
	}
	if pool != 2 || writing != 2 {
		t.Errorf("temp_store = %d on the pool, %d on the writing connection; want 2 (MEMORY)", pool, writing)
	}
}

// TestBackgroundCheckpointsCopyTheLog: the log is copied back into the
// database file in the background, well before SQLite's automatic
// checkpoint (the backstop) would, so no commit waits for it.
func TestBackgroundCheckpointsCopyTheLog(t *testing.T) {
	s, path := openTestStore(t, Options{})
	var auto int
	if err := s.db.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != sqliteAutoCheckpointPages {
		t.Fatalf("wal_autocheckpoint = %d, %v; want the backstop %d", auto, err, sqliteAutoCheckpointPages)
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	time.Sleep(2 * checkpointEvery) // the migrations' pages first
	before := size()
	for i := range 300 {
		if _, err := s.RecordAssertion(t.Context(), fmt.Sprintf("_%d_%s", i, strings.Repeat("x", 200)), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * checkpointEvery)
	for size() == before && time.Now().Before(deadline) {
		time.Sleep(checkpointEvery / 5)
	}
	if after := size(); after == before {
		t.Errorf("the database file stayed at %d bytes after 300 commits: no background checkpoint", after)
	}
}

// TestCloseTwice: closing a store again is harmless (the background
// checkpoints stop once).
func TestCloseTwice(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	s.Close()
	s.Close() // and once more when the test ends
}

// TestCallerGoneMidStatementFailsNoOther: a caller whose context ends while
// its transaction runs in a batch does not fail the others. (SQLite would
// interrupt the statement, and an interrupted INSERT rolls back the whole
// shared transaction.)
func TestCallerGoneMidStatementFailsNoOther(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	unlock, err := s.lockWrites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { first <- s.inTx(t.Context(), insertReplay("_first")) }()
	waitQueued(t, s, 1)
	leaving, leave := context.WithCancel(t.Context())
	second := make(chan error, 1)
	go func() {
		second <- s.inTx(leaving, func(ctx context.Context, tx *sql.Tx) error {
			time.AfterFunc(20*time.Millisecond, leave) // gone while the long INSERT runs
			_, err := tx.ExecContext(ctx, `INSERT INTO saml_replay_cache (assertion_id, expires_at)
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT 'bulk' || i, 1 FROM n`)
			return err
		})
	}()
	waitQueued(t, s, 2)
	unlock()
	if err := <-first; err != nil {
		t.Errorf("the other transaction in the batch: %v, want committed", err)
	}
	<-second
	if !replayIDs(t, s)["_first"] {
		t.Error("the other transaction's row is missing")
	}
}

// waitQueued waits until n transactions are queued for the slot.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		s.w.queue.mu.Lock()
		queued := len(s.w.queue.jobs)
		s.w.queue.mu.Unlock()
		if queued >= n {
			return
		}
	}
	t.Fatalf("%d transactions never queued", n)
}

// countingHandler counts the records logged at Warn or above.
type countingHandler struct {
	slog.Handler
	warnings *atomic.Int32
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		h.warnings.Add(1)
	}
	return nil
}

// TestFailingCheckpointsWarnOnce: a checkpoint that fails on every tick (a
// full disk, a closed database) is logged once a minute, not four times a
// second.
func TestFailingCheckpointsWarnOnce(t *testing.T) {
	var warnings atomic.Int32
	log := slog.New(countingHandler{slog.DiscardHandler, &warnings})
	s, _ := openTestStore(t, Options{Logger: log})
	s.db.Close() // every checkpoint from now on fails
	time.Sleep(5 * checkpointEvery)
	s.stopCheckpoints()
	if n := warnings.Load(); n != 1 {
		t.Errorf("%d warnings for five failed checkpoints, want 1", n)
	}
}
