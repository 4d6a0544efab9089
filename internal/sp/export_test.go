// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import "net/http"

// NewFetcherAllowingPrivate is for tests: the development escape hatch.
func NewFetcherAllowingPrivate() *http.Client { return NewFetcher(true) }

// ForgetSignInSetups is for tests: the ACS remembers no org's setup, as
// after a restart.
func (s *Service) ForgetSignInSetups() {
	s.setups.mu.Lock()
	defer s.setups.mu.Unlock()
	s.setups.entries, s.setups.bytes = nil, 0
}
