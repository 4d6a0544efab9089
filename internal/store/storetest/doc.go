// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package storetest is the conformance suite every [store.Store] backend
// runs: create/read/update/delete with not-found and conflict semantics for
// each entity, uniqueness rules, all-or-nothing transactions, and the
// concurrency guarantees the SAML layer relies on (one winner among
// concurrent replay-cache inserts and request-ID consumptions).
//
// A backend's test calls [Run] with a function that returns a fresh, empty
// store for each subtest.
package storetest
