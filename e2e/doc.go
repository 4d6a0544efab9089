// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package e2e holds Signet's end-to-end tests: the seed document's 15 steps
// done in a real browser (Debian's chromium, driven by chromedp) against a
// running Signet, on SQLite and on PostgreSQL; and, under interop/, sign-ins
// with third-party SAML implementations.
//
// Without chromium the browser tests skip with a message; under CI (CI set)
// that is a failure, because .ci/run installs it. Screenshots of every step
// go to e2e/output/<database>/ (or $SIGNET_E2E_OUTPUT).
package e2e
