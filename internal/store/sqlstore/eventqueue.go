// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

// The event log's write path. A change writes its events to
// sp_events_pending, unnumbered; the feed's readers (EventsAfter, the
// webhook dispatcher, a new webhook's cursor, pruning) first number every
// committed pending event into sp_events under the one-row counter, in one
// transaction. So:
//   - concurrent changes never wait for each other over the counter (on
//     PostgreSQL the counter's row lock used to be held by each sign-in
//     until its commit had reached the disk, one sign-in at a time);
//   - a reader that has seen event N has seen every event before it:
//     numbers are given only under the counter's lock and become visible
//     together, at that transaction's commit;
//   - events keep the order they were written in: a pending event's
//     position comes from the database (an identity column, SQLite's
//     rowid) when it is written, so a change that began after another
//     committed comes after it. Every transaction queues its events last,
//     after its other writes have taken their row locks, so two changes
//     to one row are in the order they were stored.

// eventQueueVersion is the migration that adds sp_events_pending: a Go
// migration, because the ordering column is written differently by the two
// databases.
const eventQueueVersion = 24

// pendingEventsDDL is the queue's table on each database.
var pendingEventsDDL = map[string]string{
	sqliteFlavor.name:   `CREATE TABLE sp_events_pending (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, org_id TEXT NOT NULL, type TEXT NOT NULL, at BIGINT NOT NULL, data TEXT NOT NULL)`,
	postgresFlavor.name: `CREATE TABLE sp_events_pending (pos BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL, org_id TEXT NOT NULL, type TEXT NOT NULL, at BIGINT NOT NULL, data TEXT NOT NULL)`,
}

// eventQueueMigration creates the queue; going down, it numbers what is
// still queued first, so no event is lost.
func eventQueueMigration(fl flavor) *goose.Migration {
	up := func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, pendingEventsDDL[fl.name])
		return err
	}
	down := func(ctx context.Context, tx *sql.Tx) error {
		if _, err := sequenceEvents(ctx, tx, allEvents); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DROP TABLE sp_events_pending`)
		return err
	}
	return goose.NewGoMigration(eventQueueVersion, &goose.GoFunc{RunTx: up}, &goose.GoFunc{RunTx: down})
}

// queueEvent writes one event to the queue, inside the change's transaction.
func queueEvent(ctx context.Context, tx execer, id, orgID, typ string, at int64, data []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sp_events_pending (id, org_id, type, at, data) VALUES ($1, $2, $3, $4, $5)`,
		id, orgID, typ, at, string(data))
	if err != nil {
		return fmt.Errorf("queue %s event: %w", typ, mapErr(err))
	}
	return nil
}

// sequenceChunk bounds the events one statement moves; sequenceRounds the
// statements one call runs, so a reader's work is bounded however fast
// events arrive (what is left waits for the next reader, after these).
// allEvents (as rounds) numbers the whole queue: for a new webhook's
// cursor and for migrating down, which must leave nothing behind.
const (
	sequenceChunk  = 256
	sequenceRounds = 16
	allEvents      = -1
)

// sequenceEvents numbers the committed queued events into sp_events in the
// order they were queued, at most rounds statements' worth (all of them if
// rounds is allEvents), and returns the last number given (or the
// counter's value if none). tx holds the counter's lock until it commits.
func sequenceEvents(ctx context.Context, tx queryer, rounds int) (int64, error) {
	var n int64
	if err := tx.QueryRowContext(ctx, `UPDATE sp_event_seq SET n = n WHERE one = 1 RETURNING n`).Scan(&n); err != nil {
		return 0, fmt.Errorf("lock the event counter: %w", err)
	}
	start := n
	for round := 0; rounds == allEvents || round < rounds; round++ {
		positions, err := queuedPositions(ctx, tx)
		if err != nil || len(positions) == 0 {
			return n, err
		}
		// Exactly these rows: on PostgreSQL each statement sees the
		// commits made since the last, and a later commit may hold an
		// earlier position.
		args := make([]any, 0, len(positions)+1)
		args = append(args, n)
		for _, p := range positions {
			args = append(args, p)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sp_events (seq, id, org_id, type, at, data)
			SELECT $1 + row_number() OVER (ORDER BY pos), id, org_id, type, at, data
			FROM sp_events_pending WHERE pos IN (`+placeholders(len(positions), 2)+`)`, args...); err != nil {
			return 0, fmt.Errorf("number queued events: %w", mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sp_events_pending WHERE pos IN (`+placeholders(len(positions), 1)+`)`, args[1:]...); err != nil {
			return 0, fmt.Errorf("dequeue numbered events: %w", err)
		}
		n += int64(len(positions))
		if len(positions) < sequenceChunk {
			break
		}
	}
	if n != start {
		if _, err := tx.ExecContext(ctx, `UPDATE sp_event_seq SET n = $1 WHERE one = 1`, n); err != nil {
			return 0, fmt.Errorf("advance the event counter: %w", err)
		}
	}
	return n, nil
}

func queuedPositions(ctx context.Context, tx queryer) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT pos FROM sp_events_pending ORDER BY pos LIMIT $1`, sequenceChunk)
	if err != nil {
		return nil, fmt.Errorf("read the event queue: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (int64, error) {
		var p int64
		return p, r.Scan(&p)
	})
}

// placeholders is $first, …, $(first+n-1).
func placeholders(n, first int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(first + i))
	}
	return b.String()
}

// sequencePending numbers what is queued, if anything is: the feed's
// readers call it first. An empty queue costs one read and no write.
func (c *conn) sequencePending(ctx context.Context) error {
	var queued bool
	if err := c.reads().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sp_events_pending)`).Scan(&queued); err != nil {
		return fmt.Errorf("read the event queue: %w", err)
	}
	if !queued {
		return nil
	}
	return c.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := sequenceEvents(ctx, tx, sequenceRounds)
		return err
	})
}
