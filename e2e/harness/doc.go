// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package harness runs Signet for the end-to-end tests: a real `signet
// serve` (both roles) on a database of the test's choosing, the CLI against
// the same database, and an HTTP "browser" with a cookie jar that follows
// redirects and submits the SAML binding's auto-posting forms, as a person's
// browser would.
package harness
