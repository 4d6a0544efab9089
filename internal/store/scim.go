// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// SCIMUser is a person an org's IdP provisioned over SCIM 2.0. It is
// linked to the org's member with its email.
type SCIMUser struct {
	ID, OrgID, MemberID   string
	UserName, ExternalID  string
	Email                 string // the primary (or first) email; the member's email
	GivenName, FamilyName string
	DisplayName           string
	Active                bool
	CreatedAt, UpdatedAt  time.Time
	Version               int64 // counts the changes: the resource's ETag
}

// SCIMGroup is a group an org's IdP provisioned over SCIM 2.0.
type SCIMGroup struct {
	ID, OrgID               string
	DisplayName, ExternalID string
	Members                 []string // SCIM user IDs, sorted
	CreatedAt, UpdatedAt    time.Time
	Version                 int64
}

// SCIM holds each org's directory sync: its bearer token, and the users
// and groups its IdP pushed.
type SCIM interface {
	// SetSCIMToken replaces the org's SCIM token with one of this hash.
	SetSCIMToken(ctx context.Context, orgID, tokenHash string, at time.Time) error
	// SCIMTokenOrg returns the ID of the org whose token has this hash,
	// and records its use; ErrNotFound if none.
	SCIMTokenOrg(ctx context.Context, tokenHash string, at time.Time) (string, error)
	// SCIMTokenCreated returns when the org's token was made (zero: none).
	SCIMTokenCreated(ctx context.Context, orgID string) (time.Time, error)

	// PutSCIMUser creates (u.ID empty) or replaces a SCIM user and, in
	// the same transaction, its member: the org's member with u.Email
	// (created with role if there is none), whose email follows u.Email
	// and who is Deactivated unless u.Active; a deactivated member's
	// sessions are deleted. ErrConflict if the userName is taken in the
	// org, or the email is another SCIM user's or another member's.
	PutSCIMUser(ctx context.Context, u SCIMUser, role string) (SCIMUser, error)
	GetSCIMUser(ctx context.Context, orgID, id string) (SCIMUser, error)
	// ListSCIMUsers lists the org's SCIM users by creation.
	ListSCIMUsers(ctx context.Context, orgID string) ([]SCIMUser, error)
	// DeleteSCIMUser deletes the SCIM user and deactivates its member
	// (deleting the member's sessions), in one transaction.
	DeleteSCIMUser(ctx context.Context, orgID, id string) error

	// PutSCIMGroup creates (g.ID empty) or replaces a group with its
	// members, who must be the org's SCIM users (ErrNotFound otherwise).
	// ErrConflict if the display name is taken in the org.
	PutSCIMGroup(ctx context.Context, g SCIMGroup) (SCIMGroup, error)
	GetSCIMGroup(ctx context.Context, orgID, id string) (SCIMGroup, error)
	ListSCIMGroups(ctx context.Context, orgID string) ([]SCIMGroup, error)
	DeleteSCIMGroup(ctx context.Context, orgID, id string) error
	// SCIMUserGroups lists the display names of the user's groups.
	SCIMUserGroups(ctx context.Context, orgID, userID string) ([]string, error)
}

// SCIMRequest is one authenticated request to an org's SCIM server, for
// the org admin's request log.
type SCIMRequest struct {
	OrgID    string
	At       time.Time
	Method   string
	Path     string // below /scim/v2/{org}, without the query
	Status   int
	SCIMType string // the SCIM error's scimType, if any
	Detail   string // what happened, in plain words
}

// SCIMRequestLog keeps each org's recent SCIM requests.
type SCIMRequestLog interface {
	// AppendSCIMRequest records a request and keeps only the org's newest
	// MaxSCIMRequests.
	AppendSCIMRequest(ctx context.Context, r SCIMRequest) error
	// ListSCIMRequests lists the org's requests, newest first.
	ListSCIMRequests(ctx context.Context, orgID string, limit int) ([]SCIMRequest, error)
}

// MaxSCIMRequests is how many requests the log keeps per org.
const MaxSCIMRequests = 200
