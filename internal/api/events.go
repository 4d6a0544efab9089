// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/signet-sso/signet/internal/events"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// listEvents reads the event log after a cursor, optionally one org's.
func (h *Handler) listEvents(w http.ResponseWriter, r *http.Request) error {
	n, err := limit(r)
	if err != nil {
		return err
	}
	after, err := events.ParseCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return web.BadRequest("cursor is not one this API gave out: pass next_cursor (or an event's cursor) as it is.")
	}
	orgID := ""
	if ref := r.URL.Query().Get("organization"); ref != "" {
		o, err := h.orgByRef(r, ref)
		if err != nil {
			return err
		}
		orgID = o.ID
	}
	p, err := events.List(r.Context(), h.Store, orgID, after, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// webhookJSON is a webhook as the API shows it; Secret only when made.
type webhookJSON struct {
	ID             string    `json:"id"`
	URL            string    `json:"url"`
	OrganizationID string    `json:"organization_id,omitempty"`
	Events         []string  `json:"events"`
	CreatedAt      time.Time `json:"created_at"`
	Secret         string    `json:"secret,omitempty"`
}

func webhookOut(wh store.Webhook) webhookJSON {
	types := wh.Types
	if types == nil {
		types = []string{}
	}
	return webhookJSON{ID: wh.ID, URL: wh.URL, OrganizationID: wh.OrgID, Events: types, CreatedAt: wh.CreatedAt}
}

type webhookIn struct {
	URL          string   `json:"url"`
	Organization string   `json:"organization"`
	Events       []string `json:"events"`
}

func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in webhookIn
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	orgID := ""
	if in.Organization != "" {
		o, err := h.orgByRef(r, in.Organization)
		if err != nil {
			return err
		}
		orgID = o.ID
	}
	wh, secret, err := h.Webhooks.Create(r.Context(), callerOf(r).actor(), in.URL, orgID, in.Events)
	var ve *events.ValidationError
	if errors.As(err, &ve) {
		return web.BadRequest(ve.Message + ".")
	}
	if err != nil {
		return err
	}
	out := webhookOut(wh)
	out.Secret = secret
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (h *Handler) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	hooks, err := h.Store.ListWebhooks(r.Context())
	if err != nil {
		return err
	}
	out := page[webhookJSON]{Data: []webhookJSON{}}
	for _, wh := range hooks {
		out.Data = append(out.Data, webhookOut(wh))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := h.Webhooks.Delete(r.Context(), callerOf(r).actor(), r.PathValue("webhook")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deliveryJSON is one entry of a webhook's delivery log.
type deliveryJSON struct {
	ID            string     `json:"id"`
	EventID       string     `json:"event_id"`
	EventType     string     `json:"event_type"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	StatusCode    int        `json:"status_code,omitempty"`
	Error         string     `json:"error,omitempty"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
}

func (h *Handler) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.Store.GetWebhook(r.Context(), r.PathValue("webhook"))
	if err != nil {
		return err
	}
	n, err := limit(r)
	if err != nil {
		return err
	}
	list, err := h.Store.ListWebhookDeliveries(r.Context(), wh.ID, n)
	if err != nil {
		return err
	}
	out := page[deliveryJSON]{Data: []deliveryJSON{}}
	for _, d := range list {
		j := deliveryJSON{ID: d.ID, EventID: d.Event.ID, EventType: d.Event.Type, State: d.State, Attempts: d.Attempts,
			StatusCode: d.StatusCode, Error: d.Error, LastAttemptAt: timeOrNil(d.LastAttemptAt)}
		if d.State == store.DeliveryPending {
			j.NextAttemptAt = timeOrNil(d.NextAttemptAt)
		}
		out.Data = append(out.Data, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) redeliver(w http.ResponseWriter, r *http.Request) error {
	err := h.Webhooks.Redeliver(r.Context(), r.PathValue("webhook"), r.PathValue("delivery"))
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
