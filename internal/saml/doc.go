// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package saml is Signet's SAML 2.0 protocol core, shared by the Identity
// Center (IdP) and the Workspace (SP). It has no HTTP server, no storage and
// no package-level state: the clock, randomness, limits and the lookups that
// need shared state (outstanding request IDs, the replay cache) are fields
// and interfaces the caller supplies.
//
// What it does:
//   - Metadata: [ParseMetadata] reads IdP and SP EntityDescriptor documents as
//     real IdPs write them; [IdPMetadata] and [SPMetadata] write ours.
//   - IdP side: [IssueResponse] builds a Response with one Assertion and signs
//     it (RSA-SHA256 or ECDSA-SHA256, exclusive c14n; the assertion, the
//     response or both); [ParseAuthnRequest] reads AuthnRequests from the
//     HTTP-Redirect and HTTP-POST bindings; [PostForm] renders the
//     auto-submitting form.
//   - SP side: [NewAuthnRequest] and [Verifier.Verify], which follows
//     OpenSAML's signature profile (see verify.go for the rules, each with
//     the section of the spec it comes from); [ResolveIdentity] finds the
//     person's email by the Workspace's rules and explains failures in the
//     words of the IdP's console.
//
// Every rejection is an [*Error] with a stable [Code], a message that is
// safe to show and a hint on how to fix it; the cause, which may hold
// attacker-controlled detail, is only for logs.
//
// Signatures and canonicalization are never hand-written here: goxmldsig
// verifies and signs, xml-roundtrip-validator guards the parser, and
// crewjam/saml's xmlenc decrypts.
package saml
