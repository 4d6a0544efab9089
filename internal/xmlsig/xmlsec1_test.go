// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package xmlsig_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// needXMLSec1 skips the test without xmlsec1, and fails it under CI,
// where .ci/run installs it.
func needXMLSec1(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("xmlsec1")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmlsec1 is not installed, but CI is set: .ci/run must install it")
		}
		t.Skip("xmlsec1 not installed")
	}
	return bin
}

// xmlsec1Verify asks xmlsec1 (libxmlsec1 on libxml2 and OpenSSL) whether
// the signature that is a child of doc's root verifies with cert's key
// alone. The root's ID attribute is declared an ID, as a SAML schema would.
func xmlsec1Verify(t *testing.T, bin string, doc []byte, cert *x509.Certificate, rootNS, rootLocal string) error {
	t.Helper()
	dir := t.TempDir()
	certFile, inFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "in.xml")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inFile, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	idNode := rootLocal
	if rootNS != "" {
		idNode = rootNS + ":" + rootLocal
	}
	out, err := exec.Command(bin, "--verify", "--pubkey-cert-pem", certFile, "--enabled-key-data", "rsa,ec",
		"--id-attr:ID", idNode,
		"--node-xpath", "/*/*[local-name()='Signature' and namespace-uri()='"+xmlsig.NSDSig+"']", inFile).CombinedOutput()
	if err != nil {
		return &xmlsec1Error{strings.TrimSpace(string(out))}
	}
	return nil
}

type xmlsec1Error struct{ out string }

func (e *xmlsec1Error) Error() string { return "xmlsec1 --verify: " + e.out }

// TestXMLSec1AcceptsWhatTheEngineAccepts: every signature of the corpus
// (fixtures from real IdPs and attack variants) that the engine verifies
// with its KeyInfo certificate, xmlsec1 verifies too, on the same element.
func TestXMLSec1AcceptsWhatTheEngineAccepts(t *testing.T) {
	bin := needXMLSec1(t)
	accepted := 0
	for _, d := range parsedCorpus(t) {
		for _, se := range signedElements(d.doc.Root) {
			s, cert, ok := keyInfoSignature(se)
			if !ok || s.Verify(cert.PublicKey) != nil {
				continue
			}
			accepted++
			out := etree.NewDocument()
			out.SetRoot(detachedCopy(etreeAt(d.edoc.Root(), se.path)))
			b, err := out.WriteToBytes()
			if err != nil {
				t.Fatal(err)
			}
			if err := xmlsec1Verify(t, bin, b, cert, se.el.NS, se.el.Local); err != nil {
				t.Errorf("%s %v: the engine accepts a signature xmlsec1 refuses: %v", d.name, se.path, err)
			}
		}
	}
	if accepted < 10 {
		t.Fatalf("only %d signatures verified: is the corpus missing?", accepted)
	}
	t.Logf("xmlsec1 agreed on %d signatures", accepted)
}

// TestXMLSec1VerifiesWhatTheEngineSigns: documents with what trips
// canonicalisers (default and unused namespaces, an undeclared default,
// escapes, CR, CDATA, comments, processing instructions), signed by the
// engine with RSA and with ECDSA P-256 (r‖s), verify in xmlsec1.
func TestXMLSec1VerifiesWhatTheEngineSigns(t *testing.T) {
	bin := needXMLSec1(t)
	docs := []string{
		`<r:Root xmlns:r="urn:r" ID="_1"><r:Issuer>i</r:Issuer><r:Body a="&quot;&lt;&#9;&#10;">t &amp; &#13; <![CDATA[<x>]]><!--c--><?pi d?></r:Body></r:Root>`,
		`<Root xmlns="urn:d" xmlns:unused="urn:u" ID="_2"><Issuer/><x:Y xmlns:x="urn:x"><Z xmlns=""/></x:Y>  tail </Root>`,
		`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_3"><saml:Issuer>https://idp</saml:Issuer><saml:Assertion ID="_4"><saml:Issuer>https://idp</saml:Issuer><saml:AttributeStatement><saml:Attribute Name="e"><saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">pat@corp.example</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`,
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []crypto.Signer{rsaKey, ecKey} {
		cert := selfSigned(t, key)
		for i, src := range docs {
			doc, err := xmlsig.Parse([]byte(src), xmlsig.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			root := doc.Root
			var first *xmlsig.Node
			for c := range root.ChildElements() {
				first = c
				break
			}
			if err := xmlsig.Sign(root, first, key, cert.Raw); err != nil {
				t.Fatal(err)
			}
			out, err := xmlsig.Write(nil, root)
			if err != nil {
				t.Fatal(err)
			}
			if err := xmlsec1Verify(t, bin, out, cert, root.NS, root.Local); err != nil {
				t.Errorf("%T, document %d: xmlsec1 refuses what the engine signed: %v\n%s", key, i, err, out)
			}
			// The check can fail: one changed character of signed content
			// and xmlsec1 refuses.
			end := strings.LastIndex(string(out), "</")
			tampered := string(out[:end]) + "x" + string(out[end:])
			if xmlsec1Verify(t, bin, []byte(tampered), cert, root.NS, root.Local) == nil {
				t.Errorf("%T, document %d: xmlsec1 accepts a tampered document", key, i)
			}
		}
	}
}

func selfSigned(t *testing.T, key crypto.Signer) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "xmlsig test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}
