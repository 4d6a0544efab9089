// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package samltest

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/signet-sso/signet/internal/saml"
)

var (
	keyMu    sync.Mutex
	keyCache = map[string]saml.KeyPair{}
)

// Key returns an RSA-2048 key pair named name, made once per test binary
// and valid from 2020 to 2040 (RSA generation is slow).
func Key(t testing.TB, name string) saml.KeyPair {
	t.Helper()
	keyMu.Lock()
	defer keyMu.Unlock()
	if k, ok := keyCache[name]; ok {
		return k
	}
	k, err := saml.GenerateKeyPair(rand.Reader, saml.KeyRSA2048, "samltest "+name,
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 20*365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	keyCache[name] = k
	return k
}

// Env is one IdP and one SP (a Workspace org) that trust each other.
type Env struct {
	IdPEntityID string
	SPEntityID  string
	ACSURL      string
	Key         saml.KeyPair
	Now         time.Time
	Requests    *Requests
	Replay      *Replay
}

// NewEnv returns an Env with the "idp" key and a fixed clock.
func NewEnv(t testing.TB) *Env {
	return &Env{
		IdPEntityID: "https://idp.example.com/saml/apps/app_1",
		SPEntityID:  "https://sp.example.com/saml/acme/metadata",
		ACSURL:      "https://sp.example.com/saml/acme/acs",
		Key:         Key(t, "idp"),
		Now:         time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Requests:    &Requests{ids: map[string]bool{}},
		Replay:      &Replay{seen: map[string]bool{}},
	}
}

// Params are the parameters of a valid response: NameID and email
// attribute pat@corp.example, solicited by request "_req1" (which the Env's
// Requests holds).
func (e *Env) Params() saml.ResponseParams {
	e.Requests.Add("_req1")
	return saml.ResponseParams{
		Issuer: e.IdPEntityID, Destination: e.ACSURL, Audience: e.SPEntityID, InResponseTo: "_req1",
		NameID: "pat@corp.example", NameIDFormat: saml.NameIDEmail,
		Attributes: []saml.Attribute{{Name: "email", NameFormat: saml.AttrNameFormatBasic, Values: []string{"pat@corp.example"}}},
		Key:        e.Key, Now: e.Now, Rand: rand.Reader, SessionDuration: 8 * time.Hour,
	}
}

// Response issues a signed response from Params, after mutate (if not nil).
func (e *Env) Response(t testing.TB, mutate func(*saml.ResponseParams)) []byte {
	t.Helper()
	p := e.Params()
	if mutate != nil {
		mutate(&p)
	}
	xml, err := saml.IssueResponse(p)
	if err != nil {
		t.Fatal(err)
	}
	return xml
}

// Verifier returns a verifier for the Env's SP, trusting the Env's key,
// with the clock 10 seconds after issue.
func (e *Env) Verifier() *saml.Verifier {
	return &saml.Verifier{
		IdPEntityID: e.IdPEntityID, IdPCertificates: []*x509.Certificate{e.Key.Certificate},
		SPEntityID: e.SPEntityID, ACSURL: e.ACSURL,
		Now:        func() time.Time { return e.Now.Add(10 * time.Second) },
		RequestIDs: e.Requests, Replay: e.Replay,
	}
}

// Requests is an in-memory saml.RequestIDs.
type Requests struct {
	mu  sync.Mutex
	ids map[string]bool
}

// Add makes id outstanding.
func (r *Requests) Add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids[id] = true
}

// ConsumeRequestID implements saml.RequestIDs.
func (r *Requests) ConsumeRequestID(_ context.Context, id string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ok := r.ids[id]
	delete(r.ids, id)
	return ok, nil
}

// Replay is an in-memory saml.ReplayCache.
type Replay struct {
	mu   sync.Mutex
	seen map[string]bool
}

// RecordAssertion implements saml.ReplayCache.
func (r *Replay) RecordAssertion(_ context.Context, id string, _ time.Time) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[id] {
		return false, nil
	}
	r.seen[id] = true
	return true, nil
}

// Parse reads XML into a document (test input is trusted).
func Parse(t testing.TB, xml []byte) *etree.Document {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(xml); err != nil {
		t.Fatal(err)
	}
	return doc
}

// Bytes serializes a document.
func Bytes(t testing.TB, doc *etree.Document) []byte {
	t.Helper()
	b, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Find returns the first element matching an etree path such as
// "./Assertion/Subject/NameID" (prefixes ignored), or fails the test.
func Find(t testing.TB, el *etree.Element, path string) *etree.Element {
	t.Helper()
	found := el.FindElement(path)
	if found == nil {
		t.Fatalf("no element at %s", path)
	}
	return found
}

// Assertion returns the Response's Assertion child.
func Assertion(t testing.TB, doc *etree.Document) *etree.Element {
	return Find(t, doc.Root(), "./Assertion")
}

// RemoveSignature removes el's direct ds:Signature child, if any.
func RemoveSignature(el *etree.Element) {
	for _, c := range el.ChildElements() {
		if c.Tag == "Signature" {
			el.RemoveChild(c)
		}
	}
}

// SignOptions choose algorithms for Sign; zero values mean RSA-SHA256.
type SignOptions struct {
	SignatureMethod string
	Digest          string
}

// Sign replaces el's signature with a new enveloped signature by key,
// placed after the Issuer. el must declare the namespaces it uses (signing
// the Assertion before it is placed, or after Response-level namespaces
// were copied onto it).
func Sign(t testing.TB, el *etree.Element, key saml.KeyPair, opt SignOptions) {
	t.Helper()
	RemoveSignature(el)
	ctx, err := dsig.NewSigningContext(key.Signer, [][]byte{key.Certificate.Raw})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if opt.SignatureMethod == "" {
		opt.SignatureMethod = saml.AlgRSASHA256
	}
	if err := ctx.SetSignatureMethod(opt.SignatureMethod); err != nil {
		t.Fatal(err)
	}
	if opt.Digest != "" {
		ctx.Hash = digestHash(opt.Digest)
	}
	sig, err := ctx.ConstructSignature(el, true)
	if err != nil {
		t.Fatal(err)
	}
	at := 0
	if iss := el.SelectElement("Issuer"); iss != nil {
		at = iss.Index() + 1
	}
	el.InsertChildAt(at, sig)
}

// DeclareNamespaces copies the namespace declarations of el's ancestors
// onto el, so el can be signed alone.
func DeclareNamespaces(el *etree.Element) {
	have := map[string]bool{}
	for _, a := range el.Attr {
		if a.Space == "xmlns" || a.Key == "xmlns" {
			have[a.Key] = true
		}
	}
	for p := el.Parent(); p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			if (a.Space == "xmlns" || a.Space == "" && a.Key == "xmlns") && !have[a.Key] {
				have[a.Key] = true
				el.CreateAttr(a.FullKey(), a.Value)
			}
		}
	}
}
