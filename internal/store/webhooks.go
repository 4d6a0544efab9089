// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// Webhook is an endpoint the operator registered to receive the event log.
type Webhook struct {
	ID        string
	URL       string
	Secret    []byte   // the signing secret, sealed; never plaintext
	OrgID     string   // "" for every org's events
	Types     []string // the event types it receives; empty for all
	CreatedAt time.Time
	// Cursor is the Seq of the last event considered for it: deliveries
	// exist for every event up to it that it subscribes to.
	Cursor int64
}

// States of a webhook delivery.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // retries are exhausted; a redelivery makes it pending again
)

// WebhookDelivery is one event sent (or to be sent) to one webhook.
type WebhookDelivery struct {
	ID, WebhookID string
	Event         Event
	State         string
	Attempts      int
	NextAttemptAt time.Time
	LastAttemptAt time.Time
	StatusCode    int    // of the last attempt, 0 when no answer came
	Error         string // why the last attempt failed
	CreatedAt     time.Time
}

// Webhooks holds the webhook endpoints and their deliveries.
type Webhooks interface {
	// CreateWebhook stores w (the store picks its ID) with its cursor at
	// the end of the log: it receives events from now on.
	CreateWebhook(ctx context.Context, w Webhook) (Webhook, error)
	GetWebhook(ctx context.Context, id string) (Webhook, error)
	ListWebhooks(ctx context.Context) ([]Webhook, error)
	// DeleteWebhook deletes the webhook with its deliveries.
	DeleteWebhook(ctx context.Context, id string) error
	// QueueWebhookDeliveries makes pending deliveries of the webhook's
	// events after its cursor (up to limit events read) and advances the
	// cursor, in one transaction; it returns how many it queued.
	QueueWebhookDeliveries(ctx context.Context, id string, now time.Time, limit int) (int, error)
	// DueWebhookDeliveries lists the webhook's pending deliveries due at
	// now, in event order, with their events, at most limit.
	DueWebhookDeliveries(ctx context.Context, webhookID string, now time.Time, limit int) ([]WebhookDelivery, error)
	// RecordWebhookAttempt writes the outcome of one attempt (State,
	// Attempts, NextAttemptAt, LastAttemptAt, StatusCode, Error).
	RecordWebhookAttempt(ctx context.Context, d WebhookDelivery) error
	// ListWebhookDeliveries lists the webhook's deliveries, newest first.
	ListWebhookDeliveries(ctx context.Context, webhookID string, limit int) ([]WebhookDelivery, error)
	// RedeliverWebhook makes one of the webhook's deliveries pending and
	// due at now.
	RedeliverWebhook(ctx context.Context, webhookID, deliveryID string, now time.Time) error
}
