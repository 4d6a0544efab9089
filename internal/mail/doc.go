// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package mail sends Signet's email. A message is first written to the
// database (store.Mailbox), so a crash or a mail server that is down never
// loses it; a background worker delivers it over SMTP
// (github.com/wneessen/go-mail: STARTTLS required by default, and
// authentication), retrying with backoff, and failures stay visible on the
// console's Email page. In `signet demo` there is no mail server: messages
// stay in the outbox, which that page shows in full.
package mail
