// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/signet-sso/signet/internal/store"
)

// Recovery codes: ten single-use codes, shown once when a person registers
// their first MFA device (or makes new ones). A code stands in for a lost
// device after the password, never for the password, and is asserted as a
// password sign-in, not as MFA.

// recoveryCodes is how many codes a person gets.
const recoveryCodes = 10

// codeEncoding has no look-alikes (no l, o, 0 or 1).
var codeEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// MethodRecovery is a session opened with a recovery code.
const MethodRecovery = "recovery-code"

func recoveryHash(userID, code string) string {
	code = strings.NewReplacer("-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("signet recovery code\x00" + userID + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// NewRecoveryCodes replaces u's recovery codes and returns the new ones
// (to be shown once), audited.
func (s *Service) NewRecoveryCodes(ctx context.Context, actor string, u store.User) ([]string, error) {
	codes := make([]string, recoveryCodes)
	hashes := make([]string, recoveryCodes)
	for i := range codes {
		b := make([]byte, 7) // 56 bits each
		if _, err := io.ReadFull(s.rand(), b); err != nil {
			return nil, err
		}
		c := codeEncoding.EncodeToString(b)[:10]
		codes[i], hashes[i] = c[:5]+"-"+c[5:], recoveryHash(u.ID, c)
	}
	if err := s.Store.SetRecoveryCodes(ctx, u.ID, hashes); err != nil {
		return nil, err
	}
	s.Audit(ctx, actor, "mfa.recovery_codes", u.Username, "made new recovery codes; earlier ones no longer work")
	return codes, nil
}

// FirstRecoveryCodes makes u's recovery codes if u has none yet (their
// first device) and returns them; nil when u has codes already.
func (s *Service) FirstRecoveryCodes(ctx context.Context, actor string, u store.User) ([]string, error) {
	n, err := s.Store.CountRecoveryCodes(ctx, u.ID)
	if err != nil || n > 0 {
		return nil, err
	}
	return s.NewRecoveryCodes(ctx, actor, u)
}

// UseRecoveryCode accepts one of u's recovery codes, once, and tells u by
// email how many are left.
func (s *Service) UseRecoveryCode(ctx context.Context, u store.User, code string) (int, error) {
	used, left, err := s.Store.UseRecoveryCode(ctx, u.ID, recoveryHash(u.ID, code))
	if err != nil {
		return 0, err
	}
	if !used {
		return 0, ErrWrongCode
	}
	s.Audit(ctx, u.Username, "mfa.recovery_code_used", u.Username, fmt.Sprintf("signed in with a recovery code; %d left", left))
	s.notify(ctx, u, "A recovery code was used to sign in", fmt.Sprintf("A recovery code was used to sign in to your Signet access portal account (%s). %d codes are left; register a new MFA device and make new codes under MFA devices.", u.Username, left))
	return left, nil
}
