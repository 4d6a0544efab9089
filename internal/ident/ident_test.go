// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package ident

import (
	"errors"
	"strings"
	"testing"
)

func TestEmail(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		err      error
	}{
		{"pat@example.com", "pat@example.com", nil},
		{"  Pat@Example.COM ", "Pat@Example.COM", nil},
		{"ｐａｔ@example.com", "pat@example.com", nil}, // fullwidth folds (NFKC)
		{"", "", ErrEmpty},
		{"pat", "", ErrNotAnAddr},
		{"Pat <pat@example.com>", "", ErrNotAnAddr},
		{"pat@", "", ErrNotAnAddr},
		{"@example.com", "", ErrNotAnAddr},
		{"pat@exam ple.com", "", ErrNotAnAddr},
		{"pat\x00@example.com", "", ErrHidden},
		{"pat\u202e@example.com", "", ErrHidden}, // RTL override
		{"pa\u200bt@example.com", "", ErrHidden}, // zero-width space
		{"pat@example.com\u2066", "", ErrHidden}, // bidi isolate
		{strings.Repeat("a", 5000) + "@example.com", "", ErrTooLong},
		{"${user:email}", "", ErrNotAnAddr},
		{"аdmin@acme.example", "", ErrMixed},      // Cyrillic а among Latin letters
		{"admin@аcme.example", "", ErrMixed},      // in the domain
		{"иван@пример.рф", "иван@пример.рф", nil}, // one script is fine
		{"用户@例子.广告", "用户@例子.广告", nil},
	} {
		got, err := Email(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Email(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestClean(t *testing.T) {
	if got, err := Clean("  Acme\u00a0Analytics ", MaxName); err != nil || got != "Acme Analytics" {
		t.Errorf("Clean = %q, %v", got, err)
	}
	if _, err := Clean(strings.Repeat("x", MaxName+1), MaxName); !errors.Is(err, ErrTooLong) {
		t.Errorf("a long name: %v", err)
	}
	if _, err := Clean("Acme\u202eevil", MaxName); !errors.Is(err, ErrHidden) {
		t.Errorf("an RTL override: %v", err)
	}
	if _, err := Clean("bad\xffutf8", MaxName); !errors.Is(err, ErrHidden) {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"pat@example.com", "a\u202eb@c.d", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Email(s)
		if err != nil {
			return
		}
		if again, err := Email(got); err != nil || again != got {
			t.Fatalf("Email is not idempotent: %q → %q → %q, %v", s, got, again, err)
		}
		if strings.IndexFunc(got, hidden) >= 0 || len(got) > MaxEmail {
			t.Fatalf("Email(%q) = %q lets through what it refuses", s, got)
		}
	})
}
