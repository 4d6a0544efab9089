// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package events_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/events"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/web"
)

// world is a store with an org, a clock and a webhook service.
type world struct {
	st    store.Store
	org   store.Org
	clock time.Time
	hooks *events.Webhooks
}

func newWorld(t *testing.T, allowPrivate bool) *world {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := secret.NewSealer(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.CreateOrg(t.Context(), store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{st: st, org: o, clock: time.Now().UTC()}
	w.hooks = &events.Webhooks{Store: st, Sealer: sealer, Client: web.NewOutboundClient(allowPrivate, 5*time.Second),
		Now: func() time.Time { return w.clock }}
	return w
}

func (w *world) provision(t *testing.T, name string) {
	t.Helper()
	if _, err := w.st.PutSCIMUser(t.Context(), store.SCIMUser{OrgID: w.org.ID, UserName: name, Email: name + "@acme.example", Active: true}, "member"); err != nil {
		t.Fatal(err)
	}
}

// receiver records deliveries and answers with the status fail gives.
type receiver struct {
	mu       sync.Mutex
	got      []events.JSON
	headers  []http.Header
	bodies   [][]byte
	failNext int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.failNext > 0 {
		rc.failNext--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var e events.JSON
	if err := json.Unmarshal(body, &e); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.got, rc.headers, rc.bodies = append(rc.got, e), append(rc.headers, r.Header.Clone()), append(rc.bodies, body)
	w.WriteHeader(http.StatusNoContent)
}

// verify checks a delivery's signature the way a receiver would, with
// nothing but the standard library.
func verify(t *testing.T, secretKey string, h http.Header, body []byte) {
	t.Helper()
	parts := strings.Split(h.Get(events.SignatureHeader), ",")
	if len(parts) != 2 || !strings.HasPrefix(parts[0], "t=") || !strings.HasPrefix(parts[1], "v1=") {
		t.Fatalf("signature header %q", h.Get(events.SignatureHeader))
	}
	ts := strings.TrimPrefix(parts[0], "t=")
	if sec, _ := strconv.ParseInt(ts, 10, 64); time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		t.Errorf("signature timestamp %s is not now", ts)
	}
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(ts + "." + string(body)))
	if got, _ := hex.DecodeString(strings.TrimPrefix(parts[1], "v1=")); !hmac.Equal(got, mac.Sum(nil)) {
		t.Error("the delivery's signature does not verify")
	}
}

func TestDeliveryInOrderSignedAndRetried(t *testing.T) {
	w := newWorld(t, true)
	rc := &receiver{failNext: 2}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w.provision(t, "before") // before the webhook: not delivered
	hook, key, err := w.hooks.Create(t.Context(), "test", srv.URL+"/hooks", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(hook.Secret), key) || !strings.HasPrefix(key, "whsec_") {
		t.Fatal("the stored secret is not sealed, or the secret has no prefix")
	}
	for _, n := range []string{"ann", "ben", "cat"} {
		w.provision(t, n)
	}
	// First run: the first delivery fails (503); the others wait behind it.
	if err := w.hooks.DeliverAll(t.Context(), "r1"); err != nil {
		t.Fatal(err)
	}
	log, _ := w.st.ListWebhookDeliveries(t.Context(), hook.ID, 10)
	if len(log) != 3 || log[2].Attempts != 1 || log[2].StatusCode != 503 || log[1].Attempts != 0 {
		t.Fatalf("after the first run: %+v", log)
	}
	// Before its retry time nothing is sent; after it, again 503, then all.
	if err := w.hooks.DeliverAll(t.Context(), "r1"); err != nil || len(rc.got) != 0 {
		t.Fatalf("sent before the retry time: %v %d", err, len(rc.got))
	}
	w.clock = w.clock.Add(events.RetryBase)
	_ = w.hooks.DeliverAll(t.Context(), "r1")
	w.clock = w.clock.Add(2 * events.RetryBase)
	_ = w.hooks.DeliverAll(t.Context(), "r1")
	if len(rc.got) != 3 {
		t.Fatalf("delivered %d, want 3", len(rc.got))
	}
	for i, want := range []string{"ann", "ben", "cat"} {
		var u store.EventUser
		_ = json.Unmarshal(rc.got[i].Data, &u)
		if rc.got[i].Type != store.EventUserCreated || u.UserName != want || rc.headers[i].Get(events.EventIDHeader) != rc.got[i].ID {
			t.Errorf("delivery %d = %+v", i, rc.got[i])
		}
		verify(t, key, rc.headers[i], rc.bodies[i])
	}
	// Another replica does not deliver while r1 holds the lease.
	w.provision(t, "dan")
	if err := w.hooks.DeliverAll(t.Context(), "r2"); err != nil || len(rc.got) != 3 {
		t.Fatalf("a second replica delivered: %v, %d", err, len(rc.got))
	}
	// Redelivery sends a delivered event again, with the same ID.
	log, _ = w.st.ListWebhookDeliveries(t.Context(), hook.ID, 10)
	if err := w.hooks.Redeliver(t.Context(), hook.ID, log[len(log)-1].ID); err != nil {
		t.Fatal(err)
	}
	_ = w.hooks.DeliverAll(t.Context(), "r1")
	if len(rc.got) != 5 || rc.got[3].ID != rc.got[0].ID {
		t.Errorf("after redelivery: %d deliveries", len(rc.got))
	}
}

func TestDeliveryGivesUpAfterMaxAttempts(t *testing.T) {
	w := newWorld(t, true)
	rc := &receiver{failNext: 1000}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	hook, _, err := w.hooks.Create(t.Context(), "test", srv.URL, w.org.ID, []string{store.EventUserCreated})
	if err != nil {
		t.Fatal(err)
	}
	w.provision(t, "ann")
	w.provision(t, "ben")
	for range events.MaxAttempts + 1 {
		_ = w.hooks.DeliverAll(t.Context(), "r1")
		w.clock = w.clock.Add(events.RetryMax)
	}
	log, _ := w.st.ListWebhookDeliveries(t.Context(), hook.ID, 10)
	if len(log) != 2 || log[1].State != store.DeliveryFailed || log[1].Attempts != events.MaxAttempts || log[1].Error != "the receiver answered 503" {
		t.Fatalf("log = %+v", log)
	}
	if log[0].Attempts == 0 {
		t.Error("the event after a failed one was never tried")
	}
}

func TestWebhookRefusals(t *testing.T) {
	w := newWorld(t, false)
	for _, tc := range []struct{ url, types string }{
		{"ftp://hooks.example/x", ""},
		{"https://user:pw@hooks.example/x", ""},
		{"/relative", ""},
		{"https://hooks.example/x#frag", ""},
		{"https://hooks.example/x", "dsync.user.exploded"},
	} {
		var types []string
		if tc.types != "" {
			types = []string{tc.types}
		}
		_, _, err := w.hooks.Create(t.Context(), "test", tc.url, "", types)
		var ve *events.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("Create(%q, %q) = %v, want a validation error", tc.url, tc.types, err)
		}
	}
	// The SSRF guard: a loopback receiver is refused at dial time, and the
	// error shown does not name the address.
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	hook, _, err := w.hooks.Create(t.Context(), "test", srv.URL, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.provision(t, "ann")
	_ = w.hooks.DeliverAll(t.Context(), "r1")
	log, _ := w.st.ListWebhookDeliveries(t.Context(), hook.ID, 10)
	if len(rc.got) != 0 || len(log) != 1 || log[0].Error != web.ErrAddressNotAllowed.Error() || strings.Contains(log[0].Error, "127.0.0.1") {
		t.Errorf("a loopback webhook: delivered %d, log %+v", len(rc.got), log)
	}
}

func TestListCursor(t *testing.T) {
	w := newWorld(t, true)
	for _, n := range []string{"a1", "a2", "a3"} {
		w.provision(t, n)
	}
	p, err := events.List(t.Context(), w.st, w.org.ID, 0, 2)
	if err != nil || len(p.Data) != 2 || !p.HasMore {
		t.Fatalf("first page = %+v, %v", p, err)
	}
	after, err := events.ParseCursor(p.NextCursor)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := events.List(t.Context(), w.st, w.org.ID, after, 2)
	if len(p2.Data) != 1 || p2.HasMore || p2.Data[0].ID == p.Data[1].ID {
		t.Errorf("second page = %+v", p2)
	}
	p3, _ := events.List(t.Context(), w.st, w.org.ID, 1<<40, 2)
	if len(p3.Data) != 0 || p3.NextCursor != events.FormatCursor(1<<40) {
		t.Errorf("past the end = %+v", p3)
	}
	for _, bad := range []string{"-1", "abc", "1e3", "99999999999999999999"} {
		if _, err := events.ParseCursor(bad); !errors.Is(err, events.ErrBadCursor) {
			t.Errorf("ParseCursor(%q) = %v", bad, err)
		}
	}
}
