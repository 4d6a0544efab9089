// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
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
	w.srv = httptest.NewServer(web.Protect(mux, idp.SAMLPostPatterns...))
	t.Cleanup(w.srv.Close)
	w.svc = &idp.Service{Store: st, Sealer: sealer, BaseURL: w.srv.URL, Password: password.Cheap, Log: log}
	h := idp.NewHandler(w.svc, pages, log, time.Hour)
	h.Mount(mux)
	web.MountStatic(mux)
	ctx := t.Context()
	if _, err := w.svc.CreateUser(ctx, "test", idp.UserInput{Username: "root", Email: "root@corp.example", Password: "root-password-1", Admin: true}); err != nil {
		t.Fatal(err)
	}
	w.admin = w.client()
	w.admin.mustStatus(http.StatusSeeOther, "POST", "/admin/login", url.Values{"username": {"root"}, "password": {"root-password-1"}})
	return w
}

// client is a browser: it keeps cookies and does not follow redirects.
type client struct {
	w    *world
	http *http.Client
}

func (w *world) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{w: w, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(method, path string, form url.Values) response {
	c.w.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	target := path
	if strings.HasPrefix(path, "/") {
		target = c.w.srv.URL + path
	}
	req, _ := http.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) response {
	c.w.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), header: resp.Header}
}

func (c *client) mustStatus(want int, method, path string, form url.Values) response {
	c.w.t.Helper()
	r := c.do(method, path, form)
	if r.status != want {
		c.w.t.Fatalf("%s %s = %d, want %d\n%s", method, path, r.status, want, excerpt(r.body))
	}
	return r
}

func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}

// multipartPost posts a form with an optional file.
func (c *client) multipartPost(path string, fields map[string]string, fileField string, file []byte) response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, "metadata.xml")
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.w.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}

var appIDPattern = regexp.MustCompile(`/admin/applications/(app_[a-z0-9]+)/setup`)

// addApp goes through Add application as an admin would and returns the app ID.
func (w *world) addApp(name string, fields map[string]string) string {
	w.t.Helper()
	r := w.admin.mustStatus(http.StatusSeeOther, "GET", "/admin/applications/new", nil)
	m := appIDPattern.FindStringSubmatch(r.location)
	if m == nil {
		w.t.Fatalf("new application redirect = %q", r.location)
	}
	form := map[string]string{"name": name, "description": "d", "session_duration": "1h0m0s", "metadata_source": "manual",
		"acs_url": w.spACS, "audience": w.spAud}
	for k, v := range fields {
		form[k] = v
	}
	if r := w.admin.multipartPost("/admin/applications/"+m[1]+"/setup", form, "", nil); r.status != http.StatusSeeOther {
		w.t.Fatalf("submit application = %d\n%s", r.status, excerpt(r.body))
	}
	return m[1]
}

func (w *world) user(name, email string) store.User {
	w.t.Helper()
	u, err := w.svc.CreateUser(w.t.Context(), "test", idp.UserInput{Username: name, Email: email, Password: name + "-password-1"})
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

func (w *world) portalClient(name string) *client {
	w.t.Helper()
	c := w.client()
	c.mustStatus(http.StatusSeeOther, "POST", "/portal/login", url.Values{"username": {name}, "password": {name + "-password-1"}})
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
	r := w.admin.mustStatus(http.StatusOK, "GET", "/saml/apps/"+appID+"/metadata", nil)
	m, err := saml.ParseMetadata([]byte(r.body), saml.MetadataOptions{Require: saml.RoleIdP})
	if err != nil {
		w.t.Fatal(err)
	}
	return &saml.Verifier{IdPEntityID: m.EntityID, IdPCertificates: m.IdP.SigningCertificates,
		SPEntityID: w.spAud, ACSURL: w.spACS, AllowIdPInitiated: true}
}

func (w *world) ctx() context.Context { return w.t.Context() }

var _ = x509.Certificate{}
