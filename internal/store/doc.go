// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package store defines what Signet keeps: the Identity Center directory
// (users, groups, SAML applications, attribute mappings, assignments and
// signing keys), the Workspace (orgs, members, SSO connections), the SAML
// state that must be shared between replicas (outstanding AuthnRequest IDs
// and the assertion replay cache), sessions and the audit log.
//
// The package holds only the stored types, the sentinel errors and the
// [Store] interface. Backends live in sub-packages: [sqlstore] implements it
// for SQLite (the default) and PostgreSQL with the same SQL. Every backend
// must pass the conformance suite in storetest.
//
// Rules every backend follows:
//   - Lookups of a missing row return an error that wraps [ErrNotFound].
//   - Writes that would break a uniqueness rule (a username, a group name,
//     an application display name, an org slug, a member's email within an
//     org) return an error that wraps [ErrConflict].
//   - A method that writes several rows does so in one transaction: either
//     all of it happens or none of it.
//   - Update methods take a closure that receives the current row and
//     returns the new one; the read and the write happen in one
//     transaction, so concurrent updates never lose each other's changes.
//   - Methods that expire things take "now" as an argument; the store
//     never reads the clock.
package store
