// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/idp"
	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/web"
	"github.com/signet-sso/signet/internal/web/webtest"
)

// world is an Identity Center on a real SQLite store behind a real HTTP server.
type world struct {
	t     *testing.T
	svc   *idp.Service
	st    store.Store
	srv   *httptest.Server
	admin *client
	spACS string
	spAud string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, _ := secret.NewSealer("a test secret key that is long enough!!")
	log := slog.New(slog.DiscardHandler)
	pages, err := idp.Templates(log)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, st: st, spACS: "https://sp.example.com/saml/acme/acs", spAud: "https://sp.example.com/saml/acme/metadata"}
	mux := http.NewServeMux()
	w.srv = httptest.NewServer(web.Protect(mux, idp.SAMLPostPatterns()...))
	t.Cleanup(w.srv.Close)
	w.svc = &idp.Service{Store: st, Sealer: sealer, BaseURL: w.srv.URL, Password: password.Cheap(), Log: log}
	h := idp.NewHandler(w.svc, pages, log, time.Hour)
	h.Mount(mux)
	web.MountStatic(mux)
	ctx := t.Context()
	if _, err := w.svc.Directory().CreateUser(ctx, "test", idp.UserInput{Username: "root", Email: "root@corp.example", Password: testPassword, Admin: true}); err != nil {
		t.Fatal(err)
	}
	w.admin = w.client()
	w.admin.MustStatus(http.StatusSeeOther, "POST", "/admin/login", url.Values{"username": {"root"}, "password": {testPassword}})
	return w
}

// client is a browser on the test server (webtest).
type client = webtest.Client

func (w *world) client() *client { return webtest.NewClient(w.t, w.srv.URL) }

func excerpt(body string) string { return webtest.Excerpt(body) }

var appIDPattern = regexp.MustCompile(`/admin/applications/(app_[a-z0-9]+)/setup`)

// addApp goes through Add application as an admin would and returns the app ID.
func (w *world) addApp(name string, fields map[string]string) string {
	w.t.Helper()
	r := w.admin.MustStatus(http.StatusSeeOther, "GET", "/admin/applications/new", nil)
	m := appIDPattern.FindStringSubmatch(r.Location)
	if m == nil {
		w.t.Fatalf("new application redirect = %q", r.Location)
	}
	form := map[string]string{"name": name, "description": "d", "session_duration": "1h0m0s", "metadata_source": "manual",
		"acs_url": w.spACS, "audience": w.spAud}
	for k, v := range fields {
		form[k] = v
	}
	if r := w.admin.Upload("/admin/applications/"+m[1]+"/setup", form, "", nil); r.Status != http.StatusSeeOther {
		w.t.Fatalf("submit application = %d\n%s", r.Status, excerpt(r.Body))
	}
	return m[1]
}

func (w *world) user(name, email string) store.User {
	w.t.Helper()
	u, err := w.svc.Directory().CreateUser(w.t.Context(), "test", idp.UserInput{Username: name, Email: email, Password: testPassword})
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

func (w *world) portalClient(name string) *client {
	w.t.Helper()
	c := w.client()
	c.MustStatus(http.StatusSeeOther, "POST", "/portal/login", url.Values{"username": {name}, "password": {testPassword}})
	return c
}

var samlResponseField = regexp.MustCompile(`name="SAMLResponse" value="([^"]+)"`)

// postedResponse extracts the SAMLResponse of an auto-submitting form.
func postedResponse(t *testing.T, body string) []byte {
	t.Helper()
	m := samlResponseField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no SAMLResponse in the page:\n%s", excerpt(body))
	}
	xml, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(m[1], "&#43;", "+"))
	if err != nil {
		t.Fatal(err)
	}
	return xml
}

// verifier checks responses as the SP at spACS would, with the app's metadata.
func (w *world) verifier(appID string) *saml.Verifier {
	w.t.Helper()
	r := w.admin.MustStatus(http.StatusOK, "GET", "/saml/apps/"+appID+"/metadata", nil)
	m, err := saml.ParseMetadata([]byte(r.Body), saml.MetadataOptions{Require: saml.RoleIdP})
	if err != nil {
		w.t.Fatal(err)
	}
	return &saml.Verifier{IdPEntityID: m.EntityID, IdPCertificates: m.IdP.SigningCertificates,
		SPEntityID: w.spAud, ACSURL: w.spACS, AllowIdPInitiated: true}
}

func (w *world) ctx() context.Context { return w.t.Context() }

var _ = x509.Certificate{}

// testPassword is every test user's password: long, uncommon, and holding
// no username (the password rules refuse those).
const testPassword = "ember-ridge-compass"
