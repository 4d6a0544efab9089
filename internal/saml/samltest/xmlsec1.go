// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package samltest

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/signet-sso/signet/internal/saml"
)

// NeedXMLSec1 skips the test when xmlsec1 is not installed, and fails it
// under CI, where .ci/run installs it.
func NeedXMLSec1(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("xmlsec1")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmlsec1 is not installed, but CI is set: .ci/run must install it")
		}
		t.Skip("xmlsec1 is not installed (apt-get install xmlsec1); skipping the independent-signer test")
	}
	return path
}

func writeKeyFiles(t testing.TB, key saml.KeyPair) (keyFile, certFile string) {
	t.Helper()
	dir := t.TempDir()
	der, err := saml.MarshalPrivateKey(key.Signer)
	if err != nil {
		t.Fatal(err)
	}
	keyFile = filepath.Join(dir, "key.pem")
	certFile = filepath.Join(dir, "cert.pem")
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	writeFile(t, certFile, []byte(key.CertificatePEM()))
	return keyFile, certFile
}

// signatureTemplate is an xmlsec1 template: exclusive c14n, the signature
// method alg, SHA-256, enveloped, referring to id.
func signatureTemplate(id, alg string) *etree.Element {
	doc := etree.NewDocument()
	_ = doc.ReadFromString(`<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
		`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
		`<ds:SignatureMethod Algorithm="` + alg + `"/>` +
		`<ds:Reference URI="#` + id + `"><ds:Transforms>` +
		`<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
		`<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>` +
		`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>` +
		`</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>`)
	return doc.Root()
}

// signatureAlg is the signature method for key: RSA-SHA256 or ECDSA-SHA256.
func signatureAlg(key saml.KeyPair) string {
	if _, ok := key.Signer.(*ecdsa.PrivateKey); ok {
		return saml.AlgECDSASHA256
	}
	return saml.AlgRSASHA256
}

// placeTemplate puts an xmlsec1 signature template for el after its Issuer.
func placeTemplate(el *etree.Element, alg string) {
	at := 0
	if iss := el.SelectElement("Issuer"); iss != nil {
		at = iss.Index() + 1
	}
	el.InsertChildAt(at, signatureTemplate(el.SelectAttrValue("ID", ""), alg))
}

// XMLSec1Sign strips the signatures of a Response and signs it again with
// xmlsec1: the Assertion when assertion is true, then the Response when
// response is true. RSA keys sign RSA-SHA256, ECDSA keys ECDSA-SHA256
// (which xmlsec1 writes as r‖s, as XML Signature says).
func XMLSec1Sign(t testing.TB, xml []byte, key saml.KeyPair, assertion, response bool) []byte {
	t.Helper()
	bin := NeedXMLSec1(t)
	alg := signatureAlg(key)
	keyFile, certFile := writeKeyFiles(t, key)
	doc := Parse(t, xml)
	resp := doc.Root()
	a := Assertion(t, doc)
	RemoveSignature(resp)
	RemoveSignature(a)
	place := func(el *etree.Element) { placeTemplate(el, alg) }
	run := func(in []byte) []byte {
		return xmlsec1SignFile(t, bin, keyFile, certFile, in,
			"urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "urn:oasis:names:tc:SAML:2.0:protocol:Response")
	}
	if assertion {
		place(a)
		xml = run(Bytes(t, doc))
		doc = Parse(t, xml)
		resp = doc.Root()
	}
	if response {
		place(resp)
		// xmlsec1 signs the first template in document order, which is now
		// the Response's (the Assertion's is filled in already).
		xml = run(Bytes(t, doc))
	}
	return xml
}

// XMLSec1Verify checks the first ds:Signature of xml (in document order)
// with cert only; node names the signed element ("Response" or
// "Assertion") so its ID attribute is recognised.
func XMLSec1Verify(t testing.TB, xml []byte, cert *x509.Certificate) error {
	t.Helper()
	bin := NeedXMLSec1(t)
	dir := t.TempDir()
	certFile, inFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "in.xml")
	writeFile(t, certFile, []byte(saml.EncodeCertificatesPEM(cert)))
	writeFile(t, inFile, xml)
	cmd := exec.Command(bin, "--verify", "--pubkey-cert-pem", certFile, "--enabled-key-data", "x509,rsa",
		"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
		"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
		"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest",
		"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:LogoutResponse", inFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return &verifyError{strings.TrimSpace(string(out))}
	}
	return nil
}

type verifyError struct{ out string }

func (e *verifyError) Error() string { return "xmlsec1 --verify failed: " + e.out }

// writeFile writes a test file or ends the test.
func writeFile(t testing.TB, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// XMLSec1SignRoot signs the root element of a SAML protocol message (a
// LogoutRequest, a LogoutResponse, an AuthnRequest…) with xmlsec1,
// replacing any signature it had: an independent signer for what Signet
// verifies.
func XMLSec1SignRoot(t testing.TB, xml []byte, key saml.KeyPair) []byte {
	t.Helper()
	bin := NeedXMLSec1(t)
	alg := signatureAlg(key)
	keyFile, certFile := writeKeyFiles(t, key)
	doc := Parse(t, xml)
	root := doc.Root()
	RemoveSignature(root)
	placeTemplate(root, alg)
	return xmlsec1SignFile(t, bin, keyFile, certFile, Bytes(t, doc), saml.NSProtocol+":"+root.Tag)
}

// xmlsec1SignFile fills in the signature templates of in with xmlsec1;
// idNodes name the elements (namespace:local) whose ID attribute is an ID.
func xmlsec1SignFile(t testing.TB, bin, keyFile, certFile string, in []byte, idNodes ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	inFile, outFile := filepath.Join(dir, "in.xml"), filepath.Join(dir, "out.xml")
	writeFile(t, inFile, in)
	args := []string{"--sign", "--privkey-pem", keyFile + "," + certFile}
	for _, n := range idNodes {
		args = append(args, "--id-attr:ID", n)
	}
	cmd := exec.Command(bin, append(args, "--output", outFile, inFile)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xmlsec1 --sign: %v\n%s", err, out)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
