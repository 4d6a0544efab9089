// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

func testProvisioning(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	a := newApp(t, s, "Prov")
	check(t, s.PutProvisioning(ctx, store.Provisioning{AppID: a.ID, SCIMURL: "https://app.example/scim/v2", Token: []byte{1, 2, 0, 255}, Enabled: true}))
	p := must(s.GetProvisioning(ctx, a.ID))
	if string(p.Token) != string([]byte{1, 2, 0, 255}) || !p.Enabled {
		t.Errorf("provisioning = %+v", p)
	}
	check(t, s.RecordProvisioningRun(ctx, a.ID, now, "401 from the application"))
	if list := must(s.EnabledProvisionings(ctx)); len(list) != 1 || list[0].LastError == "" {
		t.Errorf("enabled = %+v", list)
	}
	check(t, s.PutProvisioned(ctx, store.Provisioned{AppID: a.ID, Kind: store.ProvisionedUserKind, LocalID: "u1", RemoteID: "r1", Fingerprint: "f", Active: true}))
	check(t, s.RepushProvisioned(ctx, a.ID, store.ProvisionedUserKind, "u1"))
	if list := must(s.ListProvisioned(ctx, a.ID, store.ProvisionedUserKind)); len(list) != 1 || list[0].Fingerprint != "" || list[0].RemoteID != "r1" {
		t.Errorf("provisioned = %+v", list)
	}
	mustNotFound(t, "repush of nothing", s.RepushProvisioned(ctx, a.ID, store.ProvisionedUserKind, "nobody"))
	check(t, s.DeleteProvisioned(ctx, a.ID, store.ProvisionedUserKind, "u1"))

	// Leases: one holder at a time, taken over once expired.
	if ok := must(s.TryLease(ctx, "w", "r1", now, now.Add(time.Minute))); !ok {
		t.Error("a free lease was not taken")
	}
	if ok := must(s.TryLease(ctx, "w", "r2", now.Add(time.Second), now.Add(time.Minute))); ok {
		t.Error("a held lease was taken by another")
	}
	if ok := must(s.TryLease(ctx, "w", "r1", now.Add(time.Second), now.Add(2*time.Minute))); !ok {
		t.Error("the holder could not renew")
	}
	if ok := must(s.TryLease(ctx, "w", "r2", now.Add(3*time.Minute), now.Add(4*time.Minute))); !ok {
		t.Error("an expired lease was not taken over")
	}
}
