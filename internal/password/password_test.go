// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package password

import (
	"strings"
	"testing"
)

func TestHashCheck(t *testing.T) {
	h, err := Hash("correct horse battery", Cheap())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("Hash = %q, want PHC argon2id", h)
	}
	if err := Check(h, "correct horse battery"); err != nil {
		t.Errorf("Check(right) = %v", err)
	}
	tests := []struct{ name, hash, pw string }{
		{"wrong password", h, "correct horse batterY"},
		{"empty hash", "", "x"},
		{"garbage hash", "$argon2id$v=19$zzz", "x"},
		{"other algorithm", strings.Replace(h, "argon2id", "argon2i", 1), "correct horse battery"},
		{"absurd memory", strings.Replace(h, "m=64", "m=99999999", 1), "correct horse battery"},
		{"too long", h, strings.Repeat("a", MaxLength+1)},
	}
	for _, tt := range tests {
		if err := Check(tt.hash, tt.pw); err != ErrMismatch {
			t.Errorf("%s: Check = %v, want ErrMismatch", tt.name, err)
		}
	}
}

func TestValidateAndGenerate(t *testing.T) {
	if Validate("short") == nil || Validate(strings.Repeat("x", 300)) == nil {
		t.Error("Validate accepted a bad length")
	}
	g := Generate()
	if Validate(g) != nil || g == Generate() {
		t.Errorf("Generate = %q: must be valid and random", g)
	}
}

// TestValidateRefusesCommonAndPersonal: no composition rules, but common
// and guessable passwords, and ones holding the person's email, username
// or names, are refused (DESIGN §5; the accounts item).
func TestValidateRefusesCommonAndPersonal(t *testing.T) {
	for _, tt := range []struct {
		pw       string
		personal []string
		ok       bool
	}{
		{"velvet-harbor-lantern", nil, true},
		{"all lowercase but long enough words", nil, true}, // no composition rules
		{"short", nil, false},
		{"password123", nil, false},
		{"qwertyuiop", nil, false},
		{"1234567890", nil, false},
		{"patricia-is-great", []string{"patricia@corp.example"}, false},
		{"corp-example-rocks", []string{"pat@corp.example"}, false},
		{"Bob-Builder-2026!", []string{"bob", "Bob Builder"}, false},
		{"velvet-harbor-lantern", []string{"pat@corp.example", "Pat"}, true},
	} {
		if err := Validate(tt.pw, tt.personal...); (err == nil) != tt.ok {
			t.Errorf("Validate(%q, %v) = %v, want ok=%v", tt.pw, tt.personal, err, tt.ok)
		}
	}
}
