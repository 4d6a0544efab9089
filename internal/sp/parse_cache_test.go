// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
)

func TestParseCache(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	k := keyOf("<md/>", "https://idp", "PEM", false)
	for _, other := range []parseKey{
		keyOf("<md />", "https://idp", "PEM", false),
		keyOf("<md/>", "https://idp2", "PEM", false),
		keyOf("<md/>", "https://idp", "PEM2", false),
		keyOf("<md/>", "https://idp", "PEM", true),
		keyOf("<md/>https://idp", "", "PEM", false), // fields do not run together
	} {
		if other == k {
			t.Fatal("different connections share a cache key")
		}
	}
	var c parseCache
	if _, ok := c.get(k, now); ok {
		t.Fatal("hit in an empty cache")
	}
	c.put(k, parsedConnection{metadata: &saml.EntityMetadata{ValidUntil: now.Add(2 * time.Hour)}, at: now})
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{now, true},
		{now.Add(59 * time.Minute), true},
		{now.Add(parseTTL), false},      // stale: parse again for fresh warnings
		{now.Add(-time.Second), false},  // clock went back
		{now.Add(3 * time.Hour), false}, // past validUntil: the full parse reports it
	} {
		if _, ok := c.get(k, tc.at); ok != tc.want {
			t.Errorf("get at %s = %v, want %v", tc.at.Sub(now), ok, tc.want)
		}
	}
	for i := range maxParseCacheEntries + 1 {
		c.put(keyOf(string(rune(i)), "", "", false), parsedConnection{metadata: &saml.EntityMetadata{}, at: now})
	}
	if len(c.entries) > maxParseCacheEntries {
		t.Errorf("cache holds %d entries, bound is %d", len(c.entries), maxParseCacheEntries)
	}
}

// TestParseCacheConcurrent is for -race: sign-ins share the cache.
func TestParseCacheConcurrent(t *testing.T) {
	var c parseCache
	now := time.Now()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := keyOf(string(rune(g*1000+i%10)), "", "", false)
				if _, ok := c.get(k, now); !ok {
					c.put(k, parsedConnection{metadata: &saml.EntityMetadata{}, at: now})
				}
			}
		})
	}
	wg.Wait()
	if len(c.entries) != 80 {
		t.Errorf("%d entries, want 80", len(c.entries))
	}
}
