// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/signet-sso/signet/internal/store"
)

// PageSize is how many rows a listing page shows.
const PageSize = 25

// Pager is what the "pager" partial shows: previous and next links that
// keep the search query.
type Pager struct {
	Query                          string
	Page, Pages, Total, Prev, Next int
}

// ListOptions reads the search (q, at most 100 bytes) and page number
// (page, from 1) of a listing request.
func ListOptions(r *http.Request) (opt store.ListOptions, page int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 100 {
		q = q[:100]
	}
	return store.ListOptions{Query: q, Limit: PageSize, Offset: (page - 1) * PageSize}, page
}

// NewPager is the pager of page n of a listing with total rows.
func NewPager(q string, n, total int) Pager {
	pages := max((total+PageSize-1)/PageSize, 1)
	p := Pager{Query: q, Page: n, Pages: pages, Total: total}
	if n > 1 {
		p.Prev = n - 1
	}
	if n < pages {
		p.Next = n + 1
	}
	return p
}
