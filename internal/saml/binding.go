// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"bytes"
	"compress/flate"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// RedirectMessage is a message received with the HTTP-Redirect binding
// (SAML bindings §3.4).
type RedirectMessage struct {
	Param      string // "SAMLRequest" or "SAMLResponse"
	XML        []byte // inflated message
	RelayState string
	SigAlg     string
	Signature  []byte
	// signedContent is the exact octets the signature covers, built from the
	// parameters as received (bindings §3.4.4.1).
	signedContent string
}

// Signed reports whether the message carries a query-string signature.
func (m *RedirectMessage) Signed() bool { return m.SigAlg != "" || m.Signature != nil }

// DecodeRedirect reads rawQuery (the URL's query as received, undecoded).
// Each of SAMLRequest/SAMLResponse, RelayState, SigAlg and Signature may
// appear at most once; names are matched exactly, so "%53AMLRequest" is not
// "SAMLRequest" (SECURITY-CASES 74). Inflation stops at the size limit
// (SECURITY-CASES 30).
func DecodeRedirect(rawQuery string, lim Limits) (*RedirectMessage, error) {
	lim = lim.WithDefaults()
	if len(rawQuery) > 2*lim.MaxInflatedBytes {
		return nil, errorf(CodeTooLarge, "query of %d bytes", len(rawQuery))
	}
	raw, err := redirectParams(rawQuery)
	if err != nil {
		return nil, err
	}
	m := &RedirectMessage{}
	_, hasReq := raw["SAMLRequest"]
	_, hasResp := raw["SAMLResponse"]
	switch {
	case hasReq && hasResp:
		return nil, errorf(CodeRequestInvalid, "both SAMLRequest and SAMLResponse")
	case hasReq:
		m.Param = "SAMLRequest"
	case hasResp:
		m.Param = "SAMLResponse"
	default:
		return nil, errorf(CodeRequestInvalid, "no SAMLRequest or SAMLResponse parameter")
	}
	values := map[string]string{}
	for k, v := range raw {
		d, err := url.QueryUnescape(v)
		if err != nil {
			return nil, errorf(CodeMalformed, "parameter %s is not URL-encoded correctly", k)
		}
		values[k] = d
	}
	compressed, err := base64.StdEncoding.DecodeString(stripSpace(values[m.Param]))
	if err != nil {
		return nil, errorf(CodeMalformed, "%s is not base64", m.Param)
	}
	if m.XML, err = inflate(compressed, lim.MaxInflatedBytes); err != nil {
		return nil, err
	}
	m.RelayState = values["RelayState"]
	m.SigAlg = values["SigAlg"]
	if s, ok := values["Signature"]; ok {
		if m.Signature, err = base64.StdEncoding.DecodeString(stripSpace(s)); err != nil {
			return nil, errorf(CodeMalformed, "Signature is not base64")
		}
	}
	signed := m.Param + "=" + raw[m.Param]
	if rs, ok := raw["RelayState"]; ok {
		signed += "&RelayState=" + rs
	}
	m.signedContent = signed + "&SigAlg=" + raw["SigAlg"]
	return m, nil
}

// MaxRelayState is the longest RelayState the bindings allow (SAML
// bindings §3.4.3, §3.5.3: 80 bytes); a longer one is refused or ignored.
const MaxRelayState = 80

// redirectParams are the binding's parameters of a query, still encoded
// (the signature covers them as sent); one of them twice is refused.
func redirectParams(rawQuery string) (map[string]string, error) {
	raw := map[string]string{}
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		switch name {
		case "SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature":
			if _, dup := raw[name]; dup {
				return nil, errorf(CodeRequestInvalid, "parameter %s appears twice", name)
			}
			raw[name] = value
		}
	}
	return raw, nil
}

// inflate decompresses raw DEFLATE data, refusing output beyond max.
func inflate(data []byte, max int) ([]byte, error) {
	r := flate.NewReader(bytes.NewReader(data))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, errorf(CodeMalformed, "DEFLATE data is corrupt: %v", err)
	}
	if len(out) > max {
		return nil, errorf(CodeTooLarge, "inflated message exceeds %d bytes", max)
	}
	return out, nil
}

// VerifyRedirectSignature checks the query-string signature against the
// sender's certificates (from its metadata). SHA-1 only with legacy crypto.
func (m *RedirectMessage) VerifyRedirectSignature(certs []*x509.Certificate, allowLegacy bool) error {
	if m.SigAlg == "" || m.Signature == nil {
		return errorf(CodeSignatureMissing, "the message has no query-string signature")
	}
	var h crypto.Hash
	switch m.SigAlg {
	case AlgRSASHA256, AlgECDSASHA256:
		h = crypto.SHA256
	case AlgRSASHA1:
		if !allowLegacy {
			return errorf(CodeSignatureAlgorithm, "rsa-sha1 query signature refused")
		}
		h = crypto.SHA1
	default:
		return errorf(CodeSignatureAlgorithm, "SigAlg %q is not allowed", truncate(m.SigAlg, 100))
	}
	digest := hashOf(h, []byte(m.signedContent))
	for _, c := range certs {
		if checkKeyStrength(c, allowLegacy) != nil {
			continue
		}
		var err error
		switch k := c.PublicKey.(type) {
		case *rsa.PublicKey:
			if m.SigAlg == AlgECDSASHA256 {
				continue
			}
			err = rsa.VerifyPKCS1v15(k, h, digest, m.Signature)
		case *ecdsa.PublicKey:
			if m.SigAlg != AlgECDSASHA256 || !ecdsa.VerifyASN1(k, digest, m.Signature) {
				err = errors.New("bad ECDSA signature")
			}
		default:
			continue
		}
		if err == nil {
			return nil
		}
	}
	return errorf(CodeSignatureInvalid, "query-string signature does not verify")
}

func hashOf(h crypto.Hash, data []byte) []byte {
	if h == crypto.SHA1 {
		s := sha1.Sum(data)
		return s[:]
	}
	s := sha256.Sum256(data)
	return s[:]
}

// RedirectURL encodes xml for the HTTP-Redirect binding and appends it to
// endpoint as param ("SAMLRequest" or "SAMLResponse"), with RelayState and,
// when key is not nil, a query-string signature (SHA-256).
func RedirectURL(endpoint, param string, xml []byte, relayState string, key *KeyPair) (string, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(xml); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes()))
	if relayState != "" {
		q += "&RelayState=" + url.QueryEscape(relayState)
	}
	if key != nil {
		alg := AlgRSASHA256
		if _, ok := key.Signer.(*ecdsa.PrivateKey); ok {
			alg = AlgECDSASHA256
		}
		q += "&SigAlg=" + url.QueryEscape(alg)
		digest := sha256.Sum256([]byte(q))
		sig, err := key.Signer.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return "", fmt.Errorf("sign redirect: %w", err)
		}
		q += "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	}
	sep := "?"
	if strings.Contains(endpoint, "?") {
		sep = "&"
	}
	return endpoint + sep + q, nil
}
