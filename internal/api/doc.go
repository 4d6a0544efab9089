// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package api is the Workspace's management API at /api/v1, for the host
// apps that run Signet as their enterprise-SSO layer: orgs (by ID, slug
// or the host app's external ID), each org's SSO connection, members,
// setup links, sign-in attempts and host apps (OAuth clients).
//
// Requests carry an API key (Authorization: Bearer); keys are stored
// hashed and revocable. Bodies are JSON; errors are RFC 9457 problem
// documents carrying Signet's error codes; lists page with an opaque
// cursor. openapi.json describes all of it and is served at
// /api/v1/openapi.json.
//
// What belongs here: the HTTP shape of the API and its keys. The rules
// themselves are the services' (internal/sp, internal/oidc).
package api
