// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml_test

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

const (
	idpEntity = "https://idp.example.com/saml/apps/app_1"
	spSLO     = "https://sp.example.com/saml/acme/slo"
)

var logoutNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func logoutPolicy(t *testing.T) saml.LogoutPolicy {
	return saml.LogoutPolicy{Issuer: idpEntity, Destination: spSLO, Certs: []*x509.Certificate{samltest.Key(t, "idp").Certificate}, Now: logoutNow}
}

func unsignedLogoutRequest(t *testing.T, mutate func(*saml.LogoutRequestParams)) []byte {
	t.Helper()
	p := saml.LogoutRequestParams{Issuer: idpEntity, Destination: spSLO, NameID: "pat@corp.example",
		NameIDFormat: saml.NameIDEmail, SessionIndex: "_s1", Now: logoutNow, Rand: rand.Reader}
	if mutate != nil {
		mutate(&p)
	}
	_, xml, err := saml.NewLogoutRequest(p)
	if err != nil {
		t.Fatal(err)
	}
	return xml
}

// TestLogoutMessagesSignedBySignetVerifyInXMLSec1: what Signet signs,
// another implementation verifies.
func TestLogoutMessagesSignedBySignetVerifyInXMLSec1(t *testing.T) {
	key := samltest.Key(t, "idp")
	_, req, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: idpEntity, Destination: spSLO, NameID: "pat@corp.example",
		SessionIndex: "_s1", Key: &key, Now: logoutNow, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: idpEntity, Destination: spSLO, InResponseTo: "_r1",
		Key: &key, Now: logoutNow, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	for name, xml := range map[string][]byte{"LogoutRequest": req, "LogoutResponse": resp} {
		if err := samltest.XMLSec1Verify(t, xml, key.Certificate); err != nil {
			t.Errorf("%s: %v\n%s", name, err, xml)
		}
	}
}

// TestVerifyLogoutRequestSignedByXMLSec1: what another implementation
// signs, Signet verifies, and reads the session from the signed bytes.
func TestVerifyLogoutRequestSignedByXMLSec1(t *testing.T) {
	xml := samltest.XMLSec1SignRoot(t, unsignedLogoutRequest(t, nil), samltest.Key(t, "idp"))
	r, err := saml.VerifyLogoutRequest(xml, logoutPolicy(t))
	if err != nil {
		t.Fatalf("%v\n%s", err, xml)
	}
	if r.NameID != "pat@corp.example" || len(r.SessionIndexes) != 1 || r.SessionIndexes[0] != "_s1" || r.Issuer != idpEntity {
		t.Errorf("request = %+v", r)
	}
	resp, err := saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: idpEntity, Destination: spSLO, InResponseTo: "_r1", Now: logoutNow, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	got, err := saml.VerifyLogoutResponse(samltest.XMLSec1SignRoot(t, resp, samltest.Key(t, "idp")), logoutPolicy(t))
	if err != nil || got.Status != saml.StatusSuccess || got.InResponseTo != "_r1" {
		t.Errorf("response = %+v, %v", got, err)
	}
}

// TestVerifyLogoutRequestRedirectSignedByOpenSSL: a query-string signature
// made by openssl over the exact octets of the query.
func TestVerifyLogoutRequestRedirectSignedByOpenSSL(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	key := samltest.Key(t, "idp")
	unsigned, err := saml.RedirectURL(spSLO, "SAMLRequest", unsignedLogoutRequest(t, nil), "rs-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	query := unsigned[strings.Index(unsigned, "?")+1:] + "&SigAlg=" + url.QueryEscape(saml.AlgRSASHA256)
	der, err := saml.MarshalPrivateKey(key.Signer)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile, inFile := filepath.Join(dir, "key.der"), filepath.Join(dir, "in")
	if err := os.WriteFile(keyFile, der, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inFile, []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	sig, err := exec.Command(bin, "dgst", "-sha256", "-keyform", "DER", "-sign", keyFile, inFile).Output()
	if err != nil {
		t.Fatalf("openssl: %v", err)
	}
	signed := query + "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	verify := func(q string) error {
		m, err := saml.DecodeRedirect(q, saml.Limits{})
		if err != nil {
			return err
		}
		p := logoutPolicy(t)
		p.Redirect = m
		_, err = saml.VerifyLogoutRequest(m.XML, p)
		return err
	}
	if err := verify(signed); err != nil {
		t.Fatalf("openssl-signed redirect: %v", err)
	}
	if err := verify(strings.Replace(signed, "RelayState=rs-1", "RelayState=rs-2", 1)); saml.AsError(err).Code != saml.CodeSignatureInvalid {
		t.Errorf("a changed RelayState = %v, want signature_invalid", err)
	}
	if err := verify(unsigned[strings.Index(unsigned, "?")+1:]); saml.AsError(err).Code != saml.CodeSignatureMissing {
		t.Errorf("an unsigned redirect = %v, want signature_missing", err)
	}
}

// TestVerifyLogoutRequestRefuses: SECURITY-CASES 75 and its neighbours:
// a logout message ends nothing unless the peer signed it, for us, now.
func TestVerifyLogoutRequestRefuses(t *testing.T) {
	idp, other := samltest.Key(t, "idp"), samltest.Key(t, "attacker")
	signed := func(mutate func(*saml.LogoutRequestParams), key saml.KeyPair) []byte {
		return samltest.XMLSec1SignRoot(t, unsignedLogoutRequest(t, mutate), key)
	}
	twoNameIDs := strings.Replace(string(unsignedLogoutRequest(t, nil)), "<samlp:SessionIndex>",
		`<saml:NameID>victim@corp.example</saml:NameID><samlp:SessionIndex>`, 1)
	for _, tt := range []struct {
		name string
		xml  []byte
		pol  func(*saml.LogoutPolicy)
		want saml.Code
	}{
		{"unsigned", unsignedLogoutRequest(t, nil), nil, saml.CodeSignatureMissing},
		{"signed by another key", signed(nil, other), nil, saml.CodeCertificateUntrusted},
		{"no certificate known for the peer", signed(nil, idp), func(p *saml.LogoutPolicy) { p.Certs = nil }, saml.CodeCertificateUntrusted},
		{"another issuer", signed(func(p *saml.LogoutRequestParams) { p.Issuer = "https://evil.example" }, idp), nil, saml.CodeIssuerMismatch},
		{"another destination", signed(func(p *saml.LogoutRequestParams) { p.Destination = "https://sp.example.com/saml/beta/slo" }, idp), nil, saml.CodeDestinationMismatch},
		{"stale", signed(func(p *saml.LogoutRequestParams) { p.Now = logoutNow.Add(-time.Hour) }, idp), nil, saml.CodeExpired},
		{"from the future", signed(func(p *saml.LogoutRequestParams) { p.Now = logoutNow.Add(time.Hour) }, idp), nil, saml.CodeExpired},
		{"two NameIDs", samltest.XMLSec1SignRoot(t, []byte(twoNameIDs), idp), nil, saml.CodeSubjectAmbiguous},
		{"a DOCTYPE", []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]>` + string(unsignedLogoutRequest(t, nil))[38:]), nil, saml.CodeXMLForbidden},
		{"a Response", []byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a" Version="2.0"/>`), nil, saml.CodeRequestInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := logoutPolicy(t)
			if tt.pol != nil {
				tt.pol(&p)
			}
			r, err := saml.VerifyLogoutRequest(tt.xml, p)
			if r != nil || saml.AsError(err).Code != tt.want {
				t.Errorf("= %+v, %v; want %s", r, err, tt.want)
			}
		})
	}
	// A signature moved onto an altered copy does not verify.
	xml := strings.Replace(string(signed(nil, idp)), "pat@corp.example", "victim@corp.example", 1)
	if _, err := saml.VerifyLogoutRequest([]byte(xml), logoutPolicy(t)); saml.AsError(err).Code != saml.CodeSignatureInvalid {
		t.Errorf("altered NameID = %v, want signature_invalid", err)
	}
}
