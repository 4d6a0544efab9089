// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"testing"
)

type pgError string

func (e pgError) Error() string    { return "pg " + string(e) }
func (e pgError) SQLState() string { return string(e) }

func TestIsUnavailable(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{ErrNotFound, false},
		{ErrConflict, false},
		{errors.New("constraint failed"), false},
		{pgError("23505"), false}, // unique violation: a refusal, not an outage
		{fmt.Errorf("get org: %w", sql.ErrConnDone), true},
		{fmt.Errorf("get org: %w", context.DeadlineExceeded), true},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{fmt.Errorf("q: %w", pgError("57P01")), true},
		{pgError("08006"), true},
		{pgError("57014"), true},
		{errors.New("sql: database is closed"), true},
		{fmt.Errorf("x: %w", ErrUnavailable), true},
	} {
		if got := IsUnavailable(tt.err); got != tt.want {
			t.Errorf("IsUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
