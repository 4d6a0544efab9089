// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

func testAPIKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Now()
	k := must(s.CreateAPIKey(ctx, store.APIKey{Name: "ci", KeyHash: "hash-1", CreatedAt: now}))
	if got := must(s.APIKeyByHash(ctx, "hash-1")); got.ID != k.ID || !got.RevokedAt.IsZero() || !got.LastUsedAt.IsZero() {
		t.Errorf("APIKeyByHash = %+v", got)
	}
	check(t, s.TouchAPIKey(ctx, k.ID, now))
	check(t, s.TouchAPIKey(ctx, k.ID, now.Add(10*time.Second))) // within the minute: not written
	if got := must(s.APIKeyByHash(ctx, "hash-1")); got.LastUsedAt.UnixMilli() != now.UnixMilli() {
		t.Errorf("last used = %v, want %v", got.LastUsedAt, now)
	}
	check(t, s.RevokeAPIKey(ctx, k.ID, now))
	mustNotFound(t, "RevokeAPIKey twice", s.RevokeAPIKey(ctx, k.ID, now))
	if got := must(s.APIKeyByHash(ctx, "hash-1")); got.RevokedAt.IsZero() {
		t.Error("revoked key reads as active")
	}
	_, err := s.APIKeyByHash(ctx, "hash-unknown")
	mustNotFound(t, "APIKeyByHash unknown", err)
	_, err = s.CreateAPIKey(ctx, store.APIKey{Name: "dup", KeyHash: "hash-1", CreatedAt: now})
	mustConflict(t, "duplicate key hash", err)
	if list := must(s.ListAPIKeys(ctx)); len(list) != 1 {
		t.Errorf("ListAPIKeys = %d", len(list))
	}
}

func testSetupLinks(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Now()
	acme := must(s.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil))
	beta := must(s.CreateOrg(ctx, store.Org{Slug: "beta", Name: "Beta", Plan: "growth"}, nil))
	l := must(s.CreateSetupLink(ctx, store.SetupLink{OrgID: acme.ID, TokenHash: "tok-1", CreatedBy: "cli", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	if got := must(s.SetupLinkByHash(ctx, "tok-1", now)); got.ID != l.ID || got.OrgID != acme.ID {
		t.Errorf("SetupLinkByHash = %+v", got)
	}
	_, err := s.SetupLinkByHash(ctx, "tok-1", now.Add(2*time.Hour))
	mustNotFound(t, "expired setup link", err)
	mustNotFound(t, "revoke through another org", s.RevokeSetupLink(ctx, beta.ID, l.ID, now))
	check(t, s.RevokeSetupLink(ctx, acme.ID, l.ID, now))
	_, err = s.SetupLinkByHash(ctx, "tok-1", now)
	mustNotFound(t, "revoked setup link", err)
	if list := must(s.ListSetupLinks(ctx, acme.ID)); len(list) != 1 || list[0].RevokedAt.IsZero() {
		t.Errorf("ListSetupLinks = %+v", list)
	}
	if list := must(s.ListSetupLinks(ctx, beta.ID)); len(list) != 0 {
		t.Errorf("another org's links = %+v", list)
	}
}
