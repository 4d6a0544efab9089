// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strings"
)

// ErrUnavailable means the database cannot be reached right now. Callers
// answer 503 with Retry-After; nothing was changed.
var ErrUnavailable = errors.New("the database is unavailable")

// IsUnavailable reports whether err means the database could not be
// reached or did not answer in time (an outage, a restart, a stall) rather
// than refused the request: a closed pool, a broken or refused connection,
// a deadline, PostgreSQL's connection-exception and shutdown states.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		switch state := coded.SQLState(); {
		case strings.HasPrefix(state, "08"), // connection exception
			state == "57P01", state == "57P02", state == "57P03", // shutdown, crash, cannot connect now
			state == "57014", // statement timeout (query_canceled)
			state == "53300": // too many connections
			return true
		}
	}
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "database is locked") ||
		strings.Contains(msg, "conn closed") || strings.Contains(msg, "unexpected EOF")
}
