// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/storetest"
)

// eventStores opens a migrated store on each database this run has.
func eventStores(t *testing.T) map[string]func(t *testing.T) *Store {
	return map[string]func(t *testing.T) *Store{
		"sqlite": func(t *testing.T) *Store {
			s, _ := openTestStore(t, Options{})
			return s
		},
		"postgres": func(t *testing.T) *Store {
			s, err := Open(t.Context(), Location{Driver: "postgres", URL: storetest.PostgresURL(t)}, Options{Migrate: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
}

// queueTestEvents queues n events of org in one transaction, their data
// numbering them from first.
func queueTestEvents(t *testing.T, s *Store, org string, first, n int) {
	t.Helper()
	err := s.inTx(t.Context(), func(ctx context.Context, tx *sql.Tx) error {
		for i := range n {
			if err := queueEvent(ctx, tx, newID("evt_"), org, "test.event", 1, []byte(strconv.Itoa(first+i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func eventData(events []store.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, string(e.Data))
	}
	return out
}

// TestQueuedEventsAreNumberedInOrder: more events than one statement
// moves are numbered in the order they were queued, without gaps, and the
// queue is left empty.
func TestQueuedEventsAreNumberedInOrder(t *testing.T) {
	for name, open := range eventStores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			n := 2*sequenceChunk + 7
			queueTestEvents(t, s, "org_a", 0, n)
			got, err := s.EventsAfter(t.Context(), "", 0, 10*n)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := range n {
				want = append(want, strconv.Itoa(i))
			}
			if !slices.Equal(eventData(got), want) {
				t.Fatalf("numbered events = %v…, want 0…%d in order", eventData(got)[:min(len(got), 5)], n-1)
			}
			for i, e := range got {
				if e.Seq != int64(i+1) {
					t.Fatalf("event %d has number %d", i, e.Seq)
				}
			}
			var left int
			if err := s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM sp_events_pending`).Scan(&left); err != nil || left != 0 {
				t.Errorf("%d events left in the queue (%v)", left, err)
			}
		})
	}
}

// TestQueuedEventsAreNumberedBoundedly: one reader numbers at most
// sequenceRounds statements' worth; the rest comes with the next reader,
// after them.
func TestQueuedEventsAreNumberedBoundedly(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	most := sequenceRounds * sequenceChunk
	queueTestEvents(t, s, "org_a", 0, most+3)
	first, err := s.EventsAfter(t.Context(), "", 0, 2*most)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != most {
		t.Fatalf("the first reader numbered %d events, want %d", len(first), most)
	}
	rest, err := s.EventsAfter(t.Context(), "", first[len(first)-1].Seq, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := eventData(rest); !slices.Equal(got, []string{strconv.Itoa(most), strconv.Itoa(most + 1), strconv.Itoa(most + 2)}) {
		t.Errorf("the next reader got %v", got)
	}
}

// TestLateCommitIsNumberedLater (PostgreSQL: concurrent writers): an event
// queued first but committed after a later one is numbered after it, so a
// reader whose cursor passed the later one still gets it.
func TestLateCommitIsNumberedLater(t *testing.T) {
	s := eventStores(t)["postgres"](t)
	ctx := t.Context()
	slow, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback()
	if err := queueEvent(ctx, slow, "evt_slow", "org_a", "test.event", 1, []byte("slow")); err != nil {
		t.Fatal(err)
	}
	queueTestEvents(t, s, "org_a", 0, 1) // queued after, committed first
	got, err := s.EventsAfter(ctx, "org_a", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(eventData(got), []string{"0"}) {
		t.Fatalf("before the slow commit: %v", eventData(got))
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	after, err := s.EventsAfter(ctx, "org_a", got[0].Seq, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || after[0].ID != "evt_slow" || after[0].Seq != got[0].Seq+1 {
		t.Errorf("after the slow commit, past the cursor: %+v", after)
	}
}

// TestMigratingDownKeepsQueuedEvents: going below the queue's version
// numbers all that is queued before the table goes.
func TestMigratingDownKeepsQueuedEvents(t *testing.T) {
	for name, open := range eventStores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			n := sequenceRounds*sequenceChunk + 3 // more than a reader numbers at once
			queueTestEvents(t, s, "org_a", 0, n)
			p, err := s.provider()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.DownTo(t.Context(), eventQueueVersion-1); err != nil {
				t.Fatal(err)
			}
			var got []string
			rows, err := s.db.QueryContext(t.Context(), `SELECT data FROM sp_events ORDER BY seq`)
			if err != nil {
				t.Fatal(err)
			}
			got, err = collect(rows, func(r interface{ Scan(...any) error }) (string, error) {
				var d string
				return d, r.Scan(&d)
			})
			if err != nil || len(got) != n || got[0] != "0" || got[n-1] != strconv.Itoa(n-1) {
				t.Fatalf("%d events after migrating down (%v), want %d in order", len(got), err, n)
			}
			if _, err := p.Up(t.Context()); err != nil {
				t.Fatal(fmt.Errorf("and up again: %w", err))
			}
		})
	}
}

// TestNewWebhookStartsAfterTheWholeQueue: a webhook made while more events
// are queued than a reader numbers at once starts after all of them: they
// happened before it.
func TestNewWebhookStartsAfterTheWholeQueue(t *testing.T) {
	s, _ := openTestStore(t, Options{})
	ctx := t.Context()
	queueTestEvents(t, s, "org_a", 0, sequenceRounds*sequenceChunk+3)
	w, err := s.CreateWebhook(ctx, store.Webhook{URL: "https://hooks.example/all", Secret: []byte("sealed")})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.QueueWebhookDeliveries(ctx, w.ID, time.Now(), 100); err != nil || n != 0 {
		t.Errorf("the new webhook got %d deliveries of older events (%v)", n, err)
	}
}
