// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package secret seals data at rest, such as the Identity Center's private
// signing keys, with AES-256-GCM under the server's secret key. The key
// comes from SIGNET_SECRET_KEY, or from a key file that Signet creates with
// mode 0600 in its data directory on first start.
//
// MAC authenticates values the server hands out and gets back
// (remembered browsers).
package secret
