// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto/ecdsa"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"math/big"
)

// XML Signature writes an ECDSA signature as the two integers r and s,
// each left-padded to the curve's size and concatenated (RFC 4051 §3.3,
// as xmlsec1 and Santuario do); goxmldsig and Go's crypto use ASN.1 DER.
// These convert between the two at the edges of the library
// (SECURITY-CASES 84).

type ecdsaDER struct{ R, S *big.Int }

func curveBytes(pub *ecdsa.PublicKey) int { return (pub.Curve.Params().BitSize + 7) / 8 }

// ecdsaDERToRaw turns base64 of a DER signature into base64 of r‖s.
func ecdsaDERToRaw(b64 string, pub *ecdsa.PublicKey) (string, error) {
	der, err := base64.StdEncoding.DecodeString(stripSpace(b64))
	if err != nil {
		return "", err
	}
	var sig ecdsaDER
	if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) > 0 || sig.R == nil || sig.S == nil {
		return "", errors.New("the ECDSA signature is not DER")
	}
	n := curveBytes(pub)
	raw := make([]byte, 2*n)
	sig.R.FillBytes(raw[:n])
	sig.S.FillBytes(raw[n:])
	return base64.StdEncoding.EncodeToString(raw), nil
}

// ecdsaRawToDER turns base64 of r‖s for pub's curve into base64 of DER; a
// value of another length is returned as it was (a DER signature from an
// IdP that writes those; the verifier then judges it).
func ecdsaRawToDER(b64 string, pub *ecdsa.PublicKey) string {
	raw, err := base64.StdEncoding.DecodeString(stripSpace(b64))
	n := curveBytes(pub)
	if err != nil || len(raw) != 2*n {
		return b64
	}
	der, err := asn1.Marshal(ecdsaDER{R: new(big.Int).SetBytes(raw[:n]), S: new(big.Int).SetBytes(raw[n:])})
	if err != nil {
		return b64
	}
	return base64.StdEncoding.EncodeToString(der)
}
