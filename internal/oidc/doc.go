// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package oidc is the Workspace's OpenID Connect provider for host apps:
// SaaS apps that sign their customers' people in through Signet. A host app
// sends a person to /oauth/authorize naming the customer's org; the person
// signs in at that org's IdP over SAML (the Workspace's ACS); the host app
// redeems a code for an ID token carrying a normalised profile.
//
// The OAuth 2.0 and OpenID Connect protocol is github.com/zitadel/oidc's
// (an OpenID Certified provider); this package supplies what it stores
// (clients, requests, codes, tokens and keys, all in the database so any
// replica serves any step), how the org is chosen, and the profile.
//
// What belongs here: host-app registration rules, the op.Storage
// implementation, the choice of org, the claims. What does not: SAML (the
// Workspace's ACS in internal/sp does it and hands over the sign-in).
package oidc
