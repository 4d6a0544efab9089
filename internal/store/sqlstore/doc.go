// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package sqlstore implements [store.Store] on SQLite (modernc.org/sqlite,
// pure Go) and PostgreSQL (pgx v5 through database/sql) with one body of
// SQL. Queries use $1, $2… placeholders, which both drivers accept;
// timestamps are Unix milliseconds; the few differences between the two
// databases (row locks, error codes) live in a [flavor].
//
// Migrations are embedded and versioned with goose. [Open] applies pending
// migrations when asked and refuses a database whose schema is newer than
// this binary.
package sqlstore
