// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package events is the Workspace's event log as host apps see it: the
// JSON form of events read through the API with a cursor, and webhooks —
// endpoints the operator registers, to which a background worker delivers
// each event in log order, signed with HMAC-SHA256 over a timestamp and
// the body, retried with backoff and logged, with redelivery on demand.
//
// The store writes events in the transactions of the changes they
// describe (sign-ins, directory sync, connections); this package only
// reads, formats and delivers them.
package events
