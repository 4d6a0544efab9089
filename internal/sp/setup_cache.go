// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"sync"

	"github.com/signet-sso/signet/internal/store"
)

// setupCache remembers orgs' sign-in setups (Store.GetSignInSetup) between
// sign-ins, so that a sign-in usually reads nothing before verifying; on
// PostgreSQL that is a round trip fewer. A remembered setup is never
// trusted on its own: consume compares its version with the one the
// sign-in's lookup reads from the database (store.SignInLookup), before
// anything is written, and ConsumeResponse decides again on a fresh read
// whenever they differ or the sign-in ended before that comparison. The
// database raises the version with every change to the org, its
// connections or its role mapping (sqlstore's triggers), so a remembered
// setup can make no decision that the stored one would not.
//
// Only setups with a connection are kept (only a stored org's, so requests
// for unknown slugs add nothing), and their size is bounded: when full,
// arbitrary entries go.
type setupCache struct {
	mu      sync.Mutex
	entries map[string]store.SignInSetup // by the slug they were read with
	bytes   int
}

// maxSetupCacheBytes bounds the memory the cache's setups take (their
// metadata and certificates, mostly): 64 MiB hold about 15,000 orgs whose
// IdP metadata is a few kilobytes.
const maxSetupCacheBytes = 64 << 20

func (c *setupCache) get(slug string) (store.SignInSetup, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	setup, ok := c.entries[slug]
	return setup, ok
}

func (c *setupCache) put(slug string, setup store.SignInSetup) {
	size := setupSize(slug, setup)
	if len(setup.Connections) == 0 || size > maxSetupCacheBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]store.SignInSetup)
	}
	c.removeLocked(slug)
	for k := range c.entries {
		if c.bytes+size <= maxSetupCacheBytes {
			break
		}
		c.removeLocked(k)
	}
	c.entries[slug] = setup
	c.bytes += size
}

func (c *setupCache) drop(slug string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(slug)
}

func (c *setupCache) removeLocked(slug string) {
	if old, ok := c.entries[slug]; ok {
		c.bytes -= setupSize(slug, old)
		delete(c.entries, slug)
	}
}

// setupSize is roughly the memory a remembered setup takes.
func setupSize(slug string, s store.SignInSetup) int {
	n := 512 + len(slug) + len(s.Org.Name) + len(s.RoleMapping.Attribute)
	for _, r := range s.RoleMapping.Rules {
		n += 64 + len(r.Value) + len(r.Label)
	}
	for _, c := range s.Connections {
		n += 512 + len(c.MetadataXML) + len(c.CertificatesPEM) + len(c.IdPEntityID) + len(c.MetadataURL) + len(c.RefreshError) +
			len(c.Name) + len(c.HostAppRedirectURI)
	}
	return n
}

// signInSetup returns the org's sign-in setup: a remembered one when
// allowed and there is one (remembered true), else a fresh read, which is
// remembered for the next sign-in.
func (s *Service) signInSetup(ctx context.Context, slug string, allowRemembered bool) (setup store.SignInSetup, remembered bool, err error) {
	if allowRemembered {
		if setup, ok := s.setups.get(slug); ok {
			return setup, true, nil
		}
	}
	setup, err = s.Store.GetSignInSetup(ctx, slug)
	if err != nil {
		return store.SignInSetup{}, false, err
	}
	s.setups.put(slug, setup)
	return setup, false, nil
}
