// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/x509"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// Single logout (SAML core §3.7, profiles §4.4): a LogoutRequest names a
// session by its subject's NameID and SessionIndex; the other side ends it
// and answers with a LogoutResponse. Both are accepted only when signed by
// the peer's key from its metadata (with the HTTP-Redirect binding the
// signature is over the query string): an unsigned or wrongly signed
// logout message ends nothing (SECURITY-CASES 75).

// LogoutRequestParams describe a LogoutRequest to send.
type LogoutRequestParams struct {
	Issuer, Destination  string
	NameID, NameIDFormat string
	// NameQualifier and SPNameQualifier echo the assertion's NameID.
	NameQualifier, SPNameQualifier string
	SessionIndex                   string
	// Key, if set, signs the message inside the XML (HTTP-POST). Leave it
	// nil for HTTP-Redirect, where RedirectURL signs the query string.
	Key  *KeyPair
	Now  time.Time
	Rand io.Reader
}

// NewLogoutRequest builds a LogoutRequest and returns its ID and XML.
func NewLogoutRequest(p LogoutRequestParams) (string, []byte, error) {
	ids, err := newIDs(p.Rand, 1)
	if err != nil {
		return "", nil, err
	}
	req := newProtocolElement("LogoutRequest", ids[0], p.Now.UTC())
	req.CreateAttr("Destination", p.Destination)
	req.CreateAttr("NotOnOrAfter", formatTime(p.Now.UTC().Add(DefaultMaxResponseAge)))
	addIssuer(req, p.Issuer)
	nid := req.CreateElement("saml:NameID")
	if p.NameIDFormat != "" {
		nid.CreateAttr("Format", p.NameIDFormat)
	}
	if p.NameQualifier != "" {
		nid.CreateAttr("NameQualifier", p.NameQualifier)
	}
	if p.SPNameQualifier != "" {
		nid.CreateAttr("SPNameQualifier", p.SPNameQualifier)
	}
	nid.SetText(p.NameID)
	if p.SessionIndex != "" {
		req.CreateElement("samlp:SessionIndex").SetText(p.SessionIndex)
	}
	xml, err := signedIfKey(req, p.Key)
	return ids[0], xml, err
}

// LogoutResponseParams describe the answer to a LogoutRequest.
type LogoutResponseParams struct {
	Issuer, Destination, InResponseTo string
	StatusCode                        string // default StatusSuccess
	Key                               *KeyPair
	Now                               time.Time
	Rand                              io.Reader
}

// NewLogoutResponse builds a LogoutResponse.
func NewLogoutResponse(p LogoutResponseParams) ([]byte, error) {
	ids, err := newIDs(p.Rand, 1)
	if err != nil {
		return nil, err
	}
	resp := newProtocolElement("LogoutResponse", ids[0], p.Now.UTC())
	resp.CreateAttr("Destination", p.Destination)
	if p.InResponseTo != "" {
		resp.CreateAttr("InResponseTo", p.InResponseTo)
	}
	addIssuer(resp, p.Issuer)
	addStatus(resp, orDefault(p.StatusCode, StatusSuccess), "")
	return signedIfKey(resp, p.Key)
}

func signedIfKey(el *xmlsig.Node, key *KeyPair) ([]byte, error) {
	if key != nil {
		sctx, err := signingContext(*key)
		if err != nil {
			return nil, err
		}
		if err := signInPlace(sctx, el); err != nil {
			return nil, err
		}
	}
	return serialize(el)
}

// LogoutPolicy is what the receiver knows of the peer that sent a logout
// message.
type LogoutPolicy struct {
	Issuer      string              // the peer's entity ID: the Issuer must be it
	Destination string              // our SLO endpoint: the Destination must be it
	Certs       []*x509.Certificate // the peer's signing certificates, from its metadata
	AllowLegacy bool
	Now         time.Time
	ClockSkew   time.Duration
	// Redirect is the decoded message when it came by HTTP-Redirect (its
	// signature is in the query string); nil for HTTP-POST.
	Redirect *RedirectMessage
	Limits   Limits
}

// LogoutRequest is a verified LogoutRequest: every field comes from signed
// bytes.
type LogoutRequest struct {
	ID, Issuer           string
	NameID, NameIDFormat string
	SessionIndexes       []string
	IssueInstant         time.Time
}

// LogoutResponse is a verified LogoutResponse.
type LogoutResponse struct {
	ID, Issuer, InResponseTo string
	Status                   string // the top-level status code
}

// VerifyLogoutRequest parses and checks a LogoutRequest: signed by the
// peer, from its Issuer, to our Destination, fresh, with one NameID.
func VerifyLogoutRequest(xml []byte, p LogoutPolicy) (*LogoutRequest, error) {
	el, err := verifyLogoutMessage(xml, "LogoutRequest", p)
	if err != nil {
		return nil, err
	}
	if t := el.AttrValue("NotOnOrAfter"); t != "" {
		until, err := parseTime(t)
		if err != nil {
			return nil, errorf(CodeRequestInvalid, "NotOnOrAfter: %v", err)
		}
		if !p.Now.Before(until.Add(orDuration(p.ClockSkew, DefaultClockSkew))) {
			return nil, errorf(CodeExpired, "the LogoutRequest expired at %s", formatTime(until))
		}
	}
	id := child(el, NSAssertion, "NameID")
	if count(el, NSAssertion, "NameID") != 1 || count(el, NSAssertion, "EncryptedID")+count(el, NSAssertion, "BaseID") != 0 {
		return nil, errorf(CodeSubjectAmbiguous, "a LogoutRequest must name exactly one NameID")
	}
	out := &LogoutRequest{ID: el.AttrValue("ID"), Issuer: strings.TrimSpace(child(el, NSAssertion, "Issuer").LeadingText()),
		NameID: strings.TrimSpace(id.LeadingText()), NameIDFormat: id.AttrValue("Format")}
	out.IssueInstant, _ = parseTime(el.AttrValue("IssueInstant"))
	if out.NameID == "" {
		return nil, errorf(CodeSubjectMissing, "the LogoutRequest's NameID is empty")
	}
	for si := range children(el, NSProtocol, "SessionIndex") {
		out.SessionIndexes = append(out.SessionIndexes, strings.TrimSpace(si.LeadingText()))
	}
	return out, nil
}

// VerifyLogoutResponse parses and checks a LogoutResponse like a request;
// the caller matches InResponseTo with the request it sent.
func VerifyLogoutResponse(xml []byte, p LogoutPolicy) (*LogoutResponse, error) {
	el, err := verifyLogoutMessage(xml, "LogoutResponse", p)
	if err != nil {
		return nil, err
	}
	out := &LogoutResponse{ID: el.AttrValue("ID"), Issuer: strings.TrimSpace(child(el, NSAssertion, "Issuer").LeadingText()),
		InResponseTo: el.AttrValue("InResponseTo")}
	if st := child(el, NSProtocol, "Status"); st != nil {
		if sc := child(st, NSProtocol, "StatusCode"); sc != nil {
			out.Status = sc.AttrValue("Value")
		}
	}
	if out.Status == "" {
		return nil, errorf(CodeRequestInvalid, "the LogoutResponse has no StatusCode")
	}
	return out, nil
}

// verifyLogoutMessage checks what both logout messages share and returns
// the element to read: the signature-verified copy for HTTP-POST, the
// parsed root for HTTP-Redirect (whose query signature covers it all).
func verifyLogoutMessage(xml []byte, tag string, p LogoutPolicy) (*xmlsig.Node, error) {
	doc, perr := parseXML(xml, p.Limits.WithDefaults())
	if perr != nil {
		return nil, perr
	}
	root := doc.Root
	if !is(root, NSProtocol, tag) {
		return nil, errorf(CodeRequestInvalid, "root element is <%s>, not a %s", root.FullTag(), tag)
	}
	if !isSafeID(root.AttrValue("ID")) || root.AttrValue("Version") != "2.0" {
		return nil, errorf(CodeRequestInvalid, "the %s has no valid ID or is not SAML 2.0", tag)
	}
	if len(p.Certs) == 0 {
		return nil, errorf(CodeCertificateUntrusted, "no signing certificate is known for %q, so its logout messages cannot be trusted", truncate(p.Issuer, 200))
	}
	sig, n := child(root, NSDSig, "Signature"), count(root, NSDSig, "Signature")
	el := root
	switch {
	case n > 1:
		return nil, errorf(CodeSignatureInvalid, "the %s has %d signatures", tag, n)
	case p.Redirect != nil:
		if err := p.Redirect.VerifyRedirectSignature(p.Certs, p.AllowLegacy); err != nil {
			return nil, err
		}
	case sig == nil:
		return nil, errorf(CodeSignatureMissing, "the %s is not signed", tag)
	default:
		var legacy bool
		verified, err := verifySigned(root, sig, trustPolicy{certs: p.Certs, allowLegacy: p.AllowLegacy,
			allowExpired: true, certNow: p.Now, usedLegacy: &legacy})
		if err != nil {
			return nil, err
		}
		el = verified
	}
	iss := child(el, NSAssertion, "Issuer")
	if iss == nil || strings.TrimSpace(iss.LeadingText()) != p.Issuer {
		got := ""
		if iss != nil {
			got = iss.LeadingText()
		}
		return nil, errorf(CodeIssuerMismatch, "the %s's Issuer %q is not %q", tag, truncate(got, 200), p.Issuer)
	}
	if d := el.AttrValue("Destination"); d != p.Destination {
		return nil, errorf(CodeDestinationMismatch, "the %s's Destination %q is not this endpoint %q", tag, truncate(d, 200), p.Destination)
	}
	t, err := parseTime(el.AttrValue("IssueInstant"))
	if err != nil {
		return nil, errorf(CodeRequestInvalid, "IssueInstant: %v", err)
	}
	skew := orDuration(p.ClockSkew, DefaultClockSkew)
	if t.After(p.Now.Add(skew)) || p.Now.Sub(t) > DefaultMaxResponseAge+skew {
		return nil, errorf(CodeExpired, "the %s's IssueInstant %s is not fresh", tag, formatTime(t))
	}
	return el, nil
}

// Outgoing is a logout message on its way to a peer through the browser:
// a URL to redirect to (HTTP-Redirect), or a form to post (HTTP-POST).
type Outgoing struct {
	RedirectURL string
	// PostURL, Param ("SAMLRequest" or "SAMLResponse"), Value (base64)
	// and RelayState are the HTTP-POST form.
	PostURL, Param, Value, RelayState string
}

// IsZero reports whether there is no message to send.
func (o Outgoing) IsZero() bool { return o.RedirectURL == "" && o.PostURL == "" }

// SendLogout encodes a logout message for the endpoint's binding: build
// makes the XML for destination dest, signed inside with the key it is
// given (HTTP-POST) or unsigned (nil: HTTP-Redirect signs the query
// string with key instead). response picks the endpoint's response
// location and the SAMLResponse parameter.
func SendLogout(ep SLOEndpoint, response bool, relayState string, key *KeyPair, build func(dest string, key *KeyPair) ([]byte, error)) (Outgoing, error) {
	dest, param := ep.Request, "SAMLRequest"
	if response {
		dest, param = ep.Response, "SAMLResponse"
	}
	if ep.Binding == BindingHTTPPost {
		xml, err := build(dest, key)
		if err != nil {
			return Outgoing{}, err
		}
		return Outgoing{PostURL: dest, Param: param, Value: EncodeBase64(xml), RelayState: relayState}, nil
	}
	xml, err := build(dest, nil)
	if err != nil {
		return Outgoing{}, err
	}
	u, err := RedirectURL(dest, param, xml, relayState, key)
	return Outgoing{RedirectURL: u}, err
}

// ReceiveLogout reads a logout message from a request: the HTTP-Redirect
// binding's query (GET; m is set, its signature still to check), or an
// HTTP-POST form's SAMLRequest or SAMLResponse. param names which it was;
// relayState is the message's RelayState.
func ReceiveLogout(r *http.Request, lim Limits) (m *RedirectMessage, param string, xml []byte, relayState string, err error) {
	if r.Method == http.MethodGet {
		m, err = DecodeRedirect(r.URL.RawQuery, lim)
		if err != nil {
			return nil, "", nil, "", err
		}
		return m, m.Param, m.XML, m.RelayState, nil
	}
	param = "SAMLRequest"
	value := r.PostFormValue("SAMLRequest")
	if value == "" {
		param, value = "SAMLResponse", r.PostFormValue("SAMLResponse")
	}
	xml, err = DecodeBase64([]byte(value), lim.WithDefaults().MaxMessageBytes)
	return nil, param, xml, r.PostFormValue("RelayState"), err
}
