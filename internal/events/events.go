// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package events

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// JSON is an event as the API returns it and webhooks post it.
type JSON struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	CreatedAt      time.Time `json:"created_at"`
	OrganizationID string    `json:"organization_id"`
	// Cursor is the event's position: pass it as ?after= to read on.
	Cursor string          `json:"cursor"`
	Data   json.RawMessage `json:"data"`
}

// Out is the JSON form of a stored event.
func Out(e store.Event) JSON {
	data := json.RawMessage(e.Data)
	if !json.Valid(data) {
		data = json.RawMessage(`{}`)
	}
	return JSON{ID: e.ID, Type: e.Type, CreatedAt: e.At.UTC(), OrganizationID: e.OrgID, Cursor: FormatCursor(e.Seq), Data: data}
}

// Page is one page of the log.
type Page struct {
	Data []JSON `json:"data"`
	// NextCursor reads on after the page (the same cursor when the page is
	// empty: poll again with it later).
	NextCursor string `json:"next_cursor"`
	HasMore    bool   `json:"has_more"`
}

// MaxPage is the largest page the API returns.
const MaxPage = 500

// ErrBadCursor is a cursor that is not one this log gave out.
var ErrBadCursor = errors.New("the cursor is not one this API returned")

// FormatCursor and ParseCursor turn a position into the API's cursor.
func FormatCursor(seq int64) string { return strconv.FormatInt(seq, 10) }

// ParseCursor reads a cursor; "" is the start of the log.
func ParseCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, ErrBadCursor
	}
	return n, nil
}

// List reads a page of the log after the cursor; orgID filters ("" every
// org's events).
func List(ctx context.Context, st store.Events, orgID string, after int64, limit int) (Page, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	events, err := st.EventsAfter(ctx, orgID, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Data: []JSON{}, NextCursor: FormatCursor(after), HasMore: len(events) > limit}
	if p.HasMore {
		events = events[:limit]
	}
	for _, e := range events {
		p.Data = append(p.Data, Out(e))
		p.NextCursor = FormatCursor(e.Seq)
	}
	return p, nil
}

// Retention is how long the log keeps events (pending webhook deliveries
// keep theirs longer).
const Retention = 30 * 24 * time.Hour
