// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package signin is the Workspace's identity policy, shared by the ACS and
// `signet saml verify`: who a verified assertion says signed in (the email,
// from the NameID or the attributes each IdP uses, with placeholders and
// empty statements diagnosed), which identity provider sent it (recognised
// from its entity ID), and the hints that say how to fix a refusal in that
// provider's own words. The SAML protocol itself is package saml's; this
// package holds the product's rules on top of it.
package signin
