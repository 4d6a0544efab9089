// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package xmlsig is Signet's XML engine for its SAML profile: one strict
// parser, one tree, exclusive canonicalization over that tree, and
// enveloped XML Signatures made and checked with the standard library's
// crypto (DESIGN.md §7).
//
// The profile, and nothing else:
//   - [Parse] reads the bytes once into the only tree. It refuses every
//     DTD construct, undeclared prefixes, duplicate attributes (also under
//     two prefixes of one namespace), names that other parsers read
//     differently, characters XML does not allow, and documents beyond the
//     [Limits]. Text and attribute values are stored as the XML data model
//     has them (line ends and attribute whitespace normalized, references
//     resolved), so what is canonicalized, digested and read is one thing.
//   - [Canonicalize] writes Exclusive XML Canonicalization 1.0 (without
//     comments, with an optional InclusiveNamespaces PrefixList) of a
//     subtree, leaving out one node (the enveloped signature) without
//     copying anything.
//   - [ParseSignature] checks a ds:Signature against the profile before any
//     cryptography: one SignedInfo, one SignatureValue, at most one
//     KeyInfo, no Object, no comment or processing instruction; exclusive
//     c14n; exactly one Reference to the parent's ID with the transforms
//     enveloped-signature then exclusive c14n; SHA-1/256/384/512 digests
//     and RSA PKCS#1 v1.5 or ECDSA (r‖s) signatures. [Signature.Verify]
//     then checks the digest and the signature with one public key.
//   - [Sign] signs an element built with [NewElement] and friends through
//     the same canonicalizer, and [Write] serializes a tree.
//
// The general libraries (goxmldsig, etree, xml-roundtrip-validator,
// xmlsec1, lxml) are kept in the tests as oracles: every document this
// package accepts they accept with the same signed element, and its
// canonical bytes equal theirs.
package xmlsig
