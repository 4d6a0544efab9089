// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package scim is SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) as the
// Workspace serves it to an org's IdP: the User and Group resources and
// the messages around them (list responses, errors, PATCH operations),
// filters evaluated over resources (parsed by
// github.com/scim2/filter-parser), and the lenient reading of the shapes
// Okta and Microsoft Entra ID really send (booleans as strings, path-less
// replace values, capitalised operation names).
package scim
