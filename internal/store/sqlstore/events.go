// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// insertEvent queues an event inside tx, the transaction of the change it
// describes (eventqueue.go): it is numbered into the log when a reader
// next reads the log.
func insertEvent(ctx context.Context, tx execer, orgID, typ string, data any, at time.Time) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", typ, err)
	}
	return queueEvent(ctx, tx, newID("evt_"), orgID, typ, ms(stamp(at)), b)
}

// AppendEvent implements store.Events. Its events are rare (a keyed event
// happens once: its key is looked up in the numbered log), so it numbers
// the queue and then its event, under the counter's lock.
func (s *eventStore) AppendEvent(ctx context.Context, e store.Event) (bool, error) {
	var added bool
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n, err := sequenceEvents(ctx, tx, sequenceRounds)
		if err != nil {
			return err
		}
		var key any // NULL without a key
		if e.Key != "" {
			var dup int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sp_events WHERE event_key = $1`, e.Key).Scan(&dup); err != nil {
				return fmt.Errorf("look up event key: %w", err)
			}
			if dup > 0 {
				return nil
			}
			key = e.Key
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sp_events (seq, id, org_id, type, at, data, event_key) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			n+1, newID("evt_"), e.OrgID, e.Type, ms(stamp(e.At)), string(e.Data), key); err != nil {
			return fmt.Errorf("append %s event: %w", e.Type, mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sp_event_seq SET n = $1 WHERE one = 1`, n+1); err != nil {
			return fmt.Errorf("advance the event counter: %w", err)
		}
		added = true
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return false, nil // the same key, appended concurrently
	}
	return added, err
}

const eventColumns = `seq, id, org_id, type, at, data`

func scanEvent(r interface{ Scan(...any) error }) (store.Event, error) {
	var e store.Event
	var at int64
	var data string
	err := r.Scan(&e.Seq, &e.ID, &e.OrgID, &e.Type, &at, &data)
	e.At, e.Data = fromMS(at), []byte(data)
	return e, err
}

// EventsAfter implements store.Events.
func (s *eventStore) EventsAfter(ctx context.Context, orgID string, after int64, limit int) ([]store.Event, error) {
	if err := s.sequencePending(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+eventColumns+` FROM sp_events WHERE seq > $1 AND ($2 = '' OR org_id = $2)
		ORDER BY seq LIMIT $3`, after, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return collect(rows, scanEvent)
}

// PruneEvents implements store.Events. Finished webhook deliveries go
// with the events of their time; pending ones keep their events.
func (s *eventStore) PruneEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	// Queued events are numbered first, so the queue does not grow when
	// nobody reads the log.
	if err := s.sequencePending(ctx); err != nil {
		return 0, err
	}
	if _, err := s.exec(ctx, `DELETE FROM sp_webhook_deliveries WHERE state <> 'pending' AND created_at < $1`, ms(cutoff)); err != nil {
		return 0, fmt.Errorf("prune webhook deliveries: %w", err)
	}
	res, err := s.exec(ctx, `DELETE FROM sp_events WHERE at < $1
		AND NOT EXISTS (SELECT 1 FROM sp_webhook_deliveries d WHERE d.event_seq = sp_events.seq AND d.state = 'pending')`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	return res.RowsAffected()
}
