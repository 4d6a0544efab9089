// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/xml"
	"fmt"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/beevik/etree"
	crewjam "github.com/crewjam/saml"
	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/signet-sso/signet/internal/saml"
)

// world is one IdP and one SP that trust each other, and the same signed
// ~8 KB response for every verifier.
type world struct {
	now                      time.Time
	idpKey, ecKey            saml.KeyPair
	idpEntity, spEntity, acs string
	idpMetadata              []byte
}

func newWorld() (*world, error) {
	now := time.Now().UTC()
	w := &world{now: now, idpEntity: "https://idp.example.com/saml/apps/app_bench",
		spEntity: "https://sp.example.com/saml/acme/metadata", acs: "https://sp.example.com/saml/acme/acs"}
	var err error
	if w.idpKey, err = saml.GenerateKeyPair(rand.Reader, saml.KeyRSA2048, "bench idp", now.Add(-time.Hour), 24*time.Hour); err != nil {
		return nil, err
	}
	if w.ecKey, err = saml.GenerateKeyPair(rand.Reader, saml.KeyECDSAP256, "bench idp ec", now.Add(-time.Hour), 24*time.Hour); err != nil {
		return nil, err
	}
	w.idpMetadata, err = saml.IdPMetadata(saml.IdPMetadataParams{EntityID: w.idpEntity, SSOURL: w.idpEntity + "/sso",
		SigningCertificates: []*x509.Certificate{w.idpKey.Certificate}})
	return w, err
}

// params are a realistic response: email NameID, name attributes and 60 groups.
func (w *world) params(mode saml.SignMode, key saml.KeyPair) saml.ResponseParams {
	groups := make([]string, 60)
	for i := range groups {
		groups[i] = fmt.Sprintf("engineering-team-%02d", i)
	}
	return saml.ResponseParams{Issuer: w.idpEntity, Destination: w.acs, Audience: w.spEntity,
		NameID: "pat@corp.example", NameIDFormat: saml.NameIDEmail,
		Attributes: []saml.Attribute{
			{Name: "email", NameFormat: saml.AttrNameFormatBasic, Values: []string{"pat@corp.example"}},
			{Name: "firstName", NameFormat: saml.AttrNameFormatBasic, Values: []string{"Pat"}},
			{Name: "lastName", NameFormat: saml.AttrNameFormatBasic, Values: []string{"Example"}},
			{Name: "groups", NameFormat: saml.AttrNameFormatBasic, Values: groups}},
		Key: key, Sign: mode, Now: w.now, Rand: rand.Reader, SessionDuration: 8 * time.Hour, Lifetime: time.Hour}
}

func (w *world) response() ([]byte, error) {
	return saml.IssueResponse(w.params(saml.SignBoth, w.idpKey))
}

// signet is the Workspace ACS's verifier (every check of DESIGN.md §4,
// replay and request IDs aside: those are the store's, measured by the load test).
func (w *world) signet() *saml.Verifier {
	return &saml.Verifier{IdPEntityID: w.idpEntity, IdPCertificates: []*x509.Certificate{w.idpKey.Certificate},
		SPEntityID: w.spEntity, ACSURL: w.acs, AllowIdPInitiated: true, Now: func() time.Time { return w.now.Add(time.Second) }}
}

func (w *world) crewjam() (*crewjam.ServiceProvider, error) {
	var md crewjam.EntityDescriptor
	if err := xml.Unmarshal(w.idpMetadata, &md); err != nil {
		return nil, err
	}
	acs, _ := url.Parse(w.acs)
	mdURL, _ := url.Parse(w.spEntity)
	return &crewjam.ServiceProvider{EntityID: w.spEntity, AcsURL: *acs, MetadataURL: *mdURL, IDPMetadata: &md,
		AllowIDPInitiated: true, Clock: dsig.NewFakeClockAt(w.now.Add(time.Second))}, nil
}

func (w *world) gosaml2() *saml2.SAMLServiceProvider {
	return &saml2.SAMLServiceProvider{IdentityProviderIssuer: w.idpEntity, ServiceProviderIssuer: w.spEntity,
		AssertionConsumerServiceURL: w.acs, AudienceURI: w.spEntity,
		IDPCertificateStore: &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{w.idpKey.Certificate}},
		Clock:               dsig.NewFakeClockAt(w.now.Add(time.Second))}
}

// crewjamIdP returns a function that issues one both-signed response with
// crewjam/saml's IdP (its only configuration: it always signs the assertion
// and the response) for the same user, groups and SP as params.
func (w *world) crewjamIdP() (func() ([]byte, error), error) {
	mdURL, _ := url.Parse(w.idpEntity)
	ssoURL, _ := url.Parse(w.idpEntity + "/sso")
	idp := &crewjam.IdentityProvider{Key: w.idpKey.Signer, Signer: w.idpKey.Signer, Certificate: w.idpKey.Certificate,
		MetadataURL: *mdURL, SSOURL: *ssoURL, SignatureMethod: dsig.RSASHA256SignatureMethod}
	acs := &crewjam.IndexedEndpoint{Binding: crewjam.HTTPPostBinding, Location: w.acs, Index: 1}
	spd := crewjam.SPSSODescriptor{AssertionConsumerServices: []crewjam.IndexedEndpoint{*acs}}
	spMD := &crewjam.EntityDescriptor{EntityID: w.spEntity, SPSSODescriptors: []crewjam.SPSSODescriptor{spd}}
	groups := w.params(saml.SignBoth, w.idpKey).Attributes[3].Values
	session := &crewjam.Session{ID: "session", NameID: "pat@corp.example", NameIDFormat: string(crewjam.EmailAddressNameIDFormat),
		UserEmail: "pat@corp.example", UserGivenName: "Pat", UserSurname: "Example", Groups: groups}
	httpReq := httptest.NewRequest("POST", w.idpEntity+"/sso", nil) // crewjam records the client address
	return func() ([]byte, error) {
		req := &crewjam.IdpAuthnRequest{IDP: idp, ServiceProviderMetadata: spMD, SPSSODescriptor: &spMD.SPSSODescriptors[0],
			ACSEndpoint: acs, Now: w.now, HTTPRequest: httpReq}
		if err := (crewjam.DefaultAssertionMaker{}).MakeAssertion(req, session); err != nil {
			return nil, err
		}
		if err := req.MakeResponse(); err != nil {
			return nil, err
		}
		doc := etree.NewDocument()
		doc.SetRoot(req.ResponseEl)
		return doc.WriteToBytes()
	}, nil
}
