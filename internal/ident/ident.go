// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package ident

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits of identifiers, in characters.
const (
	MaxEmail = 254 // RFC 5321's path limit
	MaxName  = 128 // usernames, display names, org names
)

// Errors of Clean and Email; their text is safe to show.
var (
	ErrEmpty     = errors.New("it is empty")
	ErrHidden    = errors.New("it contains control, direction-changing or invisible characters")
	ErrTooLong   = errors.New("it is too long")
	ErrNotAnAddr = errors.New("it is not an email address such as pat@example.com")
	ErrMixed     = errors.New("it mixes letters of different scripts (for example a Cyrillic а among Latin letters), which can imitate another address")
)

// hidden reports characters that change how text reads without showing:
// controls, bidi controls and isolates, zero-width characters, BOMs.
func hidden(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', // zero-width
		'\u061c', '\u200e', '\u200f', // bidi marks
		'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', // bidi embeddings and overrides
		'\u2066', '\u2067', '\u2068', '\u2069': // bidi isolates
		return true
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// Clean returns s in NFKC form without surrounding space, or an error if
// it is empty, longer than max characters, or holds hidden characters.
func Clean(s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", ErrHidden
	}
	s = strings.TrimSpace(norm.NFKC.String(s))
	switch {
	case s == "":
		return "", ErrEmpty
	case strings.IndexFunc(s, hidden) >= 0:
		return "", ErrHidden
	case utf8.RuneCountInString(s) > max:
		return "", fmt.Errorf("%w (at most %d characters)", ErrTooLong, max)
	}
	return s, nil
}

// NormEmail is the form an email is stored and looked up in: NFKC, trimmed,
// lower-case. It checks nothing (see Email).
func NormEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
}

// Email checks a bare email address (no display name, a local part and a
// domain) and returns it in NFKC form, trimmed, its case kept (NormEmail
// folds it for storage and lookups), or an error saying what is wrong.
func Email(s string) (string, error) {
	s, err := Clean(s, MaxEmail)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(s, " \t<>\"") {
		return "", ErrNotAnAddr
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return "", ErrNotAnAddr
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > MaxEmail {
		return "", ErrNotAnAddr
	}
	if mixedScripts(s[:at]) || mixedScripts(s[at+1:]) {
		return "", ErrMixed
	}
	return s, nil
}

// scripts a homoglyph could come from; letters of other scripts (Han,
// Arabic…) are not confused with Latin and pass.
var confusable = []*unicode.RangeTable{unicode.Latin, unicode.Cyrillic, unicode.Greek, unicode.Armenian, unicode.Cherokee}

// mixedScripts reports letters of two of the confusable scripts in s.
func mixedScripts(s string) bool {
	seen := -1
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		for i, t := range confusable {
			if unicode.Is(t, r) {
				if seen >= 0 && seen != i {
					return true
				}
				seen = i
			}
		}
	}
	return false
}
