// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"fmt"
	"sync"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/web"
)

// Anyone can post to an ACS, so what an attempt stores is bounded
// (SECURITY-CASES 88): a capped summary of the message, never the
// document; attempts whose message no trusted IdP signed are rate-limited
// per org and per source, counted when dropped, and kept only briefly.
const (
	// AttemptRetention is how long attempts are kept.
	AttemptRetention = 90 * 24 * time.Hour
	// UnverifiedRetention is how long unverified attempts are kept.
	UnverifiedRetention = 7 * 24 * time.Hour

	maxSummaryAttributes = 40
	maxSummaryValues     = 10
	maxSummaryText       = 256
)

// attemptGate decides which unverified attempts are recorded.
type attemptGate struct {
	once    sync.Once
	limit   *web.RateLimiter
	mu      sync.Mutex
	dropped map[string]int // by org ID, since the last recorded one
}

// admit reports whether an unverified attempt for org from source is
// recorded, and how many were dropped before it (when it is).
func (g *attemptGate) admit(org, source string) (bool, int) {
	g.once.Do(func() {
		g.limit = &web.RateLimiter{Every: 3 * time.Second, Burst: 20}
		g.dropped = map[string]int{}
	})
	ok := g.limit.Allow("org:"+org) && g.limit.Allow("src:"+source)
	g.mu.Lock()
	defer g.mu.Unlock()
	if !ok {
		if len(g.dropped) < 100_000 { // bounded, whatever the traffic
			g.dropped[org]++
		}
		return false, 0
	}
	n := g.dropped[org]
	delete(g.dropped, org)
	return true, n
}

// capSummary bounds what an attempt keeps of a message's summary. It
// copies what it bounds: the summary of a verified message shares its
// attributes with the assertion.
func capSummary(s *saml.Summary) {
	if s == nil {
		return
	}
	s.Issuer, s.Destination, s.Recipient = clip(s.Issuer), clip(s.Destination), clip(s.Recipient)
	s.NameID, s.NameIDFormat = clip(s.NameID), clip(s.NameIDFormat)
	s.Audience = clipAll(s.Audience)
	attrs := make([]saml.Attribute, min(len(s.Attributes), maxSummaryAttributes))
	for i := range attrs {
		a := s.Attributes[i]
		attrs[i] = saml.Attribute{Name: clip(a.Name), FriendlyName: clip(a.FriendlyName), NameFormat: clip(a.NameFormat), Values: clipAll(a.Values)}
	}
	s.Attributes = attrs
}

// clipAll returns a bounded copy of vs.
func clipAll(vs []string) []string {
	out := make([]string, min(len(vs), maxSummaryValues))
	for i := range out {
		out[i] = clip(vs[i])
	}
	return out
}

func clip(s string) string { return truncate(s, maxSummaryText) }

func droppedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d more unverified attempts before this one were not recorded: too many at once)", n)
}
