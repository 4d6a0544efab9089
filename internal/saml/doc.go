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
//     HTTP-Redirect and HTTP-POST bindings (the auto-submitting form of the
//     POST binding is the web edge's, web.WriteAutoPost).
//   - SP side: [NewAuthnRequest] and [Verifier.Verify], which follows
//     OpenSAML's signature profile (see verify.go for the rules, each with
//     the section of the spec it comes from). Who the assertion names by the
//     Workspace's rules, and hints in the IdP's own words, are package
//     signin's: product policy stays out of the protocol core.
//
// Every rejection is an [*Error] with a stable [Code], a message that is
// safe to show and a hint on how to fix it; the cause, which may hold
// attacker-controlled detail, is only for logs.
//
// XML is parsed, canonicalized, signed and verified by package xmlsig,
// Signet's strict engine for this profile (DESIGN.md §7), with goxmldsig,
// xml-roundtrip-validator, xmlsec1 and lxml as its oracles in the tests;
// crewjam/saml's xmlenc encrypts and decrypts.
package saml
