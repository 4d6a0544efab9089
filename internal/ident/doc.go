// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package ident normalises and checks the identifiers that people type and
// identity providers send — emails, usernames, names — in one place, so
// every form, command and SAML assertion follows the same rules: Unicode
// NFKC, no control, bidi-control or zero-width characters, length limits,
// and one email validator (DESIGN §4 rule 16, SECURITY-CASES 98).
package ident
