// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package sp is the Workspace: Signet's multi-tenant SAML service provider,
// modelled on a SaaS product's org settings and sign-in (Amplitude, in the
// seed document). Organizations are on plans (SSO on Scholarship, Growth and
// Enterprise only); members have roles (viewer, member, manager, admin) and
// only admins may see or change SSO settings.
//
// Each org has its own SP entity ID ({sp}/saml/{org}/metadata) and ACS
// ({sp}/saml/{org}/acs), and at most one SSO connection: the IdP metadata
// an admin uploaded on Settings > Organization settings > Access & SSO
// Settings > Single Sign-On Settings. The ACS verifies a response with that
// org's connection only, the replay cache every replica shares, and the
// AuthnRequest IDs this org issued (and this browser started); then it
// finds the member by email, accepts their invitation, or provisions them
// just in time, or refuses. Every attempt goes to the org's sign-in attempts
// log with a diagnosis and a hint in the IdP's own words; a successful
// sign-in's session, attempt and audit entry are written together.
//
// [Service] holds the rules; [Handler] is the composition root of the web
// edge: signInPages, orgPages, ssoPages and samlEndpoints each mount their
// own routes over a shared base.
//
// A response meant for one org never signs anyone into another: the
// Audience, Recipient, Destination, trusted certificates and outstanding
// request IDs are all the org's own, and the session is bound to the org.
package sp
