// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// Provisioning is an application's SCIM 2.0 target: the Identity Center
// pushes the people and groups assigned to the application there.
type Provisioning struct {
	AppID     string
	SCIMURL   string // the base URL, without a trailing slash
	Token     []byte // the bearer token, sealed; never plaintext
	Enabled   bool
	UpdatedAt time.Time
	LastRunAt time.Time
	LastError string // what stopped the last run as a whole (a refused token, an unreachable URL)
}

// Kinds of provisioned resources.
const (
	ProvisionedUserKind  = "user"
	ProvisionedGroupKind = "group"
)

// Provisioned is what was last pushed to an application for one of the
// Identity Center's users or groups.
type Provisioned struct {
	AppID, Kind, LocalID string
	RemoteID             string // the resource's ID at the application
	Fingerprint          string // of the resource as last pushed; "" pushes it again
	Active               bool   // a user: active at the application
	Error                string // the last push's failure, "" after a success
	Attempts             int    // failures in a row
	RetryAt              time.Time
	PushedAt             time.Time
}

// Provisionings holds the Identity Center's provisioning to applications.
type Provisionings interface {
	PutProvisioning(ctx context.Context, p Provisioning) error
	GetProvisioning(ctx context.Context, appID string) (Provisioning, error)
	// EnabledProvisionings lists the applications provisioning is on for.
	EnabledProvisionings(ctx context.Context) ([]Provisioning, error)
	RecordProvisioningRun(ctx context.Context, appID string, at time.Time, runErr string) error

	ListProvisioned(ctx context.Context, appID, kind string) ([]Provisioned, error)
	PutProvisioned(ctx context.Context, p Provisioned) error
	DeleteProvisioned(ctx context.Context, appID, kind, localID string) error
	// RepushProvisioned clears the fingerprint and retry time, so the next
	// run pushes the resource again ("Push now").
	RepushProvisioned(ctx context.Context, appID, kind, localID string) error

	// TryLease takes or renews the named lease for holder until
	// expiresAt, unless another holder has it unexpired at now.
	TryLease(ctx context.Context, name, holder string, now, expiresAt time.Time) (bool, error)
}
