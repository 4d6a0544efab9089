// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/signet-sso/signet/internal/store"
)

// keyCacheTTL is how long a replica signs with the key it last read
// before looking for a newer one (a rotation on another replica).
const keyCacheTTL = time.Minute

// signingKey is one ID-token key, unsealed.
type signingKey struct {
	id  string
	alg jose.SignatureAlgorithm
	key crypto.Signer
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return k.alg }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

// publicKey is a key as JWKS publishes it.
type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return k.alg }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.key.Public() }

// keyRing signs with the newest stored key and publishes every stored key,
// so tokens signed before a rotation still verify.
type keyRing struct {
	p       *Provider
	mu      sync.Mutex
	current *signingKey
	readAt  time.Time
}

// signing returns the newest key, creating the first one if there is none.
func (r *keyRing) signing(ctx context.Context) (op.SigningKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current != nil && r.p.now().Sub(r.readAt) < keyCacheTTL {
		return *r.current, nil
	}
	keys, err := r.load(ctx)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		if err := r.p.createKey(ctx); err != nil {
			return nil, err
		}
		// Read back: replicas racing to make the first key all sign with
		// the same (newest) one.
		if keys, err = r.load(ctx); err != nil || len(keys) == 0 {
			return nil, errors.Join(err, errors.New("no OpenID Connect signing key"))
		}
	}
	r.current, r.readAt = &keys[0], r.p.now()
	return keys[0], nil
}

// published is the JWKS: every stored key, read fresh, so a key another
// replica made is verifiable at once.
func (r *keyRing) published(ctx context.Context) ([]op.Key, error) {
	keys, err := r.load(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, len(keys))
	for i, k := range keys {
		out[i] = publicKey{k}
	}
	return out, nil
}

func (r *keyRing) load(ctx context.Context) ([]signingKey, error) {
	stored, err := r.p.Store.ListOIDCKeys(ctx)
	if err != nil {
		return nil, err
	}
	var out []signingKey
	for _, k := range stored {
		sealed, err := base64.StdEncoding.DecodeString(k.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("OIDC key %s: %w", k.ID, err)
		}
		der, err := r.p.Sealer.Open(sealed)
		if err != nil {
			return nil, fmt.Errorf("OIDC key %s: %w", k.ID, err)
		}
		block, _ := pem.Decode(der)
		if block == nil {
			return nil, fmt.Errorf("OIDC key %s: not PEM", k.ID)
		}
		priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("OIDC key %s: %w", k.ID, err)
		}
		signer, ok := priv.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("OIDC key %s: not a signing key", k.ID)
		}
		out = append(out, signingKey{id: k.ID, alg: jose.SignatureAlgorithm(k.Algorithm), key: signer})
	}
	return out, nil
}

// RotateKey makes a new ID-token signing key (RS256, or ES256 when the
// provider's KeyType is "ecdsa"); new tokens are signed with it, and the
// previous keys stay in JWKS so tokens already issued still verify.
func (p *Provider) RotateKey(ctx context.Context) error {
	if err := p.createKey(ctx); err != nil {
		return err
	}
	p.keys.mu.Lock()
	p.keys.current = nil // this replica switches at once
	p.keys.mu.Unlock()
	return nil
}

func (p *Provider) createKey(ctx context.Context) error {
	var priv crypto.Signer
	alg := jose.RS256
	var err error
	if p.KeyType == "ecdsa" {
		alg = jose.ES256
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	sealed := p.Sealer.Seal(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	k := store.OIDCKey{ID: "key_" + newSecret()[:16], Algorithm: string(alg),
		PrivateKey: base64.StdEncoding.EncodeToString(sealed), CreatedAt: p.now()}
	return p.Store.CreateOIDCKey(ctx, k)
}
