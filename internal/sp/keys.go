// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// spKeyValidity is how long an org's SP certificate is valid. IdPs rarely
// check an SP certificate's dates, and rotating it means every IdP must
// re-read the SP metadata, so it is long.
const spKeyValidity = 10 * 365 * 24 * time.Hour

// orgKeys keeps unsealed org key pairs in memory; they never change once
// made, so an entry is good for the life of the process.
type orgKeys struct {
	m      sync.Map           // org ID → saml.KeyPair
	making singleflight.Group // org ID → the key being made
}

// OrgKey returns the org's SP key pair, making it on first use: it
// decrypts assertions the IdP encrypts to the org and signs AuthnRequests
// for IdPs that want them signed. Without a Sealer there is none (ok false).
func (s *Service) OrgKey(ctx context.Context, o store.Org) (kp saml.KeyPair, ok bool, err error) {
	if s.Sealer == nil {
		return saml.KeyPair{}, false, nil
	}
	if v, hit := s.keys.m.Load(o.ID); hit {
		return v.(saml.KeyPair), true, nil
	}
	k, err := s.Store.GetSPKey(ctx, o.ID)
	if errors.Is(err, store.ErrNotFound) {
		// Concurrent first uses in this process make one key; replicas
		// racing each other agree through AddSPKeyIfAbsent.
		v, gerr, _ := s.keys.making.Do(o.ID, func() (any, error) { return s.newOrgKey(ctx, o) })
		k, _ = v.(store.SPKey)
		err = gerr
	}
	if err != nil {
		return saml.KeyPair{}, false, err
	}
	der, err := s.Sealer.Open(k.PrivateKey)
	if err != nil {
		return saml.KeyPair{}, false, fmt.Errorf("unseal the SP key of org %s: %w", o.Slug, err)
	}
	signer, err := saml.ParsePrivateKey(der)
	if err != nil {
		return saml.KeyPair{}, false, err
	}
	certs, err := saml.ParseCertificatesPEM(k.CertificatePEM)
	if err != nil || len(certs) != 1 {
		return saml.KeyPair{}, false, fmt.Errorf("the SP certificate of org %s: %v", o.Slug, err)
	}
	kp = saml.KeyPair{Signer: signer, Certificate: certs[0]}
	s.keys.m.Store(o.ID, kp)
	return kp, true, nil
}

// newOrgKey makes and stores an RSA-2048 key pair for the org; if another
// request stored one first, that one is returned.
func (s *Service) newOrgKey(ctx context.Context, o store.Org) (store.SPKey, error) {
	now := s.now()
	kp, err := saml.GenerateKeyPair(s.rand(), saml.KeyRSA2048, "Signet Workspace "+o.Slug, now.Add(-5*time.Minute), spKeyValidity)
	if err != nil {
		return store.SPKey{}, err
	}
	der, err := saml.MarshalPrivateKey(kp.Signer)
	if err != nil {
		return store.SPKey{}, err
	}
	k, err := s.Store.AddSPKeyIfAbsent(ctx, store.SPKey{OrgID: o.ID, CertificatePEM: kp.CertificatePEM(),
		PrivateKey: s.Sealer.Seal(der), CreatedAt: now})
	if err == nil && s.Log != nil {
		s.Log.InfoContext(ctx, "created the org's SP key pair", "org", o.Slug)
	}
	return k, err
}

// decrypters returns the org's key as a decrypter for the verifier.
func (s *Service) decrypters(ctx context.Context, o store.Org) ([]crypto.Decrypter, error) {
	kp, ok, err := s.OrgKey(ctx, o)
	if err != nil || !ok {
		return nil, err
	}
	d, isDecrypter := kp.Signer.(crypto.Decrypter)
	if !isDecrypter {
		return nil, nil
	}
	return []crypto.Decrypter{d}, nil
}
