// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package idp is the Identity Center: Signet's SAML identity provider,
// modelled on AWS IAM Identity Center. It has
//
//   - a directory of users (with a primary email) and groups;
//   - custom SAML 2.0 applications, each with its own entity ID
//     ({idp}/saml/apps/{id}), signing certificates (at most two, one
//     active), attribute mappings and assignments of users and groups;
//   - a console at /admin for Identity Center admins, in the words of the
//     AWS console (Applications → Add application → "I have an application I
//     want to set up" → SAML 2.0 → …);
//   - an access portal at /portal where people sign in and click a tile to
//     sign in to an application (IdP-initiated SSO), and the SSO service at
//     /saml/apps/{id}/sso for SP-initiated sign-in (HTTP-Redirect and
//     HTTP-POST).
//
// [Service] holds the rules (mapping expansion, who may get an assertion,
// key handling) and is shared by the console, the portal and the CLI.
// [Handler] is the composition root of the web edge: directoryConsole,
// appsConsole, portalHandler and ssoHandler each mount their own routes
// over a shared base (service, pages, sessions, limits, error rendering). Attribute mappings follow AWS: a new app
// sends only a persistent opaque Subject and no attributes; an unknown
// variable such as ${user:emial} is sent as literal text; an empty Subject
// means no assertion at all, and the user is told why.
package idp
