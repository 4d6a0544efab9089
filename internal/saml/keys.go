// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
)

// KeyKind selects the algorithm of a generated signing key.
type KeyKind string

// Key kinds. RSA 2048 is the default: every SP accepts it. ECDSA P-256 is
// faster and smaller, for SPs that accept it.
const (
	KeyRSA2048   KeyKind = "rsa2048"
	KeyECDSAP256 KeyKind = "ecdsa-p256"
)

// MinRSABits is the smallest RSA key accepted without legacy crypto.
const MinRSABits = 2048

// legacyMinRSABits is the smallest RSA key accepted at all.
const legacyMinRSABits = 1024

// KeyPair is a private key with its self-signed certificate.
type KeyPair struct {
	Signer      crypto.Signer
	Certificate *x509.Certificate
}

// GenerateKeyPair makes a key and a self-signed certificate valid from
// notBefore for validity, as AWS does for each application (RSA 2048, five
// years). rand is the source of randomness.
func GenerateKeyPair(rand io.Reader, kind KeyKind, commonName string, notBefore time.Time, validity time.Duration) (KeyPair, error) {
	var signer crypto.Signer
	var err error
	switch kind {
	case KeyRSA2048, "":
		signer, err = rsa.GenerateKey(rand, 2048)
	case KeyECDSAP256:
		signer, err = ecdsa.GenerateKey(elliptic.P256(), rand)
	default:
		return KeyPair{}, fmt.Errorf("unknown key kind %q", kind)
	}
	if err != nil {
		return KeyPair{}, fmt.Errorf("generate key: %w", err)
	}
	serial := make([]byte, 16)
	if _, err := io.ReadFull(rand, serial); err != nil {
		return KeyPair{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetBytes(serial),
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"Signet Identity Center"}},
		NotBefore:             notBefore.Add(-5 * time.Minute).UTC(),
		NotAfter:              notBefore.Add(validity).UTC(),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand, tmpl, tmpl, signer.Public(), signer)
	if err != nil {
		return KeyPair{}, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return KeyPair{}, err
	}
	return KeyPair{Signer: signer, Certificate: cert}, nil
}

// CertificatePEM is the PEM encoding of the certificate.
func (k KeyPair) CertificatePEM() string { return EncodeCertificatesPEM(k.Certificate) }

// MarshalPrivateKey returns the PKCS#8 DER of the key.
func MarshalPrivateKey(s crypto.Signer) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(s) }

// ParsePrivateKey reads a key in PKCS#8 or PKCS#1 DER, or in PEM.
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	if k, err := x509.ParsePKCS8PrivateKey(data); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, errors.New("unsupported private key type")
	}
	if k, err := x509.ParsePKCS1PrivateKey(data); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(data); err == nil {
		return k, nil
	}
	return nil, errors.New("not a PKCS#8, PKCS#1 or EC private key")
}

// EncodeCertificatesPEM encodes certificates as concatenated PEM blocks.
func EncodeCertificatesPEM(certs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}) // a strings.Builder does not fail
	}
	return b.String()
}

// ParseCertificatesPEM reads every CERTIFICATE block of s.
func ParseCertificatesPEM(s string) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := []byte(s)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificate found")
	}
	return certs, nil
}

// Fingerprint is the SHA-256 fingerprint of a certificate, as colon-separated hex.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// KeyDescription says what a certificate's key is, e.g. "RSA 2048".
func KeyDescription(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	}
	return c.PublicKeyAlgorithm.String()
}

// checkKeyStrength refuses RSA keys under 2048 bits (1024 with legacy
// crypto) and key types we cannot verify with.
func checkKeyStrength(c *x509.Certificate, allowLegacy bool) *Error {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		min := MinRSABits
		if allowLegacy {
			min = legacyMinRSABits
		}
		if k.N.BitLen() < min {
			return errorf(CodeKeyTooWeak, "RSA key of %d bits (minimum %d)", k.N.BitLen(), min)
		}
	case *ecdsa.PublicKey:
		if k.Curve.Params().BitSize < 256 {
			return errorf(CodeKeyTooWeak, "ECDSA key on %s", k.Curve.Params().Name)
		}
	default:
		return errorf(CodeKeyTooWeak, "unsupported key type %s", c.PublicKeyAlgorithm)
	}
	return nil
}
