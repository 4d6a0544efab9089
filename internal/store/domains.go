// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// Domain is an email domain an org claims. It is verified while the DNS
// TXT record carrying Token is seen at the domain; a verified domain routes
// sign-ins to its org and makes the org's IdP authoritative for its emails.
type Domain struct {
	OrgID  string
	Domain string // lower case, ASCII (IDNA) form
	// Token is the value the TXT record must carry. It is not a secret:
	// it proves control of the domain's DNS, not of a Signet account.
	Token      string
	CreatedAt  time.Time
	VerifiedAt time.Time // zero: not verified
	CheckedAt  time.Time // the last DNS check; zero: never checked
	CheckError string    // what the last check found wrong, in plain words
	// ConnectionID is the SSO connection people at the domain sign in
	// through ("": the org's primary one, or their choice when it has
	// several).
	ConnectionID string
}

// Verified reports whether the org holds the domain verified.
func (d Domain) Verified() bool { return !d.VerifiedAt.IsZero() }

// DomainCheck is the outcome of one DNS check of a domain.
type DomainCheck struct {
	At    time.Time
	Found bool   // the TXT record was seen
	Error string // when not found: what went wrong, in plain words
	// Keep leaves the verified state as it was (the lookup failed for a
	// reason that says nothing about the record, such as a timeout).
	Keep bool
}

// Domains holds the orgs' claimed email domains.
type Domains interface {
	// AddDomain stores an unverified claim; ErrConflict if the org has
	// claimed the domain already.
	AddDomain(ctx context.Context, d Domain) (Domain, error)
	GetDomain(ctx context.Context, orgID, domain string) (Domain, error)
	ListDomains(ctx context.Context, orgID string) ([]Domain, error)
	DeleteDomain(ctx context.Context, orgID, domain string) error
	// SetDomainConnection routes the domain to one of the org's
	// connections ("" for none); ErrNotFound if the org has no such
	// domain or connection.
	SetDomainConnection(ctx context.Context, orgID, domain, connectionID string) (Domain, error)
	// RecordDomainCheck stores a check's outcome: found verifies the claim
	// (keeping the first verification time), not found unverifies it
	// unless Keep. ErrConflict if another org holds the domain verified.
	RecordDomainCheck(ctx context.Context, orgID, domain string, c DomainCheck) (Domain, error)
	// VerifiedDomain returns the claim holding the domain verified, or
	// ErrNotFound.
	VerifiedDomain(ctx context.Context, domain string) (Domain, error)
	// DomainsToCheck lists up to limit claims last checked before cutoff,
	// oldest check first.
	DomainsToCheck(ctx context.Context, cutoff time.Time, limit int) ([]Domain, error)
}
