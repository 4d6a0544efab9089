// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignInLimits bound password guessing without letting a guesser lock the
// account's owner out (SECURITY-CASES 91): a limit per source address
// (in memory), and one per account shared by every replica through the
// store, waived for a browser that signed in to that account before (it
// carries a cookie the server authenticated).
type SignInLimits struct {
	PerSource *RateLimiter
	// Counts is the store's shared counter (store.Sessions.HitRateLimit).
	Counts interface {
		HitRateLimit(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
	}
	PerAccount int           // attempts per account and window
	Window     time.Duration // the account limit's window
	// MAC authenticates remembered-browser cookies; nil remembers none.
	MAC    func(purpose string, msg []byte) []byte
	Cookie string // the remembered-browser cookie's name
	Secure bool
	Now    func() time.Time
}

// deviceTTL is how long a browser is remembered after a sign-in.
const deviceTTL = 180 * 24 * time.Hour

func (l *SignInLimits) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Allow reports whether a password attempt for account may be checked.
func (l *SignInLimits) Allow(r *http.Request, account string) (bool, error) {
	if !l.PerSource.Allow("ip:" + ClientIP(r)) {
		return false, nil
	}
	if l.Counts == nil || l.Known(r, account) {
		return true, nil
	}
	sum := sha256.Sum256([]byte(strings.ToLower(account)))
	n, err := l.Counts.HitRateLimit(r.Context(), "signin:"+hex.EncodeToString(sum[:16]), l.Window, l.now())
	if err != nil {
		return false, err
	}
	return n <= l.PerAccount, nil
}

// Remember marks this browser as one that signed in to account.
func (l *SignInLimits) Remember(w http.ResponseWriter, account string) {
	if l.MAC == nil {
		return
	}
	exp := strconv.FormatInt(l.now().Add(deviceTTL).Unix(), 10)
	mac := l.MAC("device", []byte(strings.ToLower(account)+"\x00"+exp))
	http.SetCookie(w, &http.Cookie{Name: l.Cookie, Value: exp + "." + base64.RawURLEncoding.EncodeToString(mac), Path: "/",
		MaxAge: int(deviceTTL / time.Second), HttpOnly: true, Secure: l.Secure, SameSite: http.SameSiteLaxMode})
}

// Known reports whether this browser signed in to account before.
func (l *SignInLimits) Known(r *http.Request, account string) bool {
	if l.MAC == nil {
		return false
	}
	c, err := r.Cookie(l.Cookie)
	if err != nil || len(c.Value) > 200 {
		return false
	}
	exp, sig, ok := strings.Cut(c.Value, ".")
	if !ok {
		return false
	}
	t, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || l.now().Unix() > t {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	return err == nil && hmac.Equal(got, l.MAC("device", []byte(strings.ToLower(account)+"\x00"+exp)))
}
