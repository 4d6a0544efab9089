// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// writer is how the store writes. On SQLite one writer of this process
// at a time holds the slot, and writes on one connection kept for the
// purpose: SQLite allows a single writer, and without the slot concurrent
// writers meet SQLITE_BUSY and back off in sleeps of milliseconds (the
// busy handler); on a connection of the pool, every write would also
// begin with a cold page cache, since another connection wrote last.
// Readers never take the slot (WAL lets them read beside the writer).
// Every write goes through inTx, exec, execPrepared or writeRow (or holds
// lockWrites); TestEveryWriteGoesThroughTheSlot keeps it so. PostgreSQL
// has no slot and writes on the pool.
type writer struct {
	slot chan struct{} // nil on PostgreSQL
	// maxWait bounds the wait for the slot, as busy_timeout bounds the
	// wait for SQLite's lock: past it the write fails as unavailable (503
	// with Retry-After), so a queue of writers never grows without end.
	maxWait time.Duration
	conn    *sql.Conn // SQLite: the writing connection, under the slot
	// stmts are the hot paths' statements, prepared once (see prepared).
	stmts sync.Map // query → *sql.Stmt
	// queue is the transactions waiting to be committed together
	// (SQLite; groupcommit.go).
	queue txQueue
}

// writeTarget is what both *sql.DB and *sql.Conn offer.
type writeTarget interface {
	queryer
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// lockWrites waits for the write slot (SQLite), for ctx to end or for
// maxWait; the returned func gives the slot back.
func (c *conn) lockWrites(ctx context.Context) (func(), error) {
	if c.w.slot == nil {
		return func() {}, nil
	}
	release := func() { <-c.w.slot }
	select {
	case c.w.slot <- struct{}{}:
		return release, nil
	default:
	}
	timer := time.NewTimer(c.w.maxWait)
	defer timer.Stop()
	select {
	case c.w.slot <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait to write: %w", ctx.Err())
	case <-timer.C:
		return nil, fmt.Errorf("%w: waited %s for the other writes", store.ErrUnavailable, c.w.maxWait)
	}
}

// target is where a holder of the slot writes: the writing connection on
// SQLite (opened on first use), the pool on PostgreSQL.
func (c *conn) target(ctx context.Context) (writeTarget, error) {
	if c.w.slot == nil {
		return c.db, nil
	}
	if c.w.conn == nil {
		wc, err := c.db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("open the writing connection: %w", err)
		}
		c.w.conn = wc
	}
	return c.w.conn, nil
}

// dropBadWriter forgets the writing connection when err says the driver
// found it broken, so the next write opens another. Holds the slot.
func (c *conn) dropBadWriter(err error) {
	if c.w.conn != nil && errors.Is(err, driver.ErrBadConn) {
		c.w.conn.Close()
		c.w.conn = nil
	}
}

// closeWriter closes the writing connection and the kept statements,
// after the write under way (if any).
func (c *conn) closeWriter() {
	unlock, _ := c.lockWrites(context.Background()) // cannot fail without a deadline
	defer unlock()
	c.w.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	if c.w.conn != nil {
		c.w.conn.Close()
	}
}

// withWriter runs fn with the slot held and the write target; a broken
// writing connection is dropped after it.
func (c *conn) withWriter(ctx context.Context, fn func(t writeTarget) error) error {
	unlock, err := c.lockWrites(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := c.target(ctx)
	if err != nil {
		return err
	}
	err = fn(t)
	c.dropBadWriter(err)
	return err
}

// inTx runs fn in a transaction and commits it if fn returns nil. On
// SQLite, transactions queued at once are committed together (see
// inTxBatched); each caller still gets its own outcome. fn must use the
// context it is given, not ctx: on SQLite it runs to its end once begun
// (see runQueued).
func (c *conn) inTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if c.w.slot != nil {
		return c.inTxBatched(ctx, fn)
	}
	return c.withWriter(ctx, func(t writeTarget) error {
		tx, err := t.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin transaction: %w", err)
		}
		// Rolled back on every way out but a commit, a panic in fn
		// included: an open transaction left on the writing connection
		// would refuse every later write.
		defer tx.Rollback()
		if err := fn(ctx, tx); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit: %w", mapErr(err))
		}
		return nil
	})
}

// exec runs one writing statement on its own.
func (c *conn) exec(ctx context.Context, query string, args ...any) (res sql.Result, err error) {
	err = c.withWriter(ctx, func(t writeTarget) error {
		res, err = t.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// execPrepared is exec with the statement prepared once and kept, for a
// hot path (the replay cache). On SQLite it is a one-statement inTx, so it
// is committed with whatever else is queued; on PostgreSQL it is exec:
// the driver keeps its statements, and a transaction would cost two more
// round trips.
func (c *conn) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if c.w.slot == nil {
		return c.exec(ctx, query, args...)
	}
	var res sql.Result
	err := c.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		res, err = c.prepared(tx).ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// writeRow runs one writing statement with a RETURNING clause on its own
// and gives its row to scan.
func (c *conn) writeRow(ctx context.Context, scan func(*sql.Row) error, query string, args ...any) error {
	return c.withWriter(ctx, func(t writeTarget) error { return scan(t.QueryRowContext(ctx, query, args...)) })
}

// writes is a queryer outside any transaction whose ExecContext is exec;
// its queries are reads, on the pool.
func (c *conn) writes() queryer { return slotDB{c} }

type slotDB struct{ c *conn }

func (d slotDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.c.exec(ctx, query, args...)
}

func (d slotDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.c.db.QueryContext(ctx, query, args...)
}

func (d slotDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.c.db.QueryRowContext(ctx, query, args...)
}

// prepared is tx with its statements prepared once per connection and
// kept, for the hot paths (a sign-in's writes): SQLite (modernc) would
// otherwise compile each statement again on every call. On PostgreSQL it
// is tx: the driver keeps its own per-connection cache, and a second one
// would prepare each statement on a pool connection and again on tx's.
func (c *conn) prepared(tx *sql.Tx) queryer {
	if c.w.slot == nil {
		return tx
	}
	return preparedTx{tx, c}
}

type preparedTx struct {
	tx *sql.Tx
	c  *conn
}

// stmt is the transaction's handle on the kept statement for query.
func (t preparedTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := t.c.kept(ctx, query)
	if err != nil {
		return nil, err
	}
	return t.tx.StmtContext(ctx, st), nil
}

// kept is the statement for query, prepared on first use and kept until
// the store closes (database/sql prepares it again on each connection it
// meets, once). Only for constant queries: the cache is never pruned.
func (c *conn) kept(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.w.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	prepared, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if st, loaded := c.w.stmts.LoadOrStore(query, prepared); loaded {
		prepared.Close()
		return st.(*sql.Stmt), nil
	}
	return prepared, nil
}

// reads is the pool for the hot paths' reads (a sign-in's org, connections,
// member and keys; a session), with their statements kept on SQLite, where
// compiling a statement costs more than running it. PostgreSQL's driver
// keeps its statements itself. It cannot write: writes go through the
// slot.
func (c *conn) reads() reader {
	if c.w.slot == nil {
		return c.db
	}
	return keptReads{c}
}

type keptReads struct{ c *conn }

func (r keptReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := r.c.kept(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (r keptReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := r.c.kept(ctx, query)
	if err != nil {
		return r.c.db.QueryRowContext(ctx, query, args...) // the same error, reported by Scan
	}
	return st.QueryRowContext(ctx, args...)
}

func (t preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (t preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return t.tx.QueryRowContext(ctx, query, args...) // the same error, reported by Scan
	}
	return st.QueryRowContext(ctx, args...)
}
