// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/store"
)

// Security keys and passkeys (WebAuthn, through go-webauthn): the
// Identity Center is the relying party, its host the RP ID.

// webauthnUser is a directory user as go-webauthn sees them.
type webauthnUser struct {
	u     store.User
	creds []webauthn.Credential
	ids   []string // device IDs, by credential
}

func (w webauthnUser) WebAuthnID() []byte                         { return []byte(w.u.ID) }
func (w webauthnUser) WebAuthnName() string                       { return w.u.Username }
func (w webauthnUser) WebAuthnDisplayName() string                { return cmpName(w.u) }
func (w webauthnUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

// ErrPasskeyRefused is a security key's answer that does not verify.
var ErrPasskeyRefused = errors.New("the security key or passkey was not accepted")

// ErrWebAuthnUnavailable: browsers refuse WebAuthn for a site reached by
// an IP address; the Identity Center needs a name (localhost counts).
var ErrWebAuthnUnavailable = errors.New("security keys need the Identity Center at a host name, not an IP address (--idp-url)")

func (s *Service) relyingParty() (*webauthn.WebAuthn, error) {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Host == "" || net.ParseIP(u.Hostname()) != nil {
		return nil, ErrWebAuthnUnavailable
	}
	return webauthn.New(&webauthn.Config{RPID: u.Hostname(), RPDisplayName: "Signet Identity Center",
		RPOrigins: []string{u.Scheme + "://" + u.Host}})
}

// party is the relying party with u and u's registered keys.
func (s *Service) party(ctx context.Context, u store.User) (*webauthn.WebAuthn, webauthnUser, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return nil, webauthnUser{}, err
	}
	wu, err := s.webauthnUser(ctx, u)
	return rp, wu, err
}

func (s *Service) webauthnUser(ctx context.Context, u store.User) (webauthnUser, error) {
	w := webauthnUser{u: u}
	devices, err := s.Store.ListMFADevices(ctx, u.ID)
	if err != nil {
		return w, err
	}
	for _, d := range devices {
		if d.Kind != store.MFAWebAuthn {
			continue
		}
		var c webauthn.Credential
		if err := json.Unmarshal(d.Credential, &c); err != nil {
			return w, fmt.Errorf("MFA device %s: %w", d.ID, err)
		}
		w.creds, w.ids = append(w.creds, c), append(w.ids, d.ID)
	}
	return w, nil
}

// BeginPasskeyRegistration starts registering a security key or passkey
// for u: the options for the browser (JSON) and the ceremony, sealed to
// u, for the form that finishes it. Discoverable credentials (passkeys)
// are preferred; u's existing ones are excluded.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, u store.User) (options, sealed string, err error) {
	rp, wu, err := s.party(ctx, u)
	if err != nil {
		return "", "", err
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range wu.creds {
		exclude = append(exclude, c.Descriptor())
	}
	creation, session, err := rp.BeginRegistration(wu, webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred))
	if err != nil {
		return "", "", err
	}
	opts, err := json.Marshal(creation)
	if err != nil {
		return "", "", err
	}
	sess, err := json.Marshal(session)
	if err != nil {
		return "", "", err
	}
	return string(opts), base64.RawURLEncoding.EncodeToString(s.Sealer.Seal(append([]byte(u.ID+"\x00"), sess...))), nil
}

// FinishPasskeyRegistration checks the browser's answer and registers
// the key, audited and emailed to u.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, actor string, u store.User, name, sealed, response string) (store.MFADevice, error) {
	name, err := ident.Clean(name, ident.MaxName)
	if err != nil {
		return store.MFADevice{}, &PolicyError{"the device's name: " + err.Error()}
	}
	name = cmp.Or(name, "Security key")
	var session webauthn.SessionData
	if !s.openCeremony(u, sealed, &session) {
		return store.MFADevice{}, &PolicyError{"the registration expired: start again"}
	}
	parsed, err := protocol.ParseCredentialCreationResponseBody(strings.NewReader(response))
	if err != nil {
		return store.MFADevice{}, ErrPasskeyRefused
	}
	rp, wu, err := s.party(ctx, u)
	if err != nil {
		return store.MFADevice{}, err
	}
	cred, err := rp.CreateCredential(wu, session, parsed)
	if err != nil {
		return store.MFADevice{}, ErrPasskeyRefused
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return store.MFADevice{}, err
	}
	d, err := s.Store.AddMFADevice(ctx, store.MFADevice{UserID: u.ID, Kind: store.MFAWebAuthn, Name: name,
		CredentialID: base64.RawURLEncoding.EncodeToString(cred.ID), Credential: raw, CreatedAt: s.now(), LastUsedAt: s.now()})
	if errors.Is(err, store.ErrConflict) {
		return d, &PolicyError{"this security key is registered already"}
	}
	if err != nil {
		return d, err
	}
	s.Audit(ctx, actor, "mfa.device.add", u.Username, "registered the security key "+name)
	s.notify(ctx, u, "An MFA device was added to your account", "The security key or passkey \""+name+"\" was registered for signing in to your Signet access portal account ("+u.Username+").")
	return d, nil
}

// openCeremony opens a sealed ceremony made for u.
func (s *Service) openCeremony(u store.User, sealed string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return false
	}
	plain, err := s.Sealer.Open(b)
	if err != nil {
		return false
	}
	id, rest, ok := bytes.Cut(plain, []byte{0})
	return ok && string(id) == u.ID && json.Unmarshal(rest, v) == nil
}

// BeginPasskeySignIn starts a second-factor ceremony for u's keys in the
// parked sign-in tokenHash, and returns the browser's options (JSON).
func (s *Service) BeginPasskeySignIn(ctx context.Context, u store.User, tokenHash string) (string, error) {
	rp, wu, err := s.party(ctx, u)
	if err != nil || len(wu.creds) == 0 {
		return "", err
	}
	assertion, session, err := rp.BeginLogin(wu)
	if err != nil {
		return "", err
	}
	sess, err := json.Marshal(session)
	if err != nil {
		return "", err
	}
	if err := s.Store.SetMFACeremony(ctx, tokenHash, string(sess)); err != nil {
		return "", err
	}
	opts, err := json.Marshal(assertion)
	return string(opts), err
}

// FinishPasskeySignIn checks a key's answer to the parked sign-in's
// ceremony (used once) and records the key's new signature counter; a
// counter that went backwards (a cloned key) is refused.
func (s *Service) FinishPasskeySignIn(ctx context.Context, u store.User, tokenHash, response string) (store.MFADevice, error) {
	raw, err := s.Store.TakeMFACeremony(ctx, tokenHash)
	if err != nil {
		return store.MFADevice{}, err
	}
	var session webauthn.SessionData
	if raw == "" || json.Unmarshal([]byte(raw), &session) != nil {
		return store.MFADevice{}, ErrPasskeyRefused
	}
	parsed, err := protocol.ParseCredentialRequestResponseBody(strings.NewReader(response))
	if err != nil {
		return store.MFADevice{}, ErrPasskeyRefused
	}
	rp, wu, err := s.party(ctx, u)
	if err != nil {
		return store.MFADevice{}, err
	}
	cred, err := rp.ValidateLogin(wu, session, parsed)
	if err != nil || cred.Authenticator.CloneWarning {
		return store.MFADevice{}, ErrPasskeyRefused
	}
	for i, c := range wu.creds {
		if bytes.Equal(c.ID, cred.ID) {
			b, err := json.Marshal(cred)
			if err != nil {
				return store.MFADevice{}, err
			}
			if err := s.Store.UpdateMFACredential(ctx, wu.ids[i], b, s.now()); err != nil {
				return store.MFADevice{}, err
			}
			return store.MFADevice{ID: wu.ids[i], UserID: u.ID, Kind: store.MFAWebAuthn}, nil
		}
	}
	return store.MFADevice{}, ErrPasskeyRefused
}
