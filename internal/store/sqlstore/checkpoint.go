// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"sync"
	"time"
)

// Checkpoints (SQLite). In WAL mode SQLite copies the log back into the
// database file (a checkpoint, with an fsync) inside the commit that
// takes the log past wal_autocheckpoint pages; that commit holds the write
// slot meanwhile, so every queued sign-in waited for the copy. A
// background goroutine checkpoints PASSIVE instead, beside the writer
// (a passive checkpoint never blocks writers or readers), and the
// automatic checkpoint stays as a backstop at a higher mark
// (sqliteAutoCheckpointPages) for when the background falls behind.

const (
	// checkpointEvery is how often the background copies the log back.
	checkpointEvery = 250 * time.Millisecond
	// sqliteAutoCheckpointPages is the backstop: about 40 MB of log.
	sqliteAutoCheckpointPages = 10000
)

// checkpointer runs the background checkpoints until stop.
type checkpointer struct {
	stop   context.CancelFunc // ends the loop and a checkpoint under way; may be called again
	done   sync.WaitGroup
	warned time.Time // the last failure logged (a full disk fails every tick)
}

// startCheckpoints starts the background checkpoints (SQLite only).
func (c *conn) startCheckpoints(every time.Duration) {
	ctx, stop := context.WithCancel(context.Background())
	c.ckpt = &checkpointer{stop: stop}
	c.ckpt.done.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				c.checkpoint(ctx)
			}
		}
	})
}

// checkpoint copies what it can of the log into the database file now.
// A checkpoint cut short by stopCheckpoints is not a failure.
func (c *conn) checkpoint(loop context.Context) {
	ctx, cancel := context.WithTimeout(loop, 10*time.Second)
	defer cancel()
	var busy, logPages, copied int
	err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &copied)
	if err != nil && loop.Err() == nil && time.Since(c.ckpt.warned) >= time.Minute {
		c.ckpt.warned = time.Now()
		c.log.Warn("background checkpoint failed (logged at most once a minute); SQLite's automatic checkpoint remains", "error", err)
	}
}

// stopCheckpoints ends the background checkpoints and waits for the loop
// to end. Calling it again does nothing.
func (c *conn) stopCheckpoints() {
	if c.ckpt != nil {
		c.ckpt.stop()
		c.ckpt.done.Wait()
	}
}
