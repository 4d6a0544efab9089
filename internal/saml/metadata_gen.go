// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/x509"
	"encoding/base64"
	"strconv"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// IdPMetadataParams describe an Identity Center application's IdP metadata.
type IdPMetadataParams struct {
	EntityID                string
	SSOURL                  string // served for both HTTP-POST and HTTP-Redirect
	SigningCertificates     []*x509.Certificate
	NameIDFormats           []string
	WantAuthnRequestsSigned bool
	// SLOURL, if set, is published as the SingleLogoutService for the
	// HTTP-Redirect and HTTP-POST bindings.
	SLOURL string
}

// IdPMetadata writes an EntityDescriptor with an IDPSSODescriptor.
func IdPMetadata(p IdPMetadataParams) ([]byte, error) {
	ed, d := entityDescriptor(p.EntityID, "IDPSSODescriptor")
	d.CreateAttr("WantAuthnRequestsSigned", strconv.FormatBool(p.WantAuthnRequestsSigned))
	for _, c := range p.SigningCertificates {
		keyDescriptor(d, "signing", c)
	}
	if p.SLOURL != "" {
		for _, b := range []string{BindingHTTPRedirect, BindingHTTPPost} {
			slo := d.CreateElement("md:SingleLogoutService")
			slo.CreateAttr("Binding", b)
			slo.CreateAttr("Location", p.SLOURL)
		}
	}
	for _, f := range p.NameIDFormats {
		d.CreateElement("md:NameIDFormat").SetText(f)
	}
	for _, b := range []string{BindingHTTPPost, BindingHTTPRedirect} {
		s := d.CreateElement("md:SingleSignOnService")
		s.CreateAttr("Binding", b)
		s.CreateAttr("Location", p.SSOURL)
	}
	return writeMetadata(ed)
}

// SPMetadataParams describe a Workspace org's SP metadata.
type SPMetadataParams struct {
	EntityID              string
	ACSURL                string
	WantAssertionsSigned  bool
	AuthnRequestsSigned   bool
	SigningCertificate    *x509.Certificate // optional
	EncryptionCertificate *x509.Certificate // optional
	NameIDFormats         []string
	// SLOURL, if set, is published as the SingleLogoutService for the
	// HTTP-Redirect and HTTP-POST bindings.
	SLOURL           string
	OrganizationName string // optional
	OrganizationURL  string // optional
}

// SPMetadata writes an EntityDescriptor with an SPSSODescriptor whose ACS
// uses the HTTP-POST binding.
func SPMetadata(p SPMetadataParams) ([]byte, error) {
	ed, d := entityDescriptor(p.EntityID, "SPSSODescriptor")
	d.CreateAttr("AuthnRequestsSigned", strconv.FormatBool(p.AuthnRequestsSigned))
	d.CreateAttr("WantAssertionsSigned", strconv.FormatBool(p.WantAssertionsSigned))
	if p.SigningCertificate != nil {
		keyDescriptor(d, "signing", p.SigningCertificate)
	}
	if p.EncryptionCertificate != nil {
		kd := keyDescriptor(d, "encryption", p.EncryptionCertificate)
		for _, alg := range []string{encAES256GCM, encAES128GCM, encAES256CBC, encAES128CBC, encRSAOAEPMGF1P, encRSAOAEP11} {
			kd.CreateElement("md:EncryptionMethod").CreateAttr("Algorithm", alg)
		}
	}
	if p.SLOURL != "" { // schema order: SingleLogoutService before NameIDFormat
		for _, b := range []string{BindingHTTPRedirect, BindingHTTPPost} {
			slo := d.CreateElement("md:SingleLogoutService")
			slo.CreateAttr("Binding", b)
			slo.CreateAttr("Location", p.SLOURL)
		}
	}
	for _, f := range p.NameIDFormats {
		d.CreateElement("md:NameIDFormat").SetText(f)
	}
	acs := d.CreateElement("md:AssertionConsumerService")
	acs.CreateAttr("Binding", BindingHTTPPost)
	acs.CreateAttr("Location", p.ACSURL)
	acs.CreateAttr("index", "0")
	acs.CreateAttr("isDefault", "true")
	if p.OrganizationName != "" {
		org := ed.CreateElement("md:Organization")
		for _, tag := range []string{"md:OrganizationName", "md:OrganizationDisplayName"} {
			el := org.CreateElement(tag)
			el.CreateAttr("xml:lang", "en")
			el.SetText(p.OrganizationName)
		}
		u := org.CreateElement("md:OrganizationURL")
		u.CreateAttr("xml:lang", "en")
		u.SetText(orDefault(p.OrganizationURL, p.EntityID))
	}
	return writeMetadata(ed)
}

func entityDescriptor(entityID, role string) (ed, d *xmlsig.Node) {
	ed = xmlsig.NewElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", NSMetadata)
	ed.CreateAttr("xmlns:ds", NSDSig)
	ed.CreateAttr("entityID", entityID)
	d = ed.CreateElement("md:" + role)
	d.CreateAttr("protocolSupportEnumeration", NSProtocol)
	return ed, d
}

func keyDescriptor(d *xmlsig.Node, use string, c *x509.Certificate) *xmlsig.Node {
	kd := d.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", use)
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
		SetText(base64.StdEncoding.EncodeToString(c.Raw))
	return kd
}

func writeMetadata(root *xmlsig.Node) ([]byte, error) {
	out := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	return xmlsig.WriteIndented(out, root, "  ")
}

// Readable re-indents a SAML message for people and shortens signature and
// certificate blobs, for previews and logs. It reads through the same
// strict parser as everything else.
func Readable(xml []byte) (string, error) {
	doc, err := xmlsig.Parse(xml, xmlsig.Limits{})
	if err != nil {
		return "", err
	}
	for el := range doc.Root.Descendants() {
		switch el.Local {
		case "SignatureValue", "X509Certificate", "DigestValue":
			el.SetText("…")
		}
	}
	out, err := xmlsig.WriteIndented(nil, doc.Root, "  ")
	return string(out), err
}
