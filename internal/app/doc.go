// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package app is Signet's wiring: it parses the command line (flags, with
// SIGNET_* environment variables as fallbacks), validates the whole
// configuration at once, opens the store, builds each role's handler and
// runs the listeners until a signal asks them to drain and stop.
//
// [Run] is the whole program; cmd/signet only calls it. It returns the exit
// code: 0 for success, 1 when the work failed, 2 for a usage error.
package app
