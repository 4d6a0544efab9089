// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// keyPrefix marks Signet API keys, so a leaked one is recognisable (and
// secret scanners can find it).
const keyPrefix = "signet_sk_"

// NewKey makes an API key and returns it (shown once: only its hash is
// kept), audited.
func NewKey(ctx context.Context, st store.Store, name, actor string, now time.Time) (string, store.APIKey, error) {
	name, err := ident.Clean(name, ident.MaxName)
	if err != nil || name == "" {
		return "", store.APIKey{}, web.BadRequest("Name the API key (--name): what it is for.")
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	key := keyPrefix + base64.RawURLEncoding.EncodeToString(b)
	k, err := st.CreateAPIKey(ctx, store.APIKey{Name: name, KeyHash: web.HashToken(key), CreatedAt: now})
	if err != nil {
		return "", k, err
	}
	audit(ctx, st, now, actor, "apikey.create", k.ID, "API key "+k.ID+" ("+name+") created")
	return key, k, nil
}

// RevokeKey stops an API key at once, audited.
func RevokeKey(ctx context.Context, st store.Store, id, actor string, now time.Time) error {
	if err := st.RevokeAPIKey(ctx, id, now); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return web.BadRequest("No active API key " + id + ": see signet sp apikey list.")
		}
		return err
	}
	audit(ctx, st, now, actor, "apikey.revoke", id, "API key "+id+" revoked")
	return nil
}

func audit(ctx context.Context, st store.Audit, now time.Time, actor, action, target, detail string) {
	_ = st.AppendAudit(ctx, store.AuditEvent{At: now, Realm: store.RealmWorkspace, Actor: actor, Action: action, Target: target, Detail: detail})
}

// caller is the API key a request came with.
type caller struct{ key store.APIKey }

// actor is how the caller appears in audit logs.
func (c caller) actor() string { return "API key " + c.key.Name + " (" + c.key.ID + ")" }

type callerKey struct{}

// authenticate requires an active API key: a missing, unknown or revoked
// key is 401, checked at every request (a revoked key stops at once).
func (h *Handler) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !strings.HasPrefix(raw, keyPrefix) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="signet"`)
			writeProblem(w, r, http.StatusUnauthorized, "unauthenticated", "Send an API key: Authorization: Bearer signet_sk_…")
			return
		}
		k, err := h.Store.APIKeyByHash(r.Context(), web.HashToken(strings.TrimSpace(raw)))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
		if err != nil || !k.RevokedAt.IsZero() {
			w.Header().Set("WWW-Authenticate", `Bearer realm="signet", error="invalid_token"`)
			writeProblem(w, r, http.StatusUnauthorized, "unauthenticated", "The API key is unknown or was revoked.")
			return
		}
		if err := h.Store.TouchAPIKey(r.Context(), k.ID, h.now()); err != nil && h.Log != nil {
			h.Log.WarnContext(r.Context(), "record API key use", "key", k.ID, "err", err)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, caller{k})))
	})
}

func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}
