// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package events

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Webhooks registers webhook endpoints and delivers the log to them.
type Webhooks struct {
	Store  store.Store
	Sealer *secret.Sealer
	// Client posts deliveries; it must be the SSRF-safe outbound client.
	Client *http.Client
	Log    *slog.Logger
	Now    func() time.Time
}

func (w *Webhooks) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

// Headers of a delivery.
const (
	SignatureHeader = "Signet-Signature" // t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
	EventIDHeader   = "Signet-Event-Id"
	EventTypeHeader = "Signet-Event-Type"
)

// secretPrefix marks webhook signing secrets (for secret scanners).
const secretPrefix = "whsec_"

// Lease names the delivery worker's lease: one replica delivers at a time.
const Lease = "webhooks"

// A ValidationError is a webhook request that cannot be accepted; its
// message is safe to show.
type ValidationError struct{ Message string }

func (e *ValidationError) Error() string { return e.Message }

// Create registers an endpoint for the events of one org (orgID, "" for
// all) and of some types (none: all). It returns the webhook and its
// signing secret, which is shown once.
func (w *Webhooks) Create(ctx context.Context, actor, rawURL, orgID string, types []string) (store.Webhook, string, error) {
	if err := checkURL(rawURL); err != nil {
		return store.Webhook{}, "", err
	}
	for _, t := range types {
		if !slices.Contains(store.EventTypes, t) {
			return store.Webhook{}, "", &ValidationError{fmt.Sprintf("unknown event type %q; the types are %s", t, strings.Join(store.EventTypes, ", "))}
		}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return store.Webhook{}, "", err
	}
	plain := secretPrefix + base64.RawURLEncoding.EncodeToString(b)
	hook, err := w.Store.CreateWebhook(ctx, store.Webhook{URL: rawURL, Secret: w.Sealer.Seal([]byte(plain)), OrgID: orgID,
		Types: slices.Compact(slices.Sorted(slices.Values(types))), CreatedAt: w.now()})
	if err != nil {
		return hook, "", err
	}
	w.audit(ctx, actor, "webhook.create", hook.ID, "webhook "+hook.ID+" to "+hook.URL+" registered")
	return hook, plain, nil
}

// Delete removes a webhook with its delivery log.
func (w *Webhooks) Delete(ctx context.Context, actor, id string) error {
	if err := w.Store.DeleteWebhook(ctx, id); err != nil {
		return err
	}
	w.audit(ctx, actor, "webhook.delete", id, "webhook "+id+" removed")
	return nil
}

func (w *Webhooks) audit(ctx context.Context, actor, action, target, detail string) {
	err := w.Store.AppendAudit(ctx, store.AuditEvent{At: w.now(), Realm: store.RealmWorkspace, Actor: actor, Action: action, Target: target, Detail: detail})
	if err != nil && w.Log != nil {
		w.Log.WarnContext(ctx, "audit", "action", action, "err", err)
	}
}

// checkURL accepts an absolute http(s) URL without credentials or a
// fragment; where it may point is the outbound client's decision.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > 2000:
		return &ValidationError{"the webhook URL is not a valid URL"}
	case u.Scheme != "https" && u.Scheme != "http":
		return &ValidationError{"the webhook URL must start with https://"}
	case u.Host == "" || u.User != nil || u.Fragment != "":
		return &ValidationError{"the webhook URL needs a host, and no user name, password or #fragment"}
	}
	return nil
}

// Sign is the Signet-Signature header of a delivery of body at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Delivery policy: attempts back off from RetryBase, doubling up to
// RetryMax, and a delivery fails after MaxAttempts.
const (
	RetryBase   = 10 * time.Second
	RetryMax    = time.Hour
	MaxAttempts = 12
	batch       = 100
)

// DeliverAll queues and delivers what every webhook is due, if this
// replica (holder) holds the worker's lease. Each webhook receives its
// events in log order: a failed delivery holds back the ones after it
// until it succeeds or fails for good.
func (w *Webhooks) DeliverAll(ctx context.Context, holder string) error {
	hooks, err := w.Store.ListWebhooks(ctx)
	if err != nil || len(hooks) == 0 {
		return err // nothing registered: no lease taken, nothing written
	}
	now := w.now()
	ok, err := w.Store.TryLease(ctx, Lease, holder, now, now.Add(time.Minute))
	if err != nil || !ok {
		return err
	}
	var errs []error
	for _, h := range hooks {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := w.deliver(ctx, h); err != nil {
			errs = append(errs, fmt.Errorf("webhook %s: %w", h.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (w *Webhooks) deliver(ctx context.Context, h store.Webhook) error {
	if _, err := w.Store.QueueWebhookDeliveries(ctx, h.ID, w.now(), batch); err != nil {
		return err
	}
	due, err := w.Store.DueWebhookDeliveries(ctx, h.ID, w.now(), batch)
	if err != nil || len(due) == 0 {
		return err
	}
	secret, err := w.Sealer.Open(h.Secret)
	if err != nil {
		return fmt.Errorf("open the signing secret: %w", err)
	}
	for _, d := range due {
		ok, err := w.attempt(ctx, h, secret, d)
		if err != nil || !ok {
			return err // keep the order: the rest wait for this one
		}
	}
	return nil
}

// attempt posts one delivery and records the outcome.
func (w *Webhooks) attempt(ctx context.Context, h store.Webhook, secret []byte, d store.WebhookDelivery) (bool, error) {
	now := w.now()
	d.Attempts++
	d.LastAttemptAt = now
	d.StatusCode, d.Error = 0, ""
	if len(d.Event.Data) == 0 {
		d.State, d.Error = store.DeliveryFailed, "the event is no longer in the log"
		return true, w.Store.RecordWebhookAttempt(ctx, d)
	}
	d.StatusCode, d.Error = w.post(ctx, h.URL, secret, d.Event, now)
	switch {
	case d.Error == "":
		d.State = store.DeliveryDelivered
	case d.Attempts >= MaxAttempts:
		d.State = store.DeliveryFailed
	default:
		d.NextAttemptAt = now.Add(backoff(d.Attempts))
	}
	if err := w.Store.RecordWebhookAttempt(ctx, d); err != nil {
		return false, err
	}
	if d.Error != "" && w.Log != nil {
		w.Log.WarnContext(ctx, "webhook delivery failed", "webhook", h.ID, "event", d.Event.ID, "attempt", d.Attempts, "err", d.Error)
	}
	return d.State != store.DeliveryPending, nil
}

// post sends the event and reports the answer's status and, when it was
// not a 2xx, what went wrong in words that never show an address.
func (w *Webhooks) post(ctx context.Context, target string, secret []byte, e store.Event, now time.Time) (int, string) {
	body, err := json.Marshal(Out(e))
	if err != nil {
		return 0, "the event could not be encoded"
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, "the webhook URL is not valid"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Signet-Webhooks/1")
	req.Header.Set(SignatureHeader, Sign(secret, now, body))
	req.Header.Set(EventIDHeader, e.ID)
	req.Header.Set(EventTypeHeader, e.Type)
	resp, err := w.Client.Do(req)
	if err != nil {
		return 0, web.OutboundProblem(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection closes cleanly
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Sprintf("the receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}

func backoff(attempts int) time.Duration {
	d := RetryBase
	for i := 1; i < attempts && d < RetryMax; i++ {
		d *= 2
	}
	return min(d, RetryMax)
}

// Redeliver sends one delivery again at the next run.
func (w *Webhooks) Redeliver(ctx context.Context, webhookID, deliveryID string) error {
	return w.Store.RedeliverWebhook(ctx, webhookID, deliveryID, w.now())
}
