// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// Group commit (SQLite). A commit writes every page the transaction
// dirtied to the WAL, two system calls per page, whether one sign-in or
// ten wrote to it; under load that was a third of a sign-in's CPU. So
// transactions that queue for the write slot are committed together: the
// writer that takes the slot runs every queued transaction in one SQLite
// transaction, each inside its own savepoint, and commits once. Each
// caller still sees exactly its own outcome:
//   - its function's error rolls back its savepoint only, and it gets the
//     error; the others go on;
//   - a panic in its function rolls back its savepoint and is raised again
//     in the caller's goroutine, not in the writer's;
//   - success is reported only after the shared commit succeeded; if that
//     commit fails, every transaction in it fails with the commit's error.
//
// A transaction alone in its batch runs without a savepoint, as before.

// maxBatch bounds the transactions committed together, so one writer's
// own request never waits behind an unbounded queue.
const maxBatch = 64

// queuedTx is one inTx call waiting to be committed.
type queuedTx struct {
	ctx   context.Context
	fn    func(context.Context, *sql.Tx) error
	state atomic.Int32  // txQueued, then txTaken (by a writer) or txWithdrawn (by its caller)
	done  chan txResult // buffered: the writer never waits for the caller
}

const (
	txQueued int32 = iota
	txTaken
	txWithdrawn
)

// txResult is a queued transaction's outcome.
type txResult struct {
	err      error
	panicked bool
	panicVal any
}

// txQueue is the transactions waiting for the write slot.
type txQueue struct {
	mu   sync.Mutex
	jobs []*queuedTx
}

func (q *txQueue) push(j *queuedTx) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
}

// take removes up to maxBatch queued transactions, in order, and marks
// them taken; those their callers withdrew are dropped.
func (q *txQueue) take() []*queuedTx {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []*queuedTx
	i := 0
	for ; i < len(q.jobs) && len(out) < maxBatch; i++ {
		if j := q.jobs[i]; j.state.CompareAndSwap(txQueued, txTaken) {
			out = append(out, j)
		}
	}
	rest := copy(q.jobs, q.jobs[i:])
	clear(q.jobs[rest:])
	q.jobs = q.jobs[:rest]
	return out
}

// inTxBatched is inTx on SQLite: fn joins the queue; whoever holds the
// write slot next commits it, with whatever else queued meanwhile.
func (c *conn) inTxBatched(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	j := &queuedTx{ctx: ctx, fn: fn, done: make(chan txResult, 1)}
	c.w.queue.push(j)
	timer := time.NewTimer(c.w.maxWait)
	defer timer.Stop()
	var r txResult
	select {
	case r = <-j.done: // another writer committed it
	case c.w.slot <- struct{}{}:
		// Every writer before this one delivered what it took, so j is
		// either done or still queued and taken now.
		c.commitQueued(ctx)
		<-c.w.slot // give it back
		r = <-j.done
	case <-ctx.Done():
		r = c.withdraw(j, fmt.Errorf("wait to write: %w", ctx.Err()))
	case <-timer.C:
		r = c.withdraw(j, fmt.Errorf("%w: waited %s for the other writes", store.ErrUnavailable, c.w.maxWait))
	}
	if r.panicked {
		panic(r.panicVal)
	}
	return r.err
}

// withdraw takes j out of the queue with err, unless a writer already
// took it: then its outcome is the writer's, which comes soon.
func (c *conn) withdraw(j *queuedTx, err error) txResult {
	if j.state.CompareAndSwap(txQueued, txWithdrawn) {
		return txResult{err: err}
	}
	return <-j.done
}

// commitQueued runs the queued transactions in one transaction and commits
// it, delivering each its outcome. Holds the slot.
func (c *conn) commitQueued(ctx context.Context) {
	jobs := c.w.queue.take()
	if len(jobs) == 0 {
		return
	}
	results := make([]txResult, len(jobs))
	err := func() (err error) {
		// The jobs' own panics are caught in runQueued; one from the
		// driver must not leave the others waiting for ever.
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("write queued transactions: panic: %v", v)
			}
		}()
		// Not cancelled with this writer's request: the batch is others' too.
		return c.runBatch(context.WithoutCancel(ctx), jobs, results)
	}()
	c.dropBadWriter(err)
	for i, j := range jobs {
		if err != nil && results[i].err == nil && !results[i].panicked {
			results[i].err = err
		}
		j.done <- results[i]
	}
}

// runBatch runs jobs in one transaction, each in a savepoint when there is
// more than one, and commits. results gets each job's own outcome; the
// returned error is the batch's (begin, savepoint or commit), which every
// job that succeeded on its own shares.
func (c *conn) runBatch(ctx context.Context, jobs []*queuedTx, results []txResult) error {
	t, err := c.target(ctx)
	if err != nil {
		return err
	}
	tx, err := t.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback() // on every way out but the commit
	if len(jobs) == 1 {
		if results[0] = runQueued(jobs[0], tx); results[0].err != nil || results[0].panicked {
			return nil // rolled back by the deferred call; the job has its own outcome
		}
	} else {
		q := c.prepared(tx)
		for i, j := range jobs {
			if _, err := q.ExecContext(ctx, `SAVEPOINT queued_tx`); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			if results[i] = runQueued(j, tx); results[i].err != nil || results[i].panicked {
				if _, err := q.ExecContext(ctx, `ROLLBACK TO queued_tx`); err != nil {
					return fmt.Errorf("roll back one queued transaction: %w", err)
				}
			}
			if _, err := q.ExecContext(ctx, `RELEASE queued_tx`); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// runQueued runs j's function on tx, unless its caller's context already
// ended, and catches a panic to raise it again in the caller.
//
// Once begun, the function runs to its end with its caller's context
// values but not its cancellation: SQLite answers a cancelled statement by
// interrupting it, and an interrupted INSERT, UPDATE or DELETE rolls back
// the whole transaction, so one caller who went away mid-statement would
// fail every other transaction in the batch.
func runQueued(j *queuedTx, tx *sql.Tx) (r txResult) {
	if err := j.ctx.Err(); err != nil {
		return txResult{err: fmt.Errorf("wait to write: %w", err)}
	}
	defer func() {
		if v := recover(); v != nil {
			r = txResult{panicked: true, panicVal: v}
		}
	}()
	return txResult{err: j.fn(context.WithoutCancel(j.ctx), tx)}
}
