// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"errors"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// TestOneTripIsAllOrNone (PostgreSQL): when the last statement of a
// one-trip batch fails, the ones before it are not written either.
func TestOneTripIsAllOrNone(t *testing.T) {
	s := eventStores(t)["postgres"](t)
	ctx := t.Context()
	o, err := s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sess := store.Session{ID: "sess-1", Realm: store.RealmWorkspace, UserID: "u1", OrgID: o.ID, Method: "sso", ExpiresAt: now.Add(time.Hour)}
	rec := store.SignInRecord{Session: &sess,
		Audit: []store.AuditEvent{{At: now, Realm: store.RealmWorkspace, OrgID: o.ID, Actor: "pat@acme.example", Action: "signin"}},
		// PostgreSQL refuses a NUL in text: the attempt, written last, fails.
		Attempt: &store.SignInAttempt{OrgID: o.ID, At: now, OK: true, Flow: "sp-initiated", Email: "pat\x00@acme.example"}}
	if err := s.RecordSignIn(ctx, rec); err == nil {
		t.Fatal("RecordSignIn with a NUL in the attempt succeeded")
	}
	if _, err := s.GetSession(ctx, sess.ID, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the session of the failed record: err = %v, want not found", err)
	}
	if _, n, err := s.ListAudit(ctx, store.RealmWorkspace, o.ID, store.ListOptions{}); err != nil || n != 0 {
		t.Errorf("%d audit entries after the failed record (%v), want 0", n, err)
	}
	// The connection is usable afterwards, and a good record is written whole.
	rec.Attempt.Email = "pat@acme.example"
	if err := s.RecordSignIn(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, sess.ID, now); err != nil {
		t.Errorf("the session of the good record: %v", err)
	}
	if events, err := s.EventsAfter(ctx, o.ID, 0, 10); err != nil || len(events) != 1 || events[0].Type != store.EventSignInSucceeded {
		t.Errorf("events after the good record = %+v (%v)", events, err)
	}
}
