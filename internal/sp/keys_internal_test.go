// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"crypto/x509"
	"path/filepath"
	"testing"

	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
)

// TestUnusableOrgKeyDoesNotBlockSignIn: if the org's SP key cannot be
// unsealed (the server's secret key changed), the verifier is still made,
// without a decryption key: only encrypted assertions fail.
func TestUnusableOrgKeyDoesNotBlockSignIn(t *testing.T) {
	ctx := t.Context()
	st, err := sqlstore.Open(ctx, sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o, err := st.CreateOrg(ctx, store.Org{Slug: "acme", Name: "Acme", Plan: "growth"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sealer := func(key string) *secret.Sealer {
		s, err := secret.NewSealer(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := &Service{Store: st, BaseURL: "https://sp.example", Sealer: sealer("the first secret key, 32 bytes or more")}
	kp, ok, err := before.OrgKey(ctx, o)
	if !ok || err != nil {
		t.Fatalf("OrgKey = %v, %v", ok, err)
	}
	after := &Service{Store: st, BaseURL: "https://sp.example", Sealer: sealer("another secret key, 32 bytes or more")}
	if _, _, err := after.OrgKey(ctx, o); err == nil {
		t.Fatal("a key sealed under another secret was opened")
	}
	v, err := after.verifier(ctx, o, &Connection{SSOConnection: store.SSOConnection{IdPEntityID: "https://idp.example"},
		trusted: []*x509.Certificate{kp.Certificate}}, orgRequests{}, nil) // any certificate will do here
	if err != nil || v == nil || len(v.DecryptionKeys) != 0 {
		t.Errorf("verifier = %v, %v; want one without decryption keys", v, err)
	}
}
