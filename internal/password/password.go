// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package password hashes and checks passwords with argon2id, stored in the
// PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so parameters can
// be raised later without breaking stored hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default follows the OWASP recommendation for argon2id (19 MiB, t=2, p=1).
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// Cheap is for tests only: fast, and still a real argon2id hash.
var Cheap = Params{Memory: 64, Time: 1, Threads: 1}

// MinLength is the shortest password Signet accepts.
const MinLength = 10

// MaxLength bounds the work an attacker can force per attempt.
const MaxLength = 256

// ErrMismatch means the password does not match the hash.
var ErrMismatch = errors.New("password does not match")

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of password under p.
func Hash(password string, p Params) (string, error) {
	if len(password) > MaxLength {
		return "", fmt.Errorf("password longer than %d bytes", MaxLength)
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check compares password with a stored hash in constant time. An empty or
// malformed hash never matches.
func Check(hash, password string) error {
	if len(password) > MaxLength {
		return ErrMismatch
	}
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return ErrMismatch
	}
	var version int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return ErrMismatch
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory > 1<<21 || p.Time > 16 || p.Threads == 0 {
		return ErrMismatch
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return ErrMismatch
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// Validate explains why a new password is unacceptable, or returns nil.
func Validate(password string) error {
	switch {
	case len(password) < MinLength:
		return fmt.Errorf("use at least %d characters", MinLength)
	case len(password) > MaxLength:
		return fmt.Errorf("use at most %d characters", MaxLength)
	}
	return nil
}

// Generate returns a random password for people to copy: 20 characters
// from an alphabet without look-alikes.
func Generate() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
