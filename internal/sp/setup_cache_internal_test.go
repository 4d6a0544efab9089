// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/store"
)

// TestSetupCacheBounds: the cache keeps only setups with a connection,
// never holds more than its byte budget however many orgs sign in, and
// forgets what it is told to.
func TestSetupCacheBounds(t *testing.T) {
	var c setupCache
	c.put("empty", store.SignInSetup{Org: store.Org{Slug: "empty"}})
	if _, ok := c.get("empty"); ok {
		t.Error("a setup without connections was kept")
	}
	metadata := strings.Repeat("m", 100<<10) // a large IdP metadata document
	setup := func(slug string) store.SignInSetup {
		return store.SignInSetup{Org: store.Org{Slug: slug}, Connections: []store.SSOConnection{{MetadataXML: metadata}}}
	}
	const orgs = 2000 // about 200 MiB of setups
	for i := range orgs {
		c.put(fmt.Sprint("org-", i), setup(fmt.Sprint("org-", i)))
		if c.bytes > maxSetupCacheBytes {
			t.Fatalf("after %d orgs the cache holds %d bytes, over %d", i+1, c.bytes, maxSetupCacheBytes)
		}
	}
	sum := 0
	for slug, s := range c.entries {
		sum += setupSize(slug, s)
	}
	if sum != c.bytes || len(c.entries) == 0 || len(c.entries) == orgs {
		t.Errorf("%d entries of %d bytes, counted %d", len(c.entries), sum, c.bytes)
	}
	last := fmt.Sprint("org-", orgs-1)
	if _, ok := c.get(last); !ok {
		t.Errorf("the newest setup (%s) is not kept", last)
	}
	c.put(last, setup(last)) // again: replaces, not adds
	if sum2 := c.bytes; sum2 != sum {
		t.Errorf("putting %s again changed the size from %d to %d", last, sum, sum2)
	}
	c.drop(last)
	if _, ok := c.get(last); ok {
		t.Errorf("%s is still kept after drop", last)
	}
	c.put("huge", store.SignInSetup{Connections: []store.SSOConnection{{MetadataXML: strings.Repeat("x", maxSetupCacheBytes)}}})
	if _, ok := c.get("huge"); ok || len(c.entries) == 0 {
		t.Errorf("a setup larger than the whole cache: kept %v, %d others left", ok, len(c.entries))
	}
}
