// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package web is the HTTP plumbing both roles share: the middleware chain
// every listener runs (panic recovery, request IDs, structured access logs,
// Prometheus metrics, secure headers), the health endpoints, and the server
// lifecycle with graceful shutdown.
//
// Handlers of the roles (packages idp and sp) mount their routes on a
// *http.ServeMux; [Wrap] puts the chain around it. Errors shown to a browser
// never carry internal detail: that goes to the log with the request ID,
// which the page shows so an operator can find it.
package web
