// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default follows the OWASP recommendation for argon2id (19 MiB, t=2, p=1).
func Default() Params { return Params{Memory: 19 * 1024, Time: 2, Threads: 1} }

// Cheap is for tests only: fast, and still a real argon2id hash.
func Cheap() Params { return Params{Memory: 64, Time: 1, Threads: 1} }

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
// There are no composition rules (NIST SP 800-63B): a long enough password
// is refused only when it is common or guessable (zxcvbn's estimate), or
// holds personal, one of the person's email, username or names.
func Validate(password string, personal ...string) error {
	switch {
	case len(password) < MinLength:
		return fmt.Errorf("use at least %d characters", MinLength)
	case len(password) > MaxLength:
		return fmt.Errorf("use at most %d characters", MaxLength)
	}
	lower := strings.ToLower(password)
	var inputs []string
	for _, p := range personal {
		p = strings.ToLower(p)
		if at := strings.LastIndexByte(p, '@'); at >= 0 {
			if dot := strings.LastIndexByte(p, '.'); dot > at {
				p = p[:dot] // an email's top-level domain is nobody's name
			}
		}
		for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '@' || r == ' ' || r == '.' || r == '-' || r == '_' }) {
			if utf8.RuneCountInString(part) >= 4 {
				if strings.Contains(lower, part) {
					return fmt.Errorf("do not use your name, username or email in it")
				}
				inputs = append(inputs, part)
			}
		}
	}
	if zxcvbn.PasswordStrength(password, inputs).Score < MinStrength {
		return fmt.Errorf("it is too common or too easy to guess: try a few unrelated words")
	}
	return nil
}

// MinStrength is the least zxcvbn score (0–4) a new password needs: 2
// refuses the common and the predictable ("password123", "qwertyuiop").
const MinStrength = 2

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
