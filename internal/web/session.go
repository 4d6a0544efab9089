// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// Sessions issues and checks one realm's session cookies. The cookie holds
// 256 random bits; the store keeps only their SHA-256, so a copy of the
// database holds no usable cookie.
type Sessions struct {
	Store  store.Sessions
	Realm  string        // store.RealmAdmin, store.RealmPortal or store.RealmWorkspace
	Cookie string        // cookie name
	Path   string        // cookie path
	TTL    time.Duration // absolute lifetime
	// Idle, if set, ends a session unused for that long (SECURITY: idle
	// as well as absolute timeouts).
	Idle   time.Duration
	Secure bool // set the Secure flag (true outside http://localhost)
	Now    func() time.Time
}

func (s *Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// HashToken is how a secret token from a cookie or a link is stored: its
// SHA-256, so a copy of the database holds no usable token.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// Start signs the browser in: any session it already had ends, and a new
// session ID is issued (no fixation: SECURITY-CASES 73).
func (s *Sessions) Start(w http.ResponseWriter, r *http.Request, sess store.Session) (store.Session, error) {
	return s.StartWith(w, r, sess, s.Store.CreateSession)
}

// StartWith is Start with the new session written by write, for callers
// that write it together with other records in one transaction.
func (s *Sessions) StartWith(w http.ResponseWriter, r *http.Request, sess store.Session, write func(context.Context, store.Session) error) (store.Session, error) {
	if c, err := r.Cookie(s.Cookie); err == nil {
		if err := s.Store.DeleteSession(r.Context(), HashToken(c.Value)); err != nil {
			return store.Session{}, err
		}
	}
	tok, sess, err := s.prepare(sess)
	if err != nil {
		return store.Session{}, err
	}
	if err := write(r.Context(), sess); err != nil {
		return store.Session{}, err
	}
	http.SetCookie(w, &http.Cookie{Name: s.Cookie, Value: tok, Path: s.Path, Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
	return sess, nil
}

// prepare makes a session of this realm and its token, writing nothing.
func (s *Sessions) prepare(sess store.Session) (string, store.Session, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", store.Session{}, err
	}
	tok := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	sess.ID, sess.Realm, sess.CreatedAt, sess.ExpiresAt = HashToken(tok), s.Realm, now, now.Add(s.TTL)
	return tok, sess, nil
}

// Issue stores a new session of this realm, written by write, and returns
// its token without giving it to any browser (Start does that). A realm of
// pending sign-ins uses it to hand the token to one page only.
func (s *Sessions) Issue(ctx context.Context, sess store.Session, write func(context.Context, store.Session) error) (string, store.Session, error) {
	tok, sess, err := s.prepare(sess)
	if err != nil {
		return "", store.Session{}, err
	}
	if write == nil {
		write = s.Store.CreateSession
	}
	if err := write(ctx, sess); err != nil {
		return "", store.Session{}, err
	}
	return tok, sess, nil
}

// Take returns the unexpired session of this realm with the token and
// ends it: a token works once.
func (s *Sessions) Take(ctx context.Context, tok string) (store.Session, bool, error) {
	if tok == "" || len(tok) > 100 {
		return store.Session{}, false, nil
	}
	sess, err := s.Store.GetSession(ctx, HashToken(tok), s.now())
	if errors.Is(err, store.ErrNotFound) || err == nil && sess.Realm != s.Realm {
		return store.Session{}, false, nil
	}
	if err != nil {
		return store.Session{}, false, err
	}
	if err := s.Store.DeleteSession(ctx, sess.ID); err != nil {
		return store.Session{}, false, err
	}
	return sess, true, nil
}

// Load returns the request's session in this realm.
func (s *Sessions) Load(r *http.Request) (store.Session, bool) {
	c, err := r.Cookie(s.Cookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return store.Session{}, false
	}
	now := s.now()
	sess, err := s.Store.GetSession(r.Context(), HashToken(c.Value), now)
	if err != nil || sess.Realm != s.Realm {
		return store.Session{}, false
	}
	if s.Idle > 0 {
		last := sess.LastSeenAt
		if last.Before(sess.CreatedAt) {
			last = sess.CreatedAt
		}
		if now.Sub(last) > s.Idle {
			_ = s.Store.DeleteSession(r.Context(), sess.ID) // best effort: it is expired either way
			return store.Session{}, false
		}
		if now.Sub(last) > time.Minute { // one write a minute at most
			_ = s.Store.TouchSession(r.Context(), sess.ID, now)
		}
	}
	return sess, true
}

// EndEverywhere ends every session of the user in this realm (every
// browser), and this browser's cookie.
func (s *Sessions) EndEverywhere(w http.ResponseWriter, r *http.Request, userID string) error {
	if err := s.Store.DeleteUserSessions(r.Context(), s.Realm, userID); err != nil {
		return err
	}
	return s.End(w, r)
}

// End signs the browser out: the cookie goes whatever happens; the stored
// session, if it cannot be deleted now, expires (and the failure is
// returned for the log).
func (s *Sessions) End(w http.ResponseWriter, r *http.Request) error {
	var err error
	if c, cerr := r.Cookie(s.Cookie); cerr == nil {
		err = s.Store.DeleteSession(r.Context(), HashToken(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: s.Cookie, Value: "", Path: s.Path, MaxAge: -1,
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
	return err
}
