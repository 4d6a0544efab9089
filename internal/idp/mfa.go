// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// MFAPolicy is the Identity Center's multi-factor authentication setting,
// in AWS IAM Identity Center's words (Settings › Authentication).
type MFAPolicy struct {
	// Prompt: "always" (every time they sign in), "context" (only when
	// their sign-in context changes: a new browser or device), "never".
	Prompt string
	// Types allowed: "webauthn" (security keys and built-in
	// authenticators) and "totp" (authenticator apps).
	Types []string
	// WithoutDevice: what happens when a user has no registered device:
	// "register" (require them to register one at sign-in), "email" (send
	// them a one-time password by email), "block" (block their sign-in)
	// or "allow" (sign in with the password).
	WithoutDevice string
}

// The policy's values.
const (
	PromptAlways  = "always"
	PromptContext = "context"
	PromptNever   = "never"

	WithoutDeviceRegister = "register"
	WithoutDeviceEmail    = "email"
	WithoutDeviceBlock    = "block"
	WithoutDeviceAllow    = "allow"
)

// DefaultMFAPolicy is the policy until an admin sets one: no prompt, so a
// new Identity Center signs people in with their password, as the seed's
// walk-through does.
var DefaultMFAPolicy = MFAPolicy{Prompt: PromptNever, Types: []string{store.MFAWebAuthn, store.MFATOTP}, WithoutDevice: WithoutDeviceRegister}

const (
	settingPrompt        = "mfa.prompt"
	settingTypes         = "mfa.types"
	settingWithoutDevice = "mfa.without_device"
)

// A PolicyError is an MFA setting that cannot be saved; its message says why.
type PolicyError struct{ Message string }

func (e *PolicyError) Error() string { return e.Message }

// MFAPolicy reads the policy.
func (s *Service) MFAPolicy(ctx context.Context) (MFAPolicy, error) {
	p := DefaultMFAPolicy
	for name, dst := range map[string]*string{settingPrompt: &p.Prompt, settingWithoutDevice: &p.WithoutDevice} {
		v, err := s.Store.IdPSetting(ctx, name)
		if err != nil {
			return p, err
		}
		if v != "" {
			*dst = v
		}
	}
	v, err := s.Store.IdPSetting(ctx, settingTypes)
	if v != "" {
		p.Types = strings.Split(v, ",")
	}
	return p, err
}

// SetMFAPolicy checks and saves the policy, audited.
func (s *Service) SetMFAPolicy(ctx context.Context, actor string, p MFAPolicy) error {
	if !slices.Contains([]string{PromptAlways, PromptContext, PromptNever}, p.Prompt) {
		return &PolicyError{fmt.Sprintf("the MFA prompt is one of always, context or never, not %q", p.Prompt)}
	}
	if len(p.Types) == 0 {
		return &PolicyError{"allow at least one kind of MFA device (webauthn, totp)"}
	}
	for _, t := range p.Types {
		if t != store.MFAWebAuthn && t != store.MFATOTP {
			return &PolicyError{fmt.Sprintf("MFA device types are webauthn and totp, not %q", t)}
		}
	}
	switch p.WithoutDevice {
	case WithoutDeviceRegister, WithoutDeviceBlock, WithoutDeviceAllow, WithoutDeviceEmail:
	default:
		return &PolicyError{fmt.Sprintf("without a registered device, users register one, get a one-time password by email, are blocked, or are allowed; not %q", p.WithoutDevice)}
	}
	p.Types = slices.Compact(slices.Sorted(slices.Values(p.Types)))
	now := s.now()
	for name, v := range map[string]string{settingPrompt: p.Prompt, settingTypes: strings.Join(p.Types, ","), settingWithoutDevice: p.WithoutDevice} {
		if err := s.Store.PutIdPSetting(ctx, name, v, now); err != nil {
			return err
		}
	}
	s.Audit(ctx, actor, "settings.mfa", "authentication", fmt.Sprintf("MFA: prompt %s, types %s, without a device %s",
		p.Prompt, strings.Join(p.Types, ","), p.WithoutDevice))
	return nil
}

// MFANeed is what a sign-in that passed the password needs next.
type MFANeed int

// What a sign-in needs after the password.
const (
	MFANone     MFANeed = iota // nothing: sign in with the password
	MFACode                    // a code from a registered device
	MFARegister                // registering a device first, then it counts as MFA
	MFABlocked                 // nothing will do: the user has no device and the policy blocks them
	MFAEmail                   // no device: a one-time password by email (not MFA in the assertion)
)

// NeedMFA decides, by the policy, whether u must give a second factor in
// the browser identified by browserHash ("" when it has no identifier).
// stepUp is set when an application asked for MFA: then a prompt is due
// whatever the policy says.
func (s *Service) NeedMFA(ctx context.Context, u store.User, browserHash string, stepUp bool) (MFANeed, error) {
	p, err := s.MFAPolicy(ctx)
	if err != nil {
		return MFANone, err
	}
	prompt := stepUp || p.Prompt == PromptAlways
	if !prompt && p.Prompt == PromptContext {
		known := false
		if browserHash != "" {
			if known, err = s.Store.KnownBrowser(ctx, u.ID, browserHash); err != nil {
				return MFANone, err
			}
		}
		prompt = !known
	}
	if !prompt {
		return MFANone, nil
	}
	devices, err := s.usableDevices(ctx, u, p)
	if err != nil {
		return MFANone, err
	}
	switch {
	case len(devices) > 0:
		return MFACode, nil
	case p.WithoutDevice == WithoutDeviceRegister:
		return MFARegister, nil
	case p.WithoutDevice == WithoutDeviceAllow && !stepUp:
		return MFANone, nil
	case p.WithoutDevice == WithoutDeviceEmail && !stepUp && u.Email != "":
		return MFAEmail, nil
	}
	return MFABlocked, nil
}

func (s *Service) usableDevices(ctx context.Context, u store.User, p MFAPolicy) ([]store.MFADevice, error) {
	devices, err := s.Store.ListMFADevices(ctx, u.ID)
	return slices.DeleteFunc(devices, func(d store.MFADevice) bool { return !slices.Contains(p.Types, d.Kind) }), err
}

// totpOptions are the authenticator-app parameters every app supports:
// six digits every 30 seconds, HMAC-SHA1 (RFC 6238's default).
var totpOptions = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ErrWrongCode is a code that no registered device made just now, or one
// that was used already.
var ErrWrongCode = errors.New("the code is not right, or it was used already")

// CheckCode accepts a code from one of the user's authenticator apps: of
// the current 30-second step or the one before or after (clock drift),
// and only once (a code of a step already used, or earlier, is refused).
func (s *Service) CheckCode(ctx context.Context, u store.User, code string) (store.MFADevice, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return store.MFADevice{}, ErrWrongCode
	}
	devices, err := s.Store.ListMFADevices(ctx, u.ID)
	if err != nil {
		return store.MFADevice{}, err
	}
	now := s.now()
	for _, d := range devices {
		if d.Kind != store.MFATOTP {
			continue
		}
		secret, err := s.Sealer.Open(d.Secret)
		if err != nil {
			return store.MFADevice{}, fmt.Errorf("open the secret of MFA device %s: %w", d.ID, err)
		}
		step, ok := matchStep(string(secret), code, now)
		if !ok {
			continue
		}
		fresh, err := s.Store.UseTOTPStep(ctx, d.ID, step, now)
		if err != nil {
			return store.MFADevice{}, err
		}
		if !fresh {
			return store.MFADevice{}, ErrWrongCode // replayed
		}
		return d, nil
	}
	return store.MFADevice{}, ErrWrongCode
}

// matchStep finds the time step, within one of now's, whose code is code.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	step := now.Unix() / int64(totpOptions.Period)
	for _, s := range []int64{step, step - 1, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*int64(totpOptions.Period), 0), totpOptions)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// NewTOTPKey makes the secret of an authenticator app being registered by
// u; the page shows it as a QR code and as text.
func (s *Service) NewTOTPKey(u store.User) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: "Signet Identity Center", AccountName: u.Username,
		Period: totpOptions.Period, Digits: totpOptions.Digits, Algorithm: totpOptions.Algorithm, Rand: s.rand()})
}

// AddTOTPDevice registers an authenticator app with the secret the page
// showed, once the person proves it works with its first code. The code
// counts as used.
func (s *Service) AddTOTPDevice(ctx context.Context, actor string, u store.User, name, secret, code string) (store.MFADevice, error) {
	name, err := ident.Clean(name, ident.MaxName)
	if err != nil {
		return store.MFADevice{}, &PolicyError{"the device's name: " + err.Error()}
	}
	name = cmp.Or(name, "Authenticator app")
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil || len(secret) < 16 || len(secret) > 64 {
		return store.MFADevice{}, &PolicyError{"the registration expired: start again"}
	}
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	now := s.now()
	step, ok := matchStep(secret, code, now)
	if !ok {
		return store.MFADevice{}, ErrWrongCode
	}
	d, err := s.Store.AddMFADevice(ctx, store.MFADevice{UserID: u.ID, Kind: store.MFATOTP, Name: name,
		Secret: s.Sealer.Seal([]byte(secret)), CreatedAt: now, LastUsedAt: now, LastStep: step})
	if err != nil {
		return d, err
	}
	s.Audit(ctx, actor, "mfa.device.add", u.Username, "registered the authenticator app "+name)
	s.notify(ctx, u, "An MFA device was added to your account", "The authenticator app \""+name+"\" was registered for signing in to your Signet access portal account ("+u.Username+").")
	return d, nil
}

// RemoveMFADevice removes one of u's devices, audited. An admin removing
// a person's devices is how someone who lost them all gets back in (their
// password is still needed).
func (s *Service) RemoveMFADevice(ctx context.Context, actor string, u store.User, id string) error {
	devices, err := s.Store.ListMFADevices(ctx, u.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(devices, func(d store.MFADevice) bool { return d.ID == id })
	if i < 0 {
		return store.ErrNotFound
	}
	if err := s.Store.DeleteMFADevice(ctx, u.ID, id); err != nil {
		return err
	}
	s.Audit(ctx, actor, "mfa.device.remove", u.Username, "removed the MFA device "+devices[i].Name)
	s.notify(ctx, u, "An MFA device was removed from your account", "The MFA device \""+devices[i].Name+"\" was removed from your Signet access portal account ("+u.Username+") by "+actor+".")
	return nil
}

// ParkSignIn keeps a sign-in that passed the password until its second
// factor (at most ttl) and returns the browser's token for it; only the
// token's hash is stored.
func (s *Service) ParkSignIn(ctx context.Context, u store.User, realm, state string, ttl time.Duration) (string, error) {
	token := s.newToken()
	err := s.Store.CreateMFAChallenge(ctx, store.MFAChallenge{TokenHash: web.HashToken(token), UserID: u.ID,
		Realm: realm, State: state, ExpiresAt: s.now().Add(ttl)})
	return token, err
}

// EndParkedSignIn forgets a parked sign-in: done, or too many wrong codes.
func (s *Service) EndParkedSignIn(ctx context.Context, tokenHash string) error {
	return s.Store.DeleteMFAChallenge(ctx, tokenHash)
}

// notify emails u about a change to their account's security. The change
// is made either way: a message that cannot be queued is logged.
func (s *Service) notify(ctx context.Context, u store.User, subject, what string) {
	if s.Mail == nil || u.Email == "" {
		return
	}
	text := "Hello " + cmpName(u) + ",\n\n" + what + "\n\nIf this was not you, tell your Identity Center administrator at once.\n"
	if err := s.Mail.Queue(ctx, u.Email, subject, text, "mfa_device"); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "queue a security notice", "user", u.Username, "err", err)
	}
}

// authnContext is the AuthnContextClassRef of a portal session.
func authnContext(sess store.Session) string {
	if sess.Method == MethodMFA {
		return saml.AuthnContextMFA
	}
	return saml.AuthnContextPassword
}

// Session methods of the portal and the console.
const (
	MethodPassword = "password"
	MethodMFA      = "mfa"       // password and a registered device
	MethodEmailOTP = "email-otp" // password and a code sent by email: asserted as a password sign-in
)

// SendEmailCode emails u a one-time password for the parked sign-in
// tokenHash; only its hash is kept, with the sign-in, and it lasts as
// long as the sign-in waits (10 minutes).
func (s *Service) SendEmailCode(ctx context.Context, u store.User, tokenHash string) error {
	if s.Mail == nil {
		return ErrNoMail
	}
	n, err := rand.Int(s.rand(), big.NewInt(1_000_000))
	if err != nil {
		return err
	}
	code := fmt.Sprintf("%06d", n.Int64())
	if err := s.Store.SetMFACeremony(ctx, tokenHash, emailCodeDigest(tokenHash, code)); err != nil {
		return err
	}
	text := "Hello " + cmpName(u) + ",\n\nYour one-time password for signing in to the Signet access portal is:\n\n    " + code +
		"\n\nIt works once, for 10 minutes. If you did not just sign in, change your password and tell your administrator.\n"
	return s.Mail.Queue(ctx, u.Email, "Your sign-in code: "+code, text, "email_otp")
}

func emailCodeDigest(tokenHash, code string) string {
	sum := sha256.Sum256([]byte("signet email otp\x00" + tokenHash + "\x00" + code))
	return "otp:" + hex.EncodeToString(sum[:])
}

// CheckEmailCode accepts the code emailed for the parked sign-in, once.
func (s *Service) CheckEmailCode(ctx context.Context, tokenHash, code string) error {
	want, err := s.Store.TakeMFACeremony(ctx, tokenHash)
	if err != nil {
		return err
	}
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(emailCodeDigest(tokenHash, code))) == 1 {
		return nil
	}
	if want != "" { // a typo: the code stays good for the next try (attempts are counted)
		if err := s.Store.SetMFACeremony(ctx, tokenHash, want); err != nil {
			return err
		}
	}
	return ErrWrongCode
}
