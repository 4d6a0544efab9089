// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// inOneTrip runs fn's statements as one transaction, all or none. On
// PostgreSQL they travel together: one pgx batch, sent in one round trip
// and run by the server as one implicit transaction, where inTx would cost
// a round trip per statement plus BEGIN and COMMIT (a sign-in's record is
// five statements, and every round trip is CPU on both sides of a busy
// machine). So fn may only Exec, and may not look at a result: each
// statement's error comes back from inOneTrip when the batch has run. On
// SQLite it is inTx.
func (c *conn) inOneTrip(ctx context.Context, fn func(ctx context.Context, q execer) error) error {
	if c.fl.name != postgresFlavor.name {
		return c.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return fn(ctx, c.prepared(tx)) })
	}
	var b pgx.Batch
	if err := fn(ctx, batchQueue{&b}); err != nil {
		return err
	}
	if b.Len() == 0 {
		return nil
	}
	dbc, err := c.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer dbc.Close()
	return dbc.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: a PostgreSQL connection of type %T", dc)
		}
		if err := pc.Conn().SendBatch(ctx, &b).Close(); err != nil {
			return fmt.Errorf("write: %w", mapErr(err))
		}
		return nil
	})
}

// batchQueue is the execer inOneTrip gives fn on PostgreSQL: statements
// join the batch; nothing runs until it is sent.
type batchQueue struct{ b *pgx.Batch }

func (q batchQueue) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	q.b.Queue(query, args...)
	return batchResult{}, nil
}

// batchResult is a queued statement's result: not known yet.
type batchResult struct{}

// errInBatch is what a queued statement's result says.
var errInBatch = errors.New("sqlstore: a statement's result in a one-trip batch is not known until the batch runs")

func (batchResult) LastInsertId() (int64, error) { return 0, errInBatch }
func (batchResult) RowsAffected() (int64, error) { return 0, errInBatch }
