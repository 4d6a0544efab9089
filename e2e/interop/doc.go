// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package interop signs people in between Signet and real third-party SAML
// implementations, all on 127.0.0.1: Signet's Identity Center with SPs
// (pysaml2, python3-saml, …), and Signet's Workspace with IdPs (pysaml2).
// Each test starts Signet and the peer, configures each from the other's
// metadata, drives a whole sign-in over HTTP with a cookie jar, and checks
// who the other side says is signed in. A peer that is not installed makes
// its test skip with a message; under CI (CI set) that is a failure, since
// .ci/run installs every peer. Each test adds its row to the matrix that
// TestMain writes to $SIGNET_INTEROP_MATRIX (docs/INTEROP.md is made so).
package interop
