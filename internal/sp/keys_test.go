// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

// spCert reads the org's certificate from its SP metadata, checking it is
// offered for both signing and encryption.
func spCert(t *testing.T, w *world, o store.Org) *x509.Certificate {
	t.Helper()
	r := w.client().Do("GET", "/saml/"+o.Slug+"/metadata", nil)
	m, err := saml.ParseMetadata([]byte(r.Body), saml.MetadataOptions{Require: saml.RoleSP})
	if err != nil {
		t.Fatalf("SP metadata: %v\n%s", err, excerpt(r.Body))
	}
	if len(m.SP.SigningCertificates) != 1 || len(m.SP.EncryptionCertificates) != 1 || !m.SP.SigningCertificates[0].Equal(m.SP.EncryptionCertificates[0]) {
		t.Fatalf("SP metadata offers %d signing and %d encryption certificates, want the org's one for both",
			len(m.SP.SigningCertificates), len(m.SP.EncryptionCertificates))
	}
	return m.SP.EncryptionCertificates[0]
}

// TestEncryptedAssertions: each org has its own key pair, published in its
// SP metadata; an assertion encrypted to it signs in, one encrypted to
// another org's key does not.
func TestEncryptedAssertions(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	w.member(w.acme, "pat@corp.example", "member")
	acmeCert, betaCert := spCert(t, w, w.acme), spCert(t, w, w.beta)
	if acmeCert.Equal(betaCert) {
		t.Fatal("two orgs share an SP key")
	}
	if again := spCert(t, w, w.acme); !again.Equal(acmeCert) {
		t.Fatal("the org's SP certificate changed between two metadata downloads")
	}
	// The same certificate as a file, and on the settings page.
	r := w.client().Do("GET", "/saml/acme/certificate", nil)
	if certs, err := saml.ParseCertificatesPEM(r.Body); err != nil || len(certs) != 1 || !certs[0].Equal(acmeCert) {
		t.Errorf("GET /saml/acme/certificate = %d, %v: want the metadata's certificate", r.Status, err)
	}
	if page := w.admin(w.acme).Do("GET", "/orgs/acme/settings/sso", nil); !strings.Contains(page.Body, "Download SP certificate") || !strings.Contains(page.Body, saml.Fingerprint(acmeCert)) {
		t.Errorf("the settings page does not offer the SP certificate:\n%s", excerpt(page.Body))
	}
	encryptedTo := func(c *x509.Certificate) string {
		return w.response(w.acme, func(p *saml.ResponseParams) { p.EncryptFor = c })
	}
	if r := w.client().postACS(w.acme, encryptedTo(betaCert), ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, string(saml.CodeDecryptionFailed)) {
		t.Errorf("encrypted to beta's key, posted at acme = %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := w.client().postACS(w.acme, encryptedTo(acmeCert), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("encrypted to acme's key = %d\n%s", r.Status, excerpt(r.Body))
	}
}

// TestSignedAuthnRequests: SP-initiated requests are signed with the org's
// key when the IdP's metadata asks (WantAuthnRequestsSigned), and not
// otherwise.
func TestSignedAuthnRequests(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	if r := w.client().Do("GET", "/saml/acme/login", nil); r.Status != http.StatusFound || strings.Contains(r.Location, "Signature=") {
		t.Fatalf("IdP that does not ask: %d %q, want an unsigned request", r.Status, r.Location)
	}
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: awsEntity, SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{w.idp.Certificate}, WantAuthnRequestsSigned: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := w.admin(w.acme).upload("/orgs/acme/settings/sso", map[string]string{"provider": "other", "idp_source": "xml", "metadata_xml": string(md)}, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("upload = %d\n%s", r.Status, excerpt(r.Body))
	}
	r := w.client().Do("GET", "/saml/acme/login", nil)
	u, err := url.Parse(r.Location)
	if r.Status != http.StatusFound || err != nil {
		t.Fatalf("SP-initiated start = %d %q", r.Status, r.Location)
	}
	msg, err := saml.DecodeRedirect(u.RawQuery, saml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := msg.VerifyRedirectSignature([]*x509.Certificate{spCert(t, w, w.acme)}, false); err != nil {
		t.Errorf("the request is not signed with the org's key: %v", err)
	}
	if err := msg.VerifyRedirectSignature([]*x509.Certificate{spCert(t, w, w.beta)}, false); err == nil {
		t.Error("acme's request verifies with beta's key")
	}
}

// keyCounting counts the SP keys offered to the store.
type keyCounting struct {
	store.Store
	offered atomic.Int32
}

func (k *keyCounting) AddSPKeyIfAbsent(ctx context.Context, key store.SPKey) (store.SPKey, error) {
	k.offered.Add(1)
	return k.Store.AddSPKeyIfAbsent(ctx, key)
}

// TestConcurrentFirstSignInsMakeOneKey: six first uses of an org's SP key
// at once generate one key, not six (RSA generation is the costly part).
func TestConcurrentFirstSignInsMakeOneKey(t *testing.T) {
	w := newWorld(t)
	counting := &keyCounting{Store: w.st}
	svc := &sp.Service{Store: counting, BaseURL: w.srv.URL, Sealer: w.svc.Sealer}
	var wg sync.WaitGroup
	certs := make([]*x509.Certificate, 6)
	for i := range certs {
		wg.Go(func() {
			kp, ok, err := svc.OrgKey(context.Background(), w.acme)
			if err != nil || !ok {
				t.Error(ok, err)
				return
			}
			certs[i] = kp.Certificate
		})
	}
	wg.Wait()
	if n := counting.offered.Load(); n != 1 {
		t.Errorf("%d keys were made for one org, want 1", n)
	}
	for _, c := range certs[1:] {
		if c == nil || certs[0] == nil || !c.Equal(certs[0]) {
			t.Fatal("the concurrent callers got different keys")
		}
	}
}
