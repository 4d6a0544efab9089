// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import "errors"

var (
	// ErrNotFound means the requested row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write would break a uniqueness rule or a state
	// rule (for example a third signing key for an application).
	ErrConflict = errors.New("conflict")
	// ErrReplayed means a sign-in's assertion ID is in the replay cache
	// already: another sign-in used it first (RecordSignIn).
	ErrReplayed = errors.New("the assertion was used before")
	// ErrLastAdmin means the change would leave an org that has an admin
	// without one (UpdateMember, DeleteMember).
	ErrLastAdmin = errors.New("an organization needs at least one admin")
	// ErrSchemaTooNew means the database was migrated by a newer Signet
	// than this binary; running would risk corrupting it.
	ErrSchemaTooNew = errors.New("database schema is newer than this binary")
	// ErrSchemaBehind means migrations have not been applied yet.
	ErrSchemaBehind = errors.New("database schema is behind this binary")
)
