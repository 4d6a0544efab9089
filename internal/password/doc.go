// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package password hashes and checks passwords with argon2id, stored in the
// PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so parameters can
// be raised later without breaking stored hashes.
//
// Validate holds the rules for new passwords: no composition rules;
// common, guessable and personal ones are refused.
package password
