// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

func testMFA(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ann := must(s.CreateUser(ctx, store.User{Username: "ann", Email: "ann@example.com", Active: true}))
	ben := must(s.CreateUser(ctx, store.User{Username: "ben", Email: "ben@example.com", Active: true}))

	if v := must(s.IdPSetting(ctx, "mfa.prompt")); v != "" {
		t.Errorf("unset setting = %q", v)
	}
	check(t, s.PutIdPSetting(ctx, "mfa.prompt", "always", now))
	check(t, s.PutIdPSetting(ctx, "mfa.prompt", "context", now))
	if v := must(s.IdPSetting(ctx, "mfa.prompt")); v != "context" {
		t.Errorf("setting = %q", v)
	}

	d := must(s.AddMFADevice(ctx, store.MFADevice{UserID: ann.ID, Kind: store.MFATOTP, Name: "Phone", Secret: []byte("sealed"), CreatedAt: now}))
	must(s.AddMFADevice(ctx, store.MFADevice{UserID: ann.ID, Kind: store.MFATOTP, Name: "Tablet", Secret: []byte("sealed2"), CreatedAt: now.Add(time.Second)}))
	if list := must(s.ListMFADevices(ctx, ann.ID)); len(list) != 2 || list[0].Name != "Phone" || string(list[0].Secret) != "sealed" {
		t.Errorf("devices = %+v", list)
	}
	mustNotFound(t, "another user's device", s.DeleteMFADevice(ctx, ben.ID, d.ID))

	// A step is accepted once; earlier steps never again; concurrent
	// uses of one step succeed once.
	if !must(s.UseTOTPStep(ctx, d.ID, 100, now)) || must(s.UseTOTPStep(ctx, d.ID, 100, now)) || must(s.UseTOTPStep(ctx, d.ID, 99, now)) {
		t.Error("a TOTP step was accepted twice, or an earlier one after it")
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := s.UseTOTPStep(ctx, d.ID, 101, now); err == nil && ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("step 101 accepted %d times", wins.Load())
	}
	check(t, s.DeleteMFADevice(ctx, ann.ID, d.ID))

	// WebAuthn credentials are unique across users; the counter updates.
	key := must(s.AddMFADevice(ctx, store.MFADevice{UserID: ann.ID, Kind: store.MFAWebAuthn, Name: "Key", CredentialID: "cred-1", Credential: []byte(`{"n":1}`), CreatedAt: now}))
	_, err := s.AddMFADevice(ctx, store.MFADevice{UserID: ben.ID, Kind: store.MFAWebAuthn, Name: "Key", CredentialID: "cred-1", CreatedAt: now})
	mustConflict(t, "a credential registered twice", err)
	check(t, s.UpdateMFACredential(ctx, key.ID, []byte(`{"n":2}`), now.Add(time.Minute)))
	for _, got := range must(s.ListMFADevices(ctx, ann.ID)) {
		if got.ID == key.ID && (string(got.Credential) != `{"n":2}` || got.CredentialID != "cred-1" || !got.LastUsedAt.Equal(now.Add(time.Minute))) {
			t.Errorf("updated credential = %+v", got)
		}
	}

	c := store.MFAChallenge{TokenHash: "h1", UserID: ann.ID, Realm: store.RealmPortal, State: `{"next":"/portal"}`, ExpiresAt: now.Add(5 * time.Minute)}
	check(t, s.CreateMFAChallenge(ctx, c))
	if got := must(s.GetMFAChallenge(ctx, "h1", now)); got.UserID != ann.ID || got.State != c.State || got.Attempts != 0 {
		t.Errorf("challenge = %+v", got)
	}
	check(t, s.SetMFACeremony(ctx, "h1", "ceremony-1"))
	if got := must(s.TakeMFACeremony(ctx, "h1")); got != "ceremony-1" {
		t.Errorf("ceremony = %q", got)
	}
	if got := must(s.TakeMFACeremony(ctx, "h1")); got != "" {
		t.Errorf("a ceremony was taken twice: %q", got)
	}
	_, err = s.GetMFAChallenge(ctx, "h1", now.Add(5*time.Minute))
	mustNotFound(t, "an expired challenge", err)
	if n := must(s.FailMFAChallenge(ctx, "h1")); n != 1 {
		t.Errorf("attempts = %d", n)
	}
	if got := must(s.GetMFAChallenge(ctx, "h1", now)); got.Attempts != 1 {
		t.Errorf("challenge after a failure = %+v", got)
	}
	check(t, s.DeleteMFAChallenge(ctx, "h1"))
	_, err = s.GetMFAChallenge(ctx, "h1", now)
	mustNotFound(t, "a deleted challenge", err)

	if must(s.KnownBrowser(ctx, ann.ID, "b1")) {
		t.Error("an unknown browser is known")
	}
	check(t, s.RememberBrowser(ctx, ann.ID, "b1", now))
	check(t, s.RememberBrowser(ctx, ann.ID, "b1", now.Add(time.Hour)))
	if !must(s.KnownBrowser(ctx, ann.ID, "b1")) || must(s.KnownBrowser(ctx, ben.ID, "b1")) {
		t.Error("known browsers are not per user")
	}
	check(t, s.CreateMFAChallenge(ctx, store.MFAChallenge{TokenHash: "h2", UserID: ben.ID, Realm: store.RealmAdmin, State: "{}", ExpiresAt: now}))
	if n := must(s.PruneMFA(ctx, now, now.Add(2*time.Hour))); n != 2 {
		t.Errorf("pruned %d, want the expired challenge and the stale browser", n)
	}
	// Recovery codes: replaced as a set, each used once.
	check(t, s.SetRecoveryCodes(ctx, ann.ID, []string{"r1", "r2", "r3"}))
	check(t, s.SetRecoveryCodes(ctx, ann.ID, []string{"r4", "r5"}))
	if used, _, _ := s.UseRecoveryCode(ctx, ann.ID, "r1"); used {
		t.Error("a replaced recovery code was accepted")
	}
	if used, left, err := s.UseRecoveryCode(ctx, ann.ID, "r4"); !used || left != 1 || err != nil {
		t.Errorf("UseRecoveryCode = %v, %d, %v", used, left, err)
	}
	if used, _, _ := s.UseRecoveryCode(ctx, ann.ID, "r4"); used {
		t.Error("a recovery code was used twice")
	}
	if used, _, _ := s.UseRecoveryCode(ctx, ben.ID, "r5"); used {
		t.Error("another user's recovery code was accepted")
	}
	if n := must(s.CountRecoveryCodes(ctx, ann.ID)); n != 1 {
		t.Errorf("%d codes left", n)
	}
	// A deleted user takes their devices with them.
	must(s.AddMFADevice(ctx, store.MFADevice{UserID: ben.ID, Kind: store.MFATOTP, Name: "Phone", CreatedAt: now}))
	check(t, s.DeleteUser(ctx, ben.ID))
	if list := must(s.ListMFADevices(ctx, ben.ID)); len(list) != 0 {
		t.Errorf("a deleted user's devices remain: %+v", list)
	}
}
