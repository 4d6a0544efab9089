// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"time"

	"github.com/signet-sso/signet/internal/saml"
)

// parseCache keeps each connection's parsed IdP metadata and trusted
// certificates, so the ACS does not parse the same XML and PEM on every
// sign-in. Entries are keyed by a hash of exactly what was parsed (and the
// options), so an edited connection misses; the parsed values are shared
// and must be treated as read-only.
type parseCache struct {
	mu      sync.Mutex
	entries map[parseKey]parsedConnection
}

// maxParseCacheEntries bounds the cache; when full it starts over, which
// costs one parse per org and keeps memory flat at any number of orgs.
const maxParseCacheEntries = 4096

// parseTTL bounds how stale the metadata's time-derived warnings may get.
const parseTTL = time.Hour

type parseKey [sha256.Size]byte

type parsedConnection struct {
	metadata *saml.EntityMetadata
	certs    []*x509.Certificate
	at       time.Time
}

func keyOf(metadataXML, entityID, certificatesPEM string, legacy bool) parseKey {
	h := sha256.New()
	for _, s := range []string{metadataXML, entityID, certificatesPEM} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	if legacy {
		h.Write([]byte{1})
	}
	var k parseKey
	h.Sum(k[:0])
	return k
}

// get returns the cached parse for k, if fresh at now and, when the
// metadata carries validUntil, not past it (the full parse then reports
// the expiry).
func (c *parseCache) get(k parseKey, now time.Time) (parsedConnection, bool) {
	c.mu.Lock()
	p, ok := c.entries[k]
	c.mu.Unlock()
	if !ok || now.Sub(p.at) >= parseTTL || now.Before(p.at) {
		return parsedConnection{}, false
	}
	if vu := p.metadata.ValidUntil; !vu.IsZero() && vu.Before(now) {
		return parsedConnection{}, false
	}
	return p, true
}

func (c *parseCache) put(k parseKey, p parsedConnection) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxParseCacheEntries {
		c.entries = make(map[parseKey]parsedConnection)
	}
	c.entries[k] = p
}
