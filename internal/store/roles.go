// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// RoleMapping gives Workspace roles from the values of one attribute of
// the org's IdP assertions (such as groups or memberOf): the first rule
// whose value the person has wins; people who match none get DefaultRole.
// With no rules it does nothing.
type RoleMapping struct {
	OrgID       string
	Attribute   string
	DefaultRole string
	Rules       []RoleRule
	UpdatedAt   time.Time
}

// RoleRule maps one attribute value (a group name, or an ID such as Entra
// ID's group object IDs, with Label to say what it is) to a role.
type RoleRule struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
	Role  string `json:"role"`
}

// RoleMappings holds the orgs' roles-from-groups mappings.
type RoleMappings interface {
	// GetRoleMapping returns the org's mapping; one with no rules if none
	// was saved.
	GetRoleMapping(ctx context.Context, orgID string) (RoleMapping, error)
	// UpdateRoleMapping reads, changes with fn and writes the org's
	// mapping in one transaction.
	UpdateRoleMapping(ctx context.Context, orgID string, fn func(*RoleMapping) error) (RoleMapping, error)
}

// SSOParticipant is an application that received an assertion in an
// access-portal session: single logout ends its session too.
type SSOParticipant struct {
	SessionID    string // the portal session's ID
	AppID        string
	NameID       string
	NameIDFormat string
	SessionIndex string
	ExpiresAt    time.Time // the portal session's end
	// AnswerTo is set on the application that started a sign-out chain:
	// the ID of its LogoutRequest, answered (with AnswerRelayState) once
	// the other applications were visited.
	AnswerTo, AnswerRelayState string
}

// SSOParticipants holds the applications of each portal session.
type SSOParticipants interface {
	// AddSSOParticipant records (or replaces) an application of a session.
	AddSSOParticipant(ctx context.Context, p SSOParticipant) error
	// TakeSSOParticipants deletes and returns the session's applications,
	// so one sign-out visits each once.
	TakeSSOParticipants(ctx context.Context, sessionID string) ([]SSOParticipant, error)
	// PruneSSOParticipants deletes those of sessions ended by now.
	PruneSSOParticipants(ctx context.Context, now time.Time) (int64, error)
}
