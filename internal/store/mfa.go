// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// Kinds of MFA devices.
const (
	MFATOTP     = "totp"     // an authenticator app
	MFAWebAuthn = "webauthn" // a security key or built-in authenticator
)

// MFADevice is a second factor a directory user registered.
type MFADevice struct {
	ID, UserID string
	Kind       string // MFATOTP or MFAWebAuthn
	Name       string // what the person called it
	Secret     []byte // a TOTP secret, sealed; never plaintext
	// CredentialID and Credential are a WebAuthn device's: its ID
	// (base64url, unique among all devices) and the credential (JSON).
	CredentialID string
	Credential   []byte
	CreatedAt    time.Time
	LastUsedAt   time.Time
	// LastStep is the TOTP time step of the last code accepted: a code
	// of that step or an earlier one is refused (no replay).
	LastStep int64
}

// MFAChallenge is a sign-in that passed the password and waits for the
// second factor (or for a device to be registered first).
type MFAChallenge struct {
	TokenHash string // the browser holds the token; only its hash is kept
	UserID    string
	Realm     string // RealmAdmin (the console) or RealmPortal
	// State is what the sign-in continues with (JSON: the next page, an
	// application's pending request).
	State     string
	Attempts  int
	ExpiresAt time.Time
}

// MFA holds the Identity Center's MFA settings, devices and sign-ins
// waiting for a second factor.
type MFA interface {
	// IdPSetting reads a named Identity Center setting ("" if unset);
	// PutIdPSetting writes one.
	IdPSetting(ctx context.Context, name string) (string, error)
	PutIdPSetting(ctx context.Context, name, value string, at time.Time) error

	AddMFADevice(ctx context.Context, d MFADevice) (MFADevice, error)
	ListMFADevices(ctx context.Context, userID string) ([]MFADevice, error)
	// UpdateMFACredential stores a WebAuthn device's credential after a
	// sign-in (its signature counter) and when it was used.
	UpdateMFACredential(ctx context.Context, deviceID string, credential []byte, at time.Time) error
	// DeleteMFADevice removes one of the user's devices.
	DeleteMFADevice(ctx context.Context, userID, id string) error
	// UseTOTPStep records that the device's code of step was used at at,
	// unless a code of that step or a later one was used already: then
	// it reports false (a replayed code). Concurrent uses of one step
	// succeed once.
	UseTOTPStep(ctx context.Context, deviceID string, step int64, at time.Time) (bool, error)

	CreateMFAChallenge(ctx context.Context, c MFAChallenge) error
	// GetMFAChallenge returns the challenge if it has not expired at now.
	GetMFAChallenge(ctx context.Context, tokenHash string, now time.Time) (MFAChallenge, error)
	// SetMFACeremony stores the WebAuthn ceremony a challenge waits for;
	// TakeMFACeremony returns it and clears it (at most one caller gets it).
	SetMFACeremony(ctx context.Context, tokenHash, ceremony string) error
	TakeMFACeremony(ctx context.Context, tokenHash string) (string, error)
	// FailMFAChallenge counts a wrong code and returns the attempts so far.
	FailMFAChallenge(ctx context.Context, tokenHash string) (int, error)
	DeleteMFAChallenge(ctx context.Context, tokenHash string) error

	// KnownBrowser reports whether the user completed MFA in the browser
	// with this (hashed) identifier; RememberBrowser records that they did.
	KnownBrowser(ctx context.Context, userID, browserHash string) (bool, error)
	RememberBrowser(ctx context.Context, userID, browserHash string, at time.Time) error
	// SetRecoveryCodes replaces the user's recovery codes (their hashes).
	SetRecoveryCodes(ctx context.Context, userID string, hashes []string) error
	// UseRecoveryCode deletes the code if the user has it, and reports
	// whether it did and how many are left. At most one caller gets a code.
	UseRecoveryCode(ctx context.Context, userID, hash string) (used bool, left int, err error)
	CountRecoveryCodes(ctx context.Context, userID string) (int, error)
	// PruneMFA deletes expired challenges and browsers unseen since cutoff.
	PruneMFA(ctx context.Context, now, cutoff time.Time) (int64, error)
}
