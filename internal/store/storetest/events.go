// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// eventTypes lists the types of events, in order.
func eventTypes(events []store.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Type)
	}
	return out
}

func testEvents(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))

	// Directory sync writes its events with its changes.
	pat := must(s.PutSCIMUser(ctx, store.SCIMUser{OrgID: acme.ID, UserName: "pat", Email: "pat@acme.example", Active: true}, "member"))
	same := must(s.PutSCIMUser(ctx, pat, "member")) // nothing changed: no event
	same.Email = "patricia@acme.example"
	same = must(s.PutSCIMUser(ctx, same, "member"))
	g := must(s.PutSCIMGroup(ctx, store.SCIMGroup{OrgID: acme.ID, DisplayName: "Eng", Members: []string{pat.ID}}))
	g.DisplayName, g.Members = "Engineering", nil
	g = must(s.PutSCIMGroup(ctx, g))
	g.Members = []string{pat.ID}
	must(s.PutSCIMGroup(ctx, g))
	same.Active = false
	must(s.PutSCIMUser(ctx, same, "member"))
	check(t, s.DeleteSCIMUser(ctx, acme.ID, pat.ID))
	check(t, s.DeleteSCIMGroup(ctx, acme.ID, g.ID))
	must(s.PutSCIMUser(ctx, store.SCIMUser{OrgID: beta.ID, UserName: "bo", Email: "bo@beta.example", Active: true}, "member"))

	acmeEvents := must(s.EventsAfter(ctx, acme.ID, 0, 100))
	want := []string{store.EventUserCreated, store.EventUserUpdated, store.EventGroupCreated, store.EventGroupUserAdded,
		store.EventGroupUpdated, store.EventGroupUserRemoved, store.EventGroupUserAdded, store.EventUserDeactivated,
		store.EventGroupUserRemoved, store.EventUserDeleted, store.EventGroupDeleted}
	if got := eventTypes(acmeEvents); !slices.Equal(got, want) {
		t.Fatalf("acme's events = %v\nwant %v", got, want)
	}
	var updated store.EventUser
	check(t, json.Unmarshal(acmeEvents[1].Data, &updated))
	if updated.Email != "patricia@acme.example" || updated.PreviousEmail != "pat@acme.example" || updated.MemberID != pat.MemberID {
		t.Errorf("the update event = %+v", updated)
	}
	var added store.EventGroup
	check(t, json.Unmarshal(acmeEvents[3].Data, &added))
	if added.DisplayName != "Eng" || added.User == nil || added.User.ID != pat.ID {
		t.Errorf("the user_added event = %+v", added)
	}
	for i, e := range acmeEvents {
		if e.OrgID != acme.ID || e.ID == "" || (i > 0 && e.Seq <= acmeEvents[i-1].Seq) {
			t.Fatalf("event %d = %+v", i, e)
		}
	}
	// The cursor: after the fifth, the rest; every org's when orgID is "".
	if rest := must(s.EventsAfter(ctx, acme.ID, acmeEvents[4].Seq, 100)); len(rest) != len(acmeEvents)-5 || rest[0].ID != acmeEvents[5].ID {
		t.Errorf("after the fifth event: %v", eventTypes(rest))
	}
	if all := must(s.EventsAfter(ctx, "", 0, 100)); len(all) != len(acmeEvents)+1 || all[len(all)-1].OrgID != beta.ID {
		t.Errorf("every org's events: %d", len(all))
	}

	// Sign-in attempts: SSO ones from the genuine IdP, not tests, not
	// unverified posts, not passwords.
	after := must(s.EventsAfter(ctx, "", 0, 1000))
	cursor := after[len(after)-1].Seq
	for _, a := range []store.SignInAttempt{
		{OrgID: acme.ID, OK: true, Flow: "sp-initiated", Email: "pat@acme.example"},
		{OrgID: acme.ID, Code: "audience_mismatch", Flow: "idp-initiated"},
		{OrgID: acme.ID, Code: "signature_invalid", Unverified: true},
		{OrgID: acme.ID, OK: true, Test: true, Flow: "sp-initiated"},
		{OrgID: acme.ID, OK: true, Flow: "password"},
	} {
		check(t, s.AppendSignInAttempt(ctx, a))
	}
	check(t, s.RecordSignIn(ctx, store.SignInRecord{Attempt: &store.SignInAttempt{OrgID: acme.ID, OK: true, Flow: "sp-initiated"}}))
	signIns := must(s.EventsAfter(ctx, acme.ID, cursor, 100))
	if got := eventTypes(signIns); !slices.Equal(got, []string{store.EventSignInSucceeded, store.EventSignInFailed, store.EventSignInSucceeded}) {
		t.Errorf("sign-in events = %v", got)
	}

	// Connections.
	c := must(s.PutSSOConnection(ctx, store.SSOConnection{OrgID: beta.ID, Name: "Okta", IdPEntityID: "https://idp.example/okta"}))
	check(t, s.DeleteSSOConnection(ctx, beta.ID, c.ID))
	if got := eventTypes(must(s.EventsAfter(ctx, beta.ID, cursor, 100))); !slices.Equal(got, []string{store.EventConnectionActivated, store.EventConnectionDeleted}) {
		t.Errorf("connection events = %v", got)
	}

	// A keyed event happens once.
	e := store.Event{OrgID: beta.ID, Type: store.EventCertificateExpiring, Data: []byte(`{}`), Key: "cert:abc"}
	if !must(s.AppendEvent(ctx, e)) || must(s.AppendEvent(ctx, e)) {
		t.Error("a keyed event was appended twice, or not at all")
	}

	// Pruning.
	if n := must(s.PruneEvents(ctx, time.Now().Add(time.Hour))); n == 0 {
		t.Error("nothing pruned")
	}
	if left := must(s.EventsAfter(ctx, "", 0, 100)); len(left) != 0 {
		t.Errorf("%d events left after pruning", len(left))
	}
}

// testConcurrentEvents: events written by concurrent transactions are
// read in an order that never lets a cursor skip one.
func testConcurrentEvents(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	const writers, each = 6, 10
	var wg sync.WaitGroup
	seen := map[string]bool{}
	var cursor int64
	done := make(chan struct{})
	readErr := make(chan error, 1)
	go func() { // a host app reading while the writers write
		defer close(readErr)
		for {
			select {
			case <-done:
				return
			default:
			}
			events, err := s.EventsAfter(ctx, acme.ID, cursor, 50)
			if err != nil {
				readErr <- err
				return
			}
			for _, e := range events {
				seen[e.ID] = true
				cursor = e.Seq
			}
		}
	}()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				name := fmt.Sprintf("u%d-%d", w, i)
				if _, err := s.PutSCIMUser(ctx, store.SCIMUser{OrgID: acme.ID, UserName: name, Email: name + "@acme.example", Active: true}, "member"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	if err := <-readErr; err != nil {
		t.Fatal(err)
	}
	for _, e := range must(s.EventsAfter(ctx, acme.ID, cursor, 1000)) {
		seen[e.ID] = true
	}
	all := must(s.EventsAfter(ctx, acme.ID, 0, 1000))
	if len(all) != writers*each || len(seen) != len(all) {
		t.Errorf("%d events written, %d seen through the cursor", len(all), len(seen))
	}
}

func testWebhooks(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))
	must(s.PutSCIMUser(ctx, store.SCIMUser{OrgID: acme.ID, UserName: "old", Email: "old@acme.example", Active: true}, "member"))
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

	all := must(s.CreateWebhook(ctx, store.Webhook{URL: "https://hooks.example/all", Secret: []byte("sealed")}))
	acmeUsers := must(s.CreateWebhook(ctx, store.Webhook{URL: "https://hooks.example/acme", Secret: []byte("sealed"),
		OrgID: acme.ID, Types: []string{store.EventUserCreated}}))
	if got := must(s.GetWebhook(ctx, acmeUsers.ID)); got.OrgID != acme.ID || !slices.Equal(got.Types, acmeUsers.Types) || string(got.Secret) != "sealed" {
		t.Errorf("webhook = %+v", got)
	}
	pat := must(s.PutSCIMUser(ctx, store.SCIMUser{OrgID: acme.ID, UserName: "pat", Email: "pat@acme.example", Active: true}, "member"))
	pat.Active = false
	must(s.PutSCIMUser(ctx, pat, "member"))
	must(s.PutSCIMUser(ctx, store.SCIMUser{OrgID: beta.ID, UserName: "bo", Email: "bo@beta.example", Active: true}, "member"))

	// Only events after the webhook was made, filtered by its org and types.
	if n := must(s.QueueWebhookDeliveries(ctx, all.ID, now, 100)); n != 3 {
		t.Errorf("queued %d for the catch-all webhook, want 3", n)
	}
	if n := must(s.QueueWebhookDeliveries(ctx, acmeUsers.ID, now, 100)); n != 1 {
		t.Errorf("queued %d for acme's user.created webhook, want 1", n)
	}
	if n := must(s.QueueWebhookDeliveries(ctx, all.ID, now, 100)); n != 0 {
		t.Errorf("queued %d again", n)
	}
	due := must(s.DueWebhookDeliveries(ctx, all.ID, now, 10))
	if len(due) != 3 || due[0].Event.Type != store.EventUserCreated || due[1].Event.Type != store.EventUserDeactivated ||
		due[2].Event.OrgID != beta.ID || len(due[0].Event.Data) == 0 {
		t.Fatalf("due = %+v", due)
	}
	// A failure waits for its retry time; a success is done.
	d := due[0]
	d.Attempts, d.Error, d.StatusCode, d.LastAttemptAt, d.NextAttemptAt = 1, "the receiver answered 500", 500, now, now.Add(time.Minute)
	check(t, s.RecordWebhookAttempt(ctx, d))
	d2 := due[1]
	d2.State, d2.Attempts, d2.StatusCode, d2.LastAttemptAt = store.DeliveryDelivered, 1, 204, now
	check(t, s.RecordWebhookAttempt(ctx, d2))
	if due := must(s.DueWebhookDeliveries(ctx, all.ID, now, 10)); len(due) != 1 || due[0].Event.OrgID != beta.ID {
		t.Errorf("due after the attempts = %+v", due)
	}
	if due := must(s.DueWebhookDeliveries(ctx, all.ID, now.Add(time.Minute), 10)); len(due) != 2 || due[0].ID != d.ID {
		t.Errorf("due a minute later = %+v", due)
	}
	log := must(s.ListWebhookDeliveries(ctx, all.ID, 10))
	if len(log) != 3 || log[2].ID != d.ID || log[2].Error == "" || log[1].State != store.DeliveryDelivered {
		t.Errorf("delivery log = %+v", log)
	}
	// Redelivery of a delivered event.
	check(t, s.RedeliverWebhook(ctx, all.ID, d2.ID, now))
	mustNotFound(t, "another webhook's delivery", s.RedeliverWebhook(ctx, acmeUsers.ID, d2.ID, now))
	if due := must(s.DueWebhookDeliveries(ctx, all.ID, now, 10)); len(due) != 2 {
		t.Errorf("due after redelivery = %d", len(due))
	}
	// Pending deliveries keep their events from pruning.
	must(s.PruneEvents(ctx, now.Add(24*time.Hour)))
	if due := must(s.DueWebhookDeliveries(ctx, all.ID, now.Add(time.Minute), 10)); len(due) != 3 || len(due[0].Event.Data) == 0 {
		t.Errorf("a pending delivery lost its event to pruning: %+v", due)
	}

	// Finished deliveries are pruned with their time's events.
	for _, d := range must(s.DueWebhookDeliveries(ctx, all.ID, now.Add(time.Minute), 10)) {
		d.State = store.DeliveryDelivered
		check(t, s.RecordWebhookAttempt(ctx, d))
	}
	must(s.PruneEvents(ctx, now.Add(24*time.Hour)))
	if log := must(s.ListWebhookDeliveries(ctx, all.ID, 10)); len(log) != 0 {
		t.Errorf("finished deliveries survived pruning: %+v", log)
	}

	check(t, s.DeleteWebhook(ctx, all.ID))
	mustNotFound(t, "a deleted webhook", s.DeleteWebhook(ctx, all.ID))
	if hooks := must(s.ListWebhooks(ctx)); len(hooks) != 1 || hooks[0].ID != acmeUsers.ID {
		t.Errorf("webhooks = %+v", hooks)
	}
}

func testSCIMRequests(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range store.MaxSCIMRequests + 5 {
		check(t, s.AppendSCIMRequest(ctx, store.SCIMRequest{OrgID: acme.ID, At: at.Add(time.Duration(i) * time.Second),
			Method: "POST", Path: fmt.Sprintf("/Users/%d", i), Status: 201}))
	}
	check(t, s.AppendSCIMRequest(ctx, store.SCIMRequest{OrgID: beta.ID, At: at, Method: "GET", Path: "/Users", Status: 200}))
	got := must(s.ListSCIMRequests(ctx, acme.ID, 1000))
	if len(got) != store.MaxSCIMRequests || got[0].Path != fmt.Sprintf("/Users/%d", store.MaxSCIMRequests+4) || got[0].Status != 201 {
		t.Errorf("acme's log: %d requests, newest %+v", len(got), got[0])
	}
	if got := must(s.ListSCIMRequests(ctx, beta.ID, 10)); len(got) != 1 || got[0].Method != "GET" {
		t.Errorf("beta's log = %+v", got)
	}
}
