// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/signin"
)

func runSAML(ctx context.Context, io IO, args []string) error {
	sub := map[string]func(context.Context, IO, []string) error{
		"verify":   runSAMLVerify,
		"metadata": runSAMLMetadata,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		return usagef("use 'signet saml verify' or 'signet saml metadata'")
	}
	return sub[args[0]](ctx, io, args[1:])
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// verifyOK is what `signet saml verify` prints for an accepted response.
type verifyOK struct {
	OK           bool                `json:"ok"`
	Issuer       string              `json:"issuer"`
	NameID       string              `json:"name_id"`
	NameIDFormat string              `json:"name_id_format"`
	Email        string              `json:"email"`
	Attributes   map[string][]string `json:"attributes"`
	SessionIndex string              `json:"session_index"`
	AssertionID  string              `json:"assertion_id"`
	Warnings     []string            `json:"warnings,omitempty"`
}

// rejection is what the saml commands print for refused input.
type rejection struct {
	OK      bool   `json:"ok"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

func reject(err error) rejection {
	e := saml.AsError(err)
	return rejection{Error: string(e.Code), Message: e.Message, Hint: e.Hint}
}

func runSAMLVerify(ctx context.Context, io IO, args []string) error {
	fs := newFlagSet("saml verify", "--idp-metadata FILE --sp-entity-id ID --acs-url URL [flags] FILE|-", io.Stderr)
	mdFile := fs.String("idp-metadata", "", "the IdP's SAML metadata (required)")
	spEntity := fs.String("sp-entity-id", "", "our SP entity ID: the expected Audience (required)")
	acs := fs.String("acs-url", "", "our ACS URL: the expected Destination and Recipient (required)")
	nowFlag := fs.String("now", "", "check times as of this RFC 3339 time instead of now")
	certNowFlag := fs.String("cert-now", "", "check IdP certificate validity as of this RFC 3339 time (default: --now)")
	var requestIDs stringList
	fs.Var(&requestIDs, "request-id", "an outstanding AuthnRequest ID (repeatable)")
	allowIdP := fs.Bool("allow-idp-initiated", false, "accept unsolicited (IdP-initiated) responses")
	legacy := fs.Bool("allow-legacy-crypto", false, "accept RSA-SHA1, SHA-1 digests and 1024-bit RSA IdP keys")
	skew := fs.Duration("clock-skew", saml.DefaultClockSkew, "allowed clock difference with the IdP")
	spKey := fs.String("sp-key", "", "our private key (PEM), to decrypt EncryptedAssertions")
	if err := parseFlags(fs, args, io.Env); err != nil {
		return err
	}
	if *mdFile == "" || *spEntity == "" || *acs == "" || fs.NArg() != 1 {
		return usagef("--idp-metadata, --sp-entity-id, --acs-url and one response FILE (or -) are required")
	}
	v := &saml.Verifier{SPEntityID: *spEntity, ACSURL: *acs, AllowIdPInitiated: *allowIdP,
		AllowLegacyCrypto: *legacy, ClockSkew: *skew, RequestIDs: requestSet(requestIDs)}
	if err := setClocks(v, *nowFlag, *certNowFlag); err != nil {
		return err
	}
	if *spKey != "" {
		k, err := readKey(*spKey)
		if err != nil {
			return err
		}
		v.DecryptionKeys = []crypto.Decrypter{k}
	}
	md, err := os.ReadFile(*mdFile)
	if err != nil {
		return usagef("read --idp-metadata: %v", err)
	}
	msg, err := readInput(io.Stdin, fs.Arg(0))
	if err != nil {
		return usagef("read the response: %v", err)
	}
	out, ok := verifyResponse(ctx, v, md, msg)
	writeJSONLine(io.Stdout, out)
	if !ok {
		return errReported
	}
	return nil
}

// verifyResponse runs the same checks and identity rules as the Workspace ACS.
func verifyResponse(ctx context.Context, v *saml.Verifier, md, msg []byte) (any, bool) {
	fail := func(err error) (any, bool) { return reject(err), false }
	// Read certificates even if weak, so the verifier can refuse them with
	// the right code (signature_algorithm_rejected) unless legacy is allowed.
	m, err := saml.ParseMetadata(md, saml.MetadataOptions{Require: saml.RoleIdP, AllowLegacyCrypto: true})
	if err != nil {
		return fail(err)
	}
	v.IdPEntityID, v.IdPCertificates = m.EntityID, m.IdP.SigningCertificates
	provider := signin.RecognizeProvider(m.EntityID)
	var a *saml.Assertion
	if strings.HasPrefix(strings.TrimSpace(string(msg)), "<") {
		a, err = v.Verify(ctx, msg)
	} else {
		a, err = v.VerifyBase64(ctx, msg)
	}
	if err != nil {
		return fail(signin.WithProviderHint(err, provider))
	}
	id, err := signin.ResolveIdentity(a, provider)
	if err != nil {
		return fail(err)
	}
	out := verifyOK{OK: true, Issuer: a.Issuer, NameID: a.NameID, NameIDFormat: a.NameIDFormat, Email: id.Email,
		Attributes: a.AttributeMap(), SessionIndex: a.SessionIndex, AssertionID: a.ID}
	if a.LegacyCrypto {
		out.Warnings = append(out.Warnings, "accepted with legacy crypto (SHA-1 or a 1024-bit RSA key); ask the IdP to move to RSA-SHA256 and 2048-bit keys")
	}
	return out, true
}

func setClocks(v *saml.Verifier, now, certNow string) error {
	if now != "" {
		t, err := time.Parse(time.RFC3339Nano, now)
		if err != nil {
			return usagef("--now %q is not an RFC 3339 time", now)
		}
		v.Now = func() time.Time { return t }
	}
	if certNow != "" {
		t, err := time.Parse(time.RFC3339Nano, certNow)
		if err != nil {
			return usagef("--cert-now %q is not an RFC 3339 time", certNow)
		}
		v.CertificateNow = func() time.Time { return t }
	}
	return nil
}

func readKey(path string) (crypto.Decrypter, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("read --sp-key: %v", err)
	}
	k, err := saml.ParsePrivateKey(b)
	if err != nil {
		return nil, usagef("--sp-key: %v", err)
	}
	d, ok := k.(crypto.Decrypter)
	if !ok {
		return nil, usagef("--sp-key: the key cannot decrypt")
	}
	return d, nil
}

// readInput reads a file, or stdin for "-", up to 8 MiB (the verifier
// refuses anything over its own, smaller limit with too_large).
func readInput(stdin io.Reader, name string) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, 8<<20))
}

// requestSet is a saml.RequestIDs over the --request-id values.
type requestSet []string

func (s requestSet) ConsumeRequestID(_ context.Context, id string) (bool, error) {
	for _, x := range s {
		if x == id {
			return true, nil
		}
	}
	return false, nil
}

// timeNow is the wall clock, for summaries.
func timeNow() time.Time { return time.Now().UTC() }

func writeJSONLine(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // to stdout: nobody to tell if it fails
}

// certificateSummary describes one certificate for people.
type certificateSummary struct {
	Subject       string    `json:"subject"`
	Issuer        string    `json:"issuer"`
	NotBefore     time.Time `json:"not_before"`
	NotAfter      time.Time `json:"not_after"`
	Expired       bool      `json:"expired"`
	ExpiresInDays int       `json:"expires_in_days"`
	Key           string    `json:"key"`
	Fingerprint   string    `json:"fingerprint_sha256"`
}

func summarizeCertificates(certs []*x509.Certificate, now time.Time) []certificateSummary {
	out := []certificateSummary{}
	for _, c := range certs {
		out = append(out, certificateSummary{Subject: c.Subject.String(), Issuer: c.Issuer.String(),
			NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), Expired: now.After(c.NotAfter),
			ExpiresInDays: int(c.NotAfter.Sub(now).Hours() / 24), Key: saml.KeyDescription(c), Fingerprint: saml.Fingerprint(c)})
	}
	return out
}

type metadataOutput struct {
	OK           bool            `json:"ok"`
	EntityID     string          `json:"entity_id,omitempty"`
	Provider     signin.Provider `json:"provider,omitempty"`
	ProviderName string          `json:"provider_name,omitempty"`
	IdP          *idpSummary     `json:"idp,omitempty"`
	SP           *spSummary      `json:"sp,omitempty"`
	Warnings     []string        `json:"warnings,omitempty"`
	Error        string          `json:"error,omitempty"`
	Message      string          `json:"message,omitempty"`
	Hint         string          `json:"hint,omitempty"`
}

type idpSummary struct {
	SSOServices             []saml.Endpoint      `json:"sso_services"`
	SLOServices             []saml.Endpoint      `json:"slo_services"`
	SigningCertificates     []certificateSummary `json:"signing_certificates"`
	NameIDFormats           []string             `json:"name_id_formats"`
	WantAuthnRequestsSigned bool                 `json:"want_authn_requests_signed"`
}

type spSummary struct {
	AssertionConsumerServices []saml.Endpoint      `json:"assertion_consumer_services"`
	SigningCertificates       []certificateSummary `json:"signing_certificates"`
	EncryptionCertificates    []certificateSummary `json:"encryption_certificates"`
	NameIDFormats             []string             `json:"name_id_formats"`
	AuthnRequestsSigned       bool                 `json:"authn_requests_signed"`
	WantAssertionsSigned      bool                 `json:"want_assertions_signed"`
}

func runSAMLMetadata(_ context.Context, io IO, args []string) error {
	fs := newFlagSet("saml metadata", "FILE|-", io.Stderr)
	nowFlag := fs.String("now", "", "judge certificate expiry as of this RFC 3339 time instead of now")
	if err := parseFlags(fs, args, io.Env); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("one metadata FILE (or -) is required")
	}
	now := time.Now().UTC()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339Nano, *nowFlag)
		if err != nil {
			return usagef("--now %q is not an RFC 3339 time", *nowFlag)
		}
		now = t
	}
	data, err := readInput(io.Stdin, fs.Arg(0))
	if err != nil {
		return usagef("read the metadata: %v", err)
	}
	m, err := saml.ParseMetadata(data, saml.MetadataOptions{AllowLegacyCrypto: true, Now: now})
	if err != nil {
		writeJSONLine(io.Stdout, reject(err))
		return errReported
	}
	writeJSONLine(io.Stdout, summarizeMetadata(m, now))
	return nil
}

func summarizeMetadata(m *saml.EntityMetadata, now time.Time) metadataOutput {
	p := signin.RecognizeProvider(m.EntityID)
	out := metadataOutput{OK: true, EntityID: m.EntityID, Provider: p, ProviderName: p.Name(), Warnings: m.Warnings}
	if m.IdP != nil {
		out.IdP = &idpSummary{SSOServices: m.IdP.SSOServices, SLOServices: nonNil(m.IdP.SLOServices),
			SigningCertificates: summarizeCertificates(m.IdP.SigningCertificates, now),
			NameIDFormats:       nonNilStrings(m.IdP.NameIDFormats), WantAuthnRequestsSigned: m.IdP.WantAuthnRequestsSigned}
		out.Warnings = append(out.Warnings, weakKeyWarnings(m.IdP.SigningCertificates)...)
	}
	if m.SP != nil {
		out.SP = &spSummary{AssertionConsumerServices: m.SP.AssertionConsumerServices,
			SigningCertificates:    summarizeCertificates(m.SP.SigningCertificates, now),
			EncryptionCertificates: summarizeCertificates(m.SP.EncryptionCertificates, now),
			NameIDFormats:          nonNilStrings(m.SP.NameIDFormats),
			AuthnRequestsSigned:    m.SP.AuthnRequestsSigned, WantAssertionsSigned: m.SP.WantAssertionsSigned}
	}
	return out
}

func weakKeyWarnings(certs []*x509.Certificate) []string {
	var out []string
	for _, c := range certs {
		if d := saml.KeyDescription(c); d == "RSA 1024" || strings.HasPrefix(d, "RSA 5") {
			out = append(out, fmt.Sprintf("the certificate %q has a weak key (%s): it is accepted only with legacy crypto", c.Subject, d))
		}
	}
	return out
}

func nonNil(e []saml.Endpoint) []saml.Endpoint {
	if e == nil {
		return []saml.Endpoint{}
	}
	return e
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
