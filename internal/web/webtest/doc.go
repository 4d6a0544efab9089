// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package webtest is a small browser for handler tests: it keeps cookies,
// does not follow redirects, and reports what a person would see.
package webtest
