// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import "net/http"

// NewFetcherAllowingPrivate is for tests: the development escape hatch.
func NewFetcherAllowingPrivate() *http.Client { return NewFetcher(true) }
