// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Command bench measures Signet's SAML hot paths side by side with the Go
// libraries people would otherwise use — crewjam/saml and gosaml2 — on
// identical inputs in one process, and drives the Workspace's ACS over HTTP
// under load against a minimal crewjam-based ACS. It is a module of its own
// so Signet's go.mod does not depend on them.
//
//	cd bench && go run .                 # micro-benchmarks and ratios
//	cd bench && go run . -load 10s       # plus the ACS load test (SQLite; PostgreSQL with -postgres URL)
//
// It ends with one line per target: "target NAME: RATIO (goal GOAL) met" or
// "… missed". See docs/PERFORMANCE.md.
package main
