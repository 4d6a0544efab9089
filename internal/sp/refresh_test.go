// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

// metadataHost serves IdP metadata over https; tests change what it serves.
type metadataHost struct {
	mu     sync.Mutex
	body   []byte
	status int
	srv    *httptest.Server
}

func newMetadataHost(t *testing.T, md []byte) *metadataHost {
	h := &metadataHost{body: md, status: http.StatusOK}
	h.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		defer h.mu.Unlock()
		w.WriteHeader(h.status)
		w.Write(h.body)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *metadataHost) serve(status int, md []byte) {
	h.mu.Lock()
	h.status, h.body = status, md
	h.mu.Unlock()
}

// TestMetadataURLRefresh: a connection made from an https metadata URL is
// read again; a certificate rollover arrives without the admin and keeps
// Require SSO; a failed or suspicious refresh is shown and changes nothing.
func TestMetadataURLRefresh(t *testing.T) {
	w := newWorld(t)
	w.member(w.acme, "pat@corp.example", "member")
	host := newMetadataHost(t, w.idpMetadata(w.idp))
	w.svc.Fetch = host.srv.Client() // trusts the test server's certificate (and skips the SSRF guard: it is on 127.0.0.1)
	admin := w.admin(w.acme)
	if r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "entra", "idp_source": "url", "metadata_url": host.srv.URL + "/federationmetadata.xml"}, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("connect by URL = %d\n%s", r.Status, excerpt(r.Body))
	}
	c := acmeConn(t, w)
	if c.MetadataURL != host.srv.URL+"/federationmetadata.xml" || c.RefreshedAt.IsZero() {
		t.Fatalf("connection = %q refreshed %s, want the URL remembered", c.MetadataURL, c.RefreshedAt)
	}
	if page := admin.Do("GET", "/orgs/acme/settings/sso", nil); !strings.Contains(page.Body, "Read again daily") {
		t.Errorf("the page does not say the metadata is refreshed:\n%s", excerpt(page.Body))
	}
	// Verified, then Require SSO on.
	if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d", r.Status)
	}
	if r := admin.Do("POST", "/orgs/acme/settings/sso/options", url.Values{"allow_idp_initiated": {"1"}, "require_sso": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("Require SSO = %d\n%s", r.Status, excerpt(r.Body))
	}

	// The IdP rolls its certificate over: the new one joins the metadata.
	next := samltest.Key(t, "idp-next")
	rolled, _ := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: awsEntity, SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{next.Certificate, w.idp.Certificate}})
	host.serve(http.StatusOK, rolled)
	if r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.Key = next }), ""); r.Status != http.StatusBadRequest {
		t.Fatalf("the new key signed in before the refresh: %d", r.Status)
	}
	if err := w.svc.RefreshMetadata(t.Context(), w.primaryRef(t)); err != nil {
		t.Fatal(err)
	}
	if r := w.client().postACS(w.acme, w.response(w.acme, func(p *saml.ResponseParams) { p.Key = next }), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("after the refresh the new key = %d\n%s", r.Status, excerpt(r.Body))
	}
	if c := acmeConn(t, w); !c.RequireSSO || c.VerifiedAt.IsZero() || c.RefreshError != "" {
		t.Errorf("after the rollover: RequireSSO=%v verified=%s error=%q, want kept and no error", c.RequireSSO, c.VerifiedAt, c.RefreshError)
	}

	// Refreshes that must change nothing: a server error, and metadata for
	// another IdP at the same URL.
	before := acmeConn(t, w)
	stranger, _ := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: "https://stranger.example/idp", SSOURL: "https://stranger.example/sso",
		SigningCertificates: []*x509.Certificate{attackerKey(t).Certificate}})
	for _, tc := range []struct {
		name   string
		status int
		body   []byte
		want   string
	}{
		{"server error", http.StatusInternalServerError, []byte("oops"), "500"},
		{"another IdP", http.StatusOK, stranger, "another identity provider"},
	} {
		host.serve(tc.status, tc.body)
		if err := w.svc.RefreshMetadata(t.Context(), w.primaryRef(t)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: refresh error = %v, want %q", tc.name, err, tc.want)
		}
		after := acmeConn(t, w)
		if after.MetadataXML != before.MetadataXML || after.CertificatesPEM != before.CertificatesPEM || !strings.Contains(after.RefreshError, tc.want) {
			t.Errorf("%s: the connection changed, or the error was not recorded (%q)", tc.name, after.RefreshError)
		}
		if page := admin.Do("GET", "/orgs/acme/settings/sso", nil); !strings.Contains(page.Body, "Last refresh failed") {
			t.Errorf("%s: the page does not show the failed refresh", tc.name)
		}
	}

	// RefreshDue picks connections last read a day ago.
	if n, err := w.svc.RefreshDue(t.Context()); err != nil || n != 0 {
		t.Errorf("RefreshDue right after a refresh = %d, %v; want none due", n, err)
	}
	w.svc.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	host.serve(http.StatusOK, rolled)
	if n, err := w.svc.RefreshDue(t.Context()); err != nil || n != 1 {
		t.Errorf("RefreshDue a day later = %d, %v; want 1", n, err)
	}
	if c := acmeConn(t, w); c.RefreshError != "" {
		t.Errorf("refresh error after a good refresh = %q", c.RefreshError)
	}
}

// TestHTTPMetadataURLIsNotRefreshed: over plain http anyone on the path
// could swap the certificates, so such a URL is read once only.
func TestHTTPMetadataURLIsNotRefreshed(t *testing.T) {
	w := newWorld(t)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.Write(w.idpMetadata(w.idp)) }))
	defer srv.Close()
	w.svc.Fetch = newFetcherAllowingPrivate()
	admin := w.admin(w.acme)
	if r := admin.upload("/orgs/acme/settings/sso", map[string]string{"provider": "other", "idp_source": "url", "metadata_url": srv.URL + "/md", "allow_http": "1"}, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("connect by http URL = %d\n%s", r.Status, excerpt(r.Body))
	}
	if page := admin.Do("GET", "/orgs/acme/settings/sso", nil); !strings.Contains(page.Body, "Not refreshed automatically") {
		t.Errorf("the page does not say the http URL is not refreshed:\n%s", excerpt(page.Body))
	}
	if err := w.svc.RefreshMetadata(t.Context(), w.primaryRef(t)); err == nil || !strings.Contains(err.Error(), "not https") {
		t.Errorf("refresh of an http URL = %v", err)
	}
}

func acmeConn(t *testing.T, w *world) store.SSOConnection {
	t.Helper()
	c, err := w.st.GetSSOConnection(t.Context(), w.acme.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRefreshKeepsTheSSRFGuard: a stored metadata URL is fetched through
// the same guard as the first upload, so a refresh cannot be pointed at an
// internal address (SECURITY-CASES 80).
func TestRefreshKeepsTheSSRFGuard(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	if _, err := w.st.UpdateSSOConnection(t.Context(), w.acme.ID, "", func(c *store.SSOConnection) error {
		c.MetadataURL = "https://127.0.0.1:9/federationmetadata.xml"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before := acmeConn(t, w)
	err := w.svc.RefreshMetadata(t.Context(), w.primaryRef(t)) // w.svc.Fetch is the production fetcher
	after := acmeConn(t, w)
	if !errors.Is(err, sp.ErrAddressNotAllowed) || !strings.HasPrefix(after.RefreshError, sp.ErrAddressNotAllowed.Error()) || after.MetadataXML != before.MetadataXML {
		t.Errorf("refresh from a loopback URL = %v (recorded %q); want the SSRF guard's refusal and nothing changed", err, after.RefreshError)
	}
}

// TestExpiringCertificateEvents: a trusted IdP certificate close to its
// end is announced to host apps once, not on every check.
func TestExpiringCertificateEvents(t *testing.T) {
	w := newWorld(t)
	w.connect(w.acme)
	ctx := t.Context()
	if n, err := w.svc.AnnounceExpiringCertificates(ctx); err != nil || n != 0 {
		t.Fatalf("a fresh certificate: %d events, %v", n, err)
	}
	w.svc.Now = func() time.Time { return w.idp.Certificate.NotAfter.Add(-24 * time.Hour) }
	for want := range []int{1, 0} {
		n, err := w.svc.AnnounceExpiringCertificates(ctx)
		if err != nil || n != 1-want {
			t.Fatalf("check %d: %d events, %v", want+1, n, err)
		}
	}
	evs, err := w.st.EventsAfter(ctx, w.acme.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	var data store.EventConnection
	if err := json.Unmarshal(last.Data, &data); err != nil || last.Type != store.EventCertificateExpiring ||
		data.Certificate != saml.Fingerprint(w.idp.Certificate) || !data.NotAfter.Equal(w.idp.Certificate.NotAfter) {
		t.Errorf("event = %s %s (%v)", last.Type, last.Data, err)
	}
	if evs, _ := w.st.EventsAfter(ctx, w.beta.ID, 0, 100); len(evs) != 0 {
		t.Errorf("beta got acme's events: %v", evs)
	}
}
