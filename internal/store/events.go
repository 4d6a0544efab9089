// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// Event types of the Workspace's event log, as host apps read them.
const (
	EventSignInSucceeded     = "sso.signin.succeeded"
	EventSignInFailed        = "sso.signin.failed"
	EventUserCreated         = "dsync.user.created"
	EventUserUpdated         = "dsync.user.updated"
	EventUserDeactivated     = "dsync.user.deactivated"
	EventUserDeleted         = "dsync.user.deleted"
	EventGroupCreated        = "dsync.group.created"
	EventGroupUpdated        = "dsync.group.updated"
	EventGroupDeleted        = "dsync.group.deleted"
	EventGroupUserAdded      = "dsync.group.user_added"
	EventGroupUserRemoved    = "dsync.group.user_removed"
	EventConnectionActivated = "connection.activated"
	EventConnectionDeleted   = "connection.deleted"
	EventCertificateExpiring = "connection.certificate_expiring"
)

// EventTypes lists every event type, for validating subscriptions.
var EventTypes = []string{EventSignInSucceeded, EventSignInFailed, EventUserCreated, EventUserUpdated,
	EventUserDeactivated, EventUserDeleted, EventGroupCreated, EventGroupUpdated, EventGroupDeleted,
	EventGroupUserAdded, EventGroupUserRemoved, EventConnectionActivated, EventConnectionDeleted, EventCertificateExpiring}

// Event is one entry of the Workspace's durable event log. The store
// writes the events of a change in the transaction that makes it, so the
// log holds exactly the changes that were stored, in the order they were
// stored.
type Event struct {
	// Seq is the event's position in the log, strictly increasing; a
	// position is given only once every event before it is visible, so
	// "every event after Seq" is a cursor without gaps.
	Seq   int64
	ID    string // "evt_…": unique, for deduplication by receivers
	OrgID string
	Type  string
	At    time.Time
	Data  []byte // a JSON object: one of the Event… payloads below
	// Key, when set, makes the event happen at most once (the store
	// drops a second event with the same key).
	Key string
}

// EventUser is the payload of dsync.user.* events.
type EventUser struct {
	ID          string `json:"id"`        // the SCIM user's ID in Signet
	MemberID    string `json:"member_id"` // the org member it is linked to
	UserName    string `json:"user_name"`
	ExternalID  string `json:"external_id,omitempty"`
	Email       string `json:"email"`
	GivenName   string `json:"given_name,omitempty"`
	FamilyName  string `json:"family_name,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	Active      bool   `json:"active"`
	// PreviousEmail is set on an update that changed the email.
	PreviousEmail string `json:"previous_email,omitempty"`
}

// EventGroup is the payload of dsync.group.* events; the user_added and
// user_removed events also carry the user.
type EventGroup struct {
	ID          string     `json:"id"`
	DisplayName string     `json:"display_name"`
	ExternalID  string     `json:"external_id,omitempty"`
	User        *EventUser `json:"user,omitempty"`
}

// EventSignIn is the payload of sso.signin.* events.
type EventSignIn struct {
	AttemptID    string `json:"attempt_id"`
	ConnectionID string `json:"connection_id,omitempty"`
	Email        string `json:"email,omitempty"`
	Flow         string `json:"flow"`
	Code         string `json:"code,omitempty"` // the error code of a failure
	Message      string `json:"message"`
}

// EventConnection is the payload of connection.* events.
type EventConnection struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	IdPEntityID string `json:"idp_entity_id"`
	// Certificate and NotAfter name the expiring certificate (its
	// SHA-256 fingerprint) in connection.certificate_expiring.
	Certificate string    `json:"certificate,omitempty"`
	NotAfter    time.Time `json:"not_after,omitzero"`
}

// Events holds the Workspace's event log.
type Events interface {
	// AppendEvent adds an event that no other stored change carries (a
	// certificate about to expire). It reports false when an event with
	// e.Key exists already.
	AppendEvent(ctx context.Context, e Event) (bool, error)
	// EventsAfter lists up to limit events after the cursor (a Seq; 0
	// reads from the start), oldest first; orgID filters ("" every org).
	EventsAfter(ctx context.Context, orgID string, after int64, limit int) ([]Event, error)
	// PruneEvents deletes events older than cutoff (but not those a
	// pending webhook delivery still needs) and finished webhook
	// deliveries made before cutoff.
	PruneEvents(ctx context.Context, cutoff time.Time) (int64, error)
}
