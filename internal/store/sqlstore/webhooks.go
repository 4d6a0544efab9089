// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

const webhookColumns = `id, url, secret_sealed, org_id, types, created_at, cursor_seq`

func scanWebhook(r interface{ Scan(...any) error }) (store.Webhook, error) {
	var w store.Webhook
	var secret, types string
	var created int64
	err := r.Scan(&w.ID, &w.URL, &secret, &w.OrgID, &types, &created, &w.Cursor)
	if err == nil {
		w.Secret, err = base64.StdEncoding.DecodeString(secret)
	}
	if types != "" {
		w.Types = strings.Split(types, ",")
	}
	w.CreatedAt = fromMS(created)
	return w, err
}

// CreateWebhook implements store.Webhooks.
func (s *eventStore) CreateWebhook(ctx context.Context, w store.Webhook) (store.Webhook, error) {
	w.ID, w.CreatedAt = newID("wh_"), stamp(w.CreatedAt)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// The end of the log, queued events included: they happened before.
		n, err := sequenceEvents(ctx, tx, allEvents)
		if err != nil {
			return fmt.Errorf("end of the event log: %w", err)
		}
		w.Cursor = n
		_, err = tx.ExecContext(ctx, `INSERT INTO sp_webhooks (`+webhookColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			w.ID, w.URL, base64.StdEncoding.EncodeToString(w.Secret), w.OrgID, strings.Join(w.Types, ","), ms(w.CreatedAt), w.Cursor)
		return mapErr(err)
	})
	if err != nil {
		return w, fmt.Errorf("save webhook: %w", err)
	}
	return w, nil
}

// GetWebhook implements store.Webhooks.
func (s *eventStore) GetWebhook(ctx context.Context, id string) (store.Webhook, error) {
	w, err := scanWebhook(s.db.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM sp_webhooks WHERE id = $1`, id))
	return w, rowErr("webhook", id, err)
}

// ListWebhooks implements store.Webhooks.
func (s *eventStore) ListWebhooks(ctx context.Context) ([]store.Webhook, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+webhookColumns+` FROM sp_webhooks ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return collect(rows, scanWebhook)
}

// DeleteWebhook implements store.Webhooks.
func (s *eventStore) DeleteWebhook(ctx context.Context, id string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sp_webhook_deliveries WHERE webhook_id = $1`, id); err != nil {
			return fmt.Errorf("delete webhook deliveries: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sp_webhooks WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		return checkAffected(res, "webhook", id)
	})
}

// QueueWebhookDeliveries implements store.Webhooks.
func (s *eventStore) QueueWebhookDeliveries(ctx context.Context, id string, now time.Time, limit int) (int, error) {
	if err := s.sequencePending(ctx); err != nil {
		return 0, err
	}
	queued := 0
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		w, err := scanWebhook(tx.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM sp_webhooks WHERE id = $1`+s.fl.forUpdate, id))
		if err != nil {
			return rowErr("webhook", id, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+` FROM sp_events WHERE seq > $1 ORDER BY seq LIMIT $2`, w.Cursor, limit)
		if err != nil {
			return fmt.Errorf("events for webhook: %w", err)
		}
		events, err := collect(rows, scanEvent)
		if err != nil || len(events) == 0 {
			return err
		}
		for _, e := range events {
			if (w.OrgID != "" && e.OrgID != w.OrgID) || (len(w.Types) > 0 && !slices.Contains(w.Types, e.Type)) {
				continue
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO sp_webhook_deliveries (id, webhook_id, event_seq, event_id, event_type, state,
				next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)`,
				newID("whd_"), w.ID, e.Seq, e.ID, e.Type, ms(now))
			if err != nil {
				return fmt.Errorf("queue webhook delivery: %w", mapErr(err))
			}
			queued++
		}
		_, err = tx.ExecContext(ctx, `UPDATE sp_webhooks SET cursor_seq = $2 WHERE id = $1`, w.ID, events[len(events)-1].Seq)
		return err
	})
	return queued, err
}

const deliveryColumns = `d.id, d.webhook_id, d.event_seq, d.event_id, d.event_type, d.state, d.attempts, d.next_attempt_at,
	d.last_attempt_at, d.status_code, d.error, d.created_at, COALESCE(e.org_id, ''), COALESCE(e.at, 0), COALESCE(e.data, '')`

const deliveryFrom = ` FROM sp_webhook_deliveries d LEFT JOIN sp_events e ON e.seq = d.event_seq`

func scanDelivery(r interface{ Scan(...any) error }) (store.WebhookDelivery, error) {
	var d store.WebhookDelivery
	var next, last, created, at int64
	var data string
	err := r.Scan(&d.ID, &d.WebhookID, &d.Event.Seq, &d.Event.ID, &d.Event.Type, &d.State, &d.Attempts, &next, &last,
		&d.StatusCode, &d.Error, &created, &d.Event.OrgID, &at, &data)
	d.NextAttemptAt, d.LastAttemptAt, d.CreatedAt, d.Event.At = fromMS(next), fromMS(last), fromMS(created), fromMS(at)
	d.Event.Data = []byte(data)
	return d, err
}

// DueWebhookDeliveries implements store.Webhooks.
func (s *eventStore) DueWebhookDeliveries(ctx context.Context, webhookID string, now time.Time, limit int) ([]store.WebhookDelivery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+deliveryColumns+deliveryFrom+` WHERE d.webhook_id = $1 AND d.state = 'pending'
		AND d.next_attempt_at <= $2 ORDER BY d.event_seq LIMIT $3`, webhookID, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due webhook deliveries: %w", err)
	}
	return collect(rows, scanDelivery)
}

// RecordWebhookAttempt implements store.Webhooks.
func (s *eventStore) RecordWebhookAttempt(ctx context.Context, d store.WebhookDelivery) error {
	res, err := s.exec(ctx, `UPDATE sp_webhook_deliveries SET state = $3, attempts = $4, next_attempt_at = $5,
		last_attempt_at = $6, status_code = $7, error = $8 WHERE webhook_id = $1 AND id = $2`,
		d.WebhookID, d.ID, d.State, d.Attempts, ms(d.NextAttemptAt), ms(d.LastAttemptAt), d.StatusCode, d.Error)
	if err != nil {
		return fmt.Errorf("record webhook attempt: %w", err)
	}
	return checkAffected(res, "webhook delivery", d.ID)
}

// ListWebhookDeliveries implements store.Webhooks.
func (s *eventStore) ListWebhookDeliveries(ctx context.Context, webhookID string, limit int) ([]store.WebhookDelivery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+deliveryColumns+deliveryFrom+` WHERE d.webhook_id = $1
		ORDER BY d.event_seq DESC LIMIT $2`, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	return collect(rows, scanDelivery)
}

// RedeliverWebhook implements store.Webhooks.
func (s *eventStore) RedeliverWebhook(ctx context.Context, webhookID, deliveryID string, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE sp_webhook_deliveries SET state = 'pending', next_attempt_at = $3
		WHERE webhook_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM sp_events e WHERE e.seq = event_seq)`, webhookID, deliveryID, ms(now))
	if err != nil {
		return fmt.Errorf("redeliver: %w", err)
	}
	return checkAffected(res, "webhook delivery", deliveryID)
}

// AppendSCIMRequest implements store.SCIMRequestLog.
func (s *eventStore) AppendSCIMRequest(ctx context.Context, r store.SCIMRequest) error {
	r.At = stamp(r.At)
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sp_scim_requests (id, org_id, at, method, path, status, scim_type, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, newAuditID(r.At), r.OrgID, ms(r.At), r.Method, r.Path, r.Status, r.SCIMType, r.Detail)
		if err != nil {
			return fmt.Errorf("log SCIM request: %w", mapErr(err))
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sp_scim_requests WHERE org_id = $1 AND id NOT IN
			(SELECT id FROM sp_scim_requests WHERE org_id = $1 ORDER BY id DESC LIMIT $2)`, r.OrgID, store.MaxSCIMRequests)
		return err
	})
}

// ListSCIMRequests implements store.SCIMRequestLog.
func (s *eventStore) ListSCIMRequests(ctx context.Context, orgID string, limit int) ([]store.SCIMRequest, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT org_id, at, method, path, status, scim_type, detail FROM sp_scim_requests
		WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("list SCIM requests: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (store.SCIMRequest, error) {
		var q store.SCIMRequest
		var at int64
		err := r.Scan(&q.OrgID, &at, &q.Method, &q.Path, &q.Status, &q.SCIMType, &q.Detail)
		q.At = fromMS(at)
		return q, err
	})
}
