// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package samltest

import (
	"crypto/x509"
	"testing"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"

	"github.com/signet-sso/signet/internal/saml"
)

// Encrypt replaces the Response's Assertion with an EncryptedAssertion for
// cert, using key transport kt (e.g. xmlenc.OAEP()) with cipher as its
// content cipher. It returns the new document bytes; the Response's own
// signature, if any, is removed (re-sign it if needed).
func Encrypt(t testing.TB, xml []byte, cert *x509.Certificate, kt xmlenc.RSA, cipher xmlenc.BlockCipher) []byte {
	t.Helper()
	doc := Parse(t, xml)
	resp := doc.Root()
	RemoveSignature(resp)
	a := Assertion(t, doc)
	DeclareNamespaces(a)
	adoc := etree.NewDocument()
	adoc.SetRoot(a.Copy())
	plain, err := adoc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	kt.BlockCipher = cipher
	ed, err := kt.Encrypt(cert, plain, nil)
	if err != nil {
		t.Fatal(err)
	}
	ed.CreateAttr("xmlns:xenc", "http://www.w3.org/2001/04/xmlenc#")
	ea := etree.NewElement("saml:EncryptedAssertion")
	ea.CreateAttr("xmlns:saml", saml.NSAssertion)
	ea.AddChild(ed)
	idx := a.Index()
	resp.RemoveChild(a)
	resp.InsertChildAt(idx, ea)
	return Bytes(t, doc)
}
