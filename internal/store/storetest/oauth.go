// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

func testOAuthClients(t *testing.T, s store.Store) {
	ctx := t.Context()
	c := must(s.CreateOAuthClient(ctx, store.OAuthClient{Name: "Host", SecretHash: "h1",
		RedirectURIs: []string{"https://app.example/cb", "http://127.0.0.1:5000/cb"}, CreatedAt: time.Now()}))
	got := must(s.GetOAuthClient(ctx, c.ID))
	if got.Name != "Host" || !slices.Equal(got.RedirectURIs, c.RedirectURIs) || got.Public {
		t.Errorf("GetOAuthClient = %+v", got)
	}
	must(s.UpdateOAuthClient(ctx, c.ID, func(x *store.OAuthClient) error { x.SecretHash = "h2"; return nil }))
	if got := must(s.GetOAuthClient(ctx, c.ID)); got.SecretHash != "h2" {
		t.Errorf("rotated secret hash = %q", got.SecretHash)
	}
	if list := must(s.ListOAuthClients(ctx)); len(list) != 1 {
		t.Errorf("ListOAuthClients = %d", len(list))
	}
	_, err := s.GetOAuthClient(ctx, "client_nope")
	mustNotFound(t, "GetOAuthClient unknown", err)
}

// oauthRequest saves an open request of a new client to a new org.
func oauthRequest(t *testing.T, s store.Store, slug string, now time.Time) store.OAuthRequest {
	ctx := t.Context()
	o := must(s.CreateOrg(ctx, store.Org{Slug: slug, Name: slug, Plan: "growth"}, nil))
	c := must(s.CreateOAuthClient(ctx, store.OAuthClient{Name: slug, RedirectURIs: []string{"https://a/cb"}, CreatedAt: now}))
	q := store.OAuthRequest{ID: "req-" + slug, ClientID: c.ID, OrgID: o.ID, RedirectURI: "https://a/cb", State: "st",
		Nonce: "n", Scopes: []string{"openid", "email"}, CodeChallenge: "cc", CodeChallengeMethod: "S256",
		CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)}
	check(t, s.SaveOAuthRequest(ctx, q))
	return q
}

func testOAuthRequests(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Now()
	q := oauthRequest(t, s, "oauth", now)
	got := must(s.GetOAuthRequest(ctx, q.ID, now))
	if got.Done || !slices.Equal(got.Scopes, q.Scopes) || got.CodeChallenge != "cc" {
		t.Errorf("GetOAuthRequest = %+v", got)
	}
	mustNotFound(t, "SetOAuthCode before sign-in", s.SetOAuthCode(ctx, q.ID, "code-early", now.Add(time.Minute)))
	mustNotFound(t, "CompleteOAuthRequest for another org", s.CompleteOAuthRequest(ctx, q.ID, "org_other", "sub", "{}", now, now))
	check(t, s.CompleteOAuthRequest(ctx, q.ID, q.OrgID, "sub-1", `{"email":"a@b"}`, now, now))
	mustNotFound(t, "CompleteOAuthRequest twice", s.CompleteOAuthRequest(ctx, q.ID, q.OrgID, "sub-2", "{}", now, now))
	check(t, s.SetOAuthCode(ctx, q.ID, "code-1", now.Add(time.Minute)))
	mustNotFound(t, "SetOAuthCode twice", s.SetOAuthCode(ctx, q.ID, "code-2", now.Add(time.Minute)))
	_, err := s.ConsumeOAuthCode(ctx, "code-1", now.Add(2*time.Minute))
	mustNotFound(t, "ConsumeOAuthCode expired", err)
	got = must(s.ConsumeOAuthCode(ctx, "code-1", now))
	if got.Subject != "sub-1" || !got.Done || got.Profile != `{"email":"a@b"}` {
		t.Errorf("ConsumeOAuthCode = %+v", got)
	}
	_, err = s.ConsumeOAuthCode(ctx, "code-1", now)
	mustNotFound(t, "ConsumeOAuthCode twice", err)

	tok := store.OAuthToken{ID: "tok-1", ClientID: q.ClientID, Subject: "sub-1", Scopes: []string{"openid"}, Profile: "{}", ExpiresAt: now.Add(time.Hour)}
	check(t, s.SaveOAuthToken(ctx, tok))
	if got := must(s.GetOAuthToken(ctx, "tok-1", now)); got.Subject != "sub-1" {
		t.Errorf("GetOAuthToken = %+v", got)
	}
	_, err = s.GetOAuthToken(ctx, "tok-1", now.Add(2*time.Hour))
	mustNotFound(t, "GetOAuthToken expired", err)
	if n := must(s.PruneOAuth(ctx, now.Add(2*time.Hour))); n != 1 {
		t.Errorf("PruneOAuth = %d, want the token", n)
	}
}

func testConcurrentCodeRedemption(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Now()
	q := oauthRequest(t, s, "race", now)
	check(t, s.CompleteOAuthRequest(ctx, q.ID, q.OrgID, "sub", "{}", now, now))
	check(t, s.SetOAuthCode(ctx, q.ID, "code-race", now.Add(time.Minute)))
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := s.ConsumeOAuthCode(context.Background(), "code-race", now); err == nil {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("20 concurrent redemptions of one code: %d succeeded, want 1", wins.Load())
	}
}
