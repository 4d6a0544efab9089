// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// passkeys gives browser sessions Chromium's virtual authenticator and
// keeps each person's passkey, so they can use it in another session too,
// as a passkey synced to each of their devices is (its signature counter
// travels with it, as a synced passkey's does).
type passkeys struct {
	t     *testing.T
	mu    sync.Mutex
	auth  map[*session]webauthn.AuthenticatorID
	owned map[string]*webauthn.Credential // the person's passkey, as last used
}

func newPasskeys(t *testing.T) *passkeys {
	return &passkeys{t: t, auth: map[*session]webauthn.AuthenticatorID{}, owned: map[string]*webauthn.Credential{}}
}

// attach gives the session an authenticator with passkeys (resident keys)
// and user verification that succeeds, as a laptop's fingerprint reader.
func (p *passkeys) attach(s *session) {
	s.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		res, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2,
				Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
				HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
				HasCmtgKey: true}}) // lets WebAuthn.addCredential take back what getCredentials gave
		if err == nil {
			p.mu.Lock()
			p.auth[s] = res.AuthenticatorID
			p.mu.Unlock()
		}
		return err
	}))
}

// secondFactor answers the Identity Center's MFA page after who entered
// their password in s: it registers who's first passkey (and saves the
// recovery codes) or uses the one they have.
func (p *passkeys) secondFactor(s *session, who string) {
	s.t.Helper()
	register := s.waitEither("Register a security key or passkey", "Use your security key or passkey")
	p.mu.Lock()
	id := p.auth[s]
	cred := p.owned[who]
	p.mu.Unlock()
	if register {
		s.do(click("#register-passkey"))
		s.waitText("Save your recovery codes")
		s.do(clickText("I have saved them: continue"))
		p.keep(s, id, who)
		return
	}
	if cred == nil {
		s.t.Fatalf("%s has no passkey to use in %s", who, s.name)
	}
	s.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, _ = chromedp.Call(ctx, webauthn.RemoveCredential, webauthn.RemoveCredentialParams{AuthenticatorID: id, CredentialID: cred.CredentialID})
		_, err := chromedp.Call(ctx, webauthn.AddCredential, webauthn.AddCredentialParams{AuthenticatorID: id, Credential: cred})
		return err
	}), click("#use-passkey"))
	p.keep(s, id, who)
}

// keep records who's passkey as the session's authenticator holds it now.
func (p *passkeys) keep(s *session, id webauthn.AuthenticatorID, who string) {
	s.t.Helper()
	time.Sleep(300 * time.Millisecond) // the ceremony's answer is posted; the counter has moved
	s.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		res, err := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: id})
		if err != nil {
			return err
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range res.Credentials {
			if c.UserName == who || (p.owned[who] != nil && string(p.owned[who].CredentialID) == string(c.CredentialID)) {
				if len(c.CmtgKeys) == 0 {
					c.ActiveCmtgKeyIndex = nil
				}
				p.owned[who] = c
			}
		}
		return nil
	}))
}

// waitEither waits until the page shows a or b and reports whether it was a.
func (s *session) waitEither(a, b string) bool {
	s.t.Helper()
	deadline := time.Now().Add(s.timeout)
	for time.Now().Before(deadline) {
		txt := s.text()
		switch {
		case strings.Contains(txt, a):
			return true
		case strings.Contains(txt, b):
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("the page showed neither %q nor %q\nat %s\n%s", a, b, s.location(), s.text())
	return false
}
