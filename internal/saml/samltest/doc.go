// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package samltest builds SAML messages for tests: an [Env] with an IdP key,
// an SP and a clock; valid signed responses; helpers to take a signed
// document apart and sign it again (to build the hostile documents of
// SECURITY-CASES.md from a valid one); and [XMLSec1Sign] and
// [XMLSec1Verify], which use the xmlsec1 tool so our verifier is also tested
// against a signer that is not our own code.
package samltest
