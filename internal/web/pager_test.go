// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestListOptionsAndPager(t *testing.T) {
	for _, tc := range []struct {
		query                    string
		total                    int
		offset, page, prev, next int
	}{
		{"", 0, 0, 1, 0, 0},
		{"?page=-3", 60, 0, 1, 0, 2},
		{"?page=2", 60, PageSize, 2, 1, 3},
		{"?page=3", 60, 2 * PageSize, 3, 2, 0},
		{"?q=" + strings.Repeat("x", 300), 1, 0, 1, 0, 0},
	} {
		opt, n := ListOptions(httptest.NewRequest("GET", "/list"+tc.query, nil))
		p := NewPager(opt.Query, n, tc.total)
		if opt.Offset != tc.offset || n != tc.page || p.Prev != tc.prev || p.Next != tc.next || len(opt.Query) > 100 {
			t.Errorf("%.20s: offset %d page %d prev %d next %d (query %d bytes)", tc.query, opt.Offset, n, p.Prev, p.Next, len(opt.Query))
		}
	}
}
