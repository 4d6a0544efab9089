// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"crypto/rand"
	"crypto/x509"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/store/sqlstore"
	"github.com/signet-sso/signet/internal/web"
	"github.com/signet-sso/signet/internal/web/webtest"
)

// awsEntity looks like an AWS IAM Identity Center application's issuer, so
// the hints use AWS's words.
const awsEntity = "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/NDQ0OTc1NjczNTMwX2lucy01MTRmOGNkNGRjYzJhMjky"

type world struct {
	t                 testing.TB
	st                store.Store
	svc               *sp.Service
	srv               *httptest.Server
	idp               saml.KeyPair
	acme, beta, cheap store.Org
}

func newWorld(t testing.TB) *world {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), sqlstore.Location{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "s.db")}, sqlstore.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.DiscardHandler)
	pages, err := sp.Templates(log)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, st: st, idp: samltest.Key(t, "idp")}
	mux := http.NewServeMux()
	w.srv = httptest.NewServer(web.Protect(mux, sp.SAMLPostPatterns()...))
	t.Cleanup(w.srv.Close)
	sealer, err := secret.NewSealer("sp tests: a secret key of at least 32 bytes")
	if err != nil {
		t.Fatal(err)
	}
	w.svc = &sp.Service{Store: st, BaseURL: w.srv.URL, Password: password.Cheap(), Log: log, Fetch: sp.NewFetcher(false), Sealer: sealer}
	sp.NewHandler(w.svc, pages, log).Mount(mux)
	web.MountStatic(mux)
	w.acme = w.org("acme", "growth")
	w.beta = w.org("beta", "growth")
	w.cheap = w.org("cheap", "starter")
	return w
}

func (w *world) org(slug, plan string) store.Org {
	w.t.Helper()
	h, _ := password.Hash("admin-password-1", password.Cheap())
	o, err := w.st.CreateOrg(w.t.Context(), store.Org{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], Plan: plan},
		&store.Member{Email: "admin@" + slug + ".example", Role: "admin", PasswordHash: h})
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

func (w *world) member(o store.Org, email, role string) {
	w.t.Helper()
	h, _ := password.Hash("member-password-1", password.Cheap())
	if _, err := w.st.CreateMember(w.t.Context(), store.Member{OrgID: o.ID, Email: email, Role: role, PasswordHash: h}); err != nil {
		w.t.Fatal(err)
	}
}

// idpMetadata is the (AWS-looking) IdP's metadata with the test key.
func (w *world) idpMetadata(key saml.KeyPair) []byte {
	md, err := saml.IdPMetadata(saml.IdPMetadataParams{EntityID: awsEntity, SSOURL: "https://idp.example.com/sso",
		SigningCertificates: []*x509.Certificate{key.Certificate}, NameIDFormats: []string{saml.NameIDEmail}})
	if err != nil {
		w.t.Fatal(err)
	}
	return md
}

// client is a browser on the test server, with the Workspace's own steps.
type client struct {
	*webtest.Client
	w *world
}

type response = webtest.Response

func (w *world) client() *client { return &client{Client: webtest.NewClient(w.t, w.srv.URL), w: w} }

// upload posts the SSO settings form, with file as the metadata file.
func (c *client) upload(path string, fields map[string]string, file []byte) response {
	field := ""
	if file != nil {
		field = "metadata_file"
	}
	return c.Upload(path, fields, field, file)
}

func (c *client) login(email, pw string) response {
	return c.Do("POST", "/login", url.Values{"email": {email}, "password": {pw}})
}

func (w *world) admin(o store.Org) *client {
	w.t.Helper()
	c := w.client()
	if r := c.login("admin@"+o.Slug+".example", "admin-password-1"); r.Status != http.StatusSeeOther {
		w.t.Fatalf("admin login = %d", r.Status)
	}
	return c
}

// connect uploads the IdP's metadata to the org's SSO page.
func (w *world) connect(o store.Org) {
	w.t.Helper()
	r := w.admin(o).upload("/orgs/"+o.Slug+"/settings/sso", map[string]string{"provider": "aws", "idp_source": "file"}, w.idpMetadata(w.idp))
	if r.Status != http.StatusSeeOther {
		w.t.Fatalf("upload metadata = %d\n%s", r.Status, excerpt(r.Body))
	}
}

// response builds an IdP-initiated response for org o, signed by the IdP.
func (w *world) response(o store.Org, mutate func(*saml.ResponseParams)) string {
	w.t.Helper()
	p := saml.ResponseParams{Issuer: awsEntity, Destination: w.svc.ACSURL(o), Audience: w.svc.EntityID(o),
		NameID: "pat@corp.example", NameIDFormat: saml.NameIDEmail,
		Attributes: []saml.Attribute{{Name: "email", NameFormat: saml.AttrNameFormatBasic, Values: []string{"pat@corp.example"}}},
		Key:        w.idp, Now: time.Now(), Rand: rand.Reader}
	if mutate != nil {
		mutate(&p)
	}
	xml, err := saml.IssueResponse(p)
	if err != nil {
		w.t.Fatal(err)
	}
	return saml.EncodeBase64(xml)
}

func (c *client) postACS(o store.Org, samlResponse, relay string) response {
	form := url.Values{"SAMLResponse": {samlResponse}}
	if relay != "" {
		form.Set("RelayState", relay)
	}
	return c.Do("POST", "/saml/"+o.Slug+"/acs", form)
}

func excerpt(body string) string { return webtest.Excerpt(body) }

// lastAttempt is the org's newest sign-in attempt.
func (w *world) lastAttempt(o store.Org) store.SignInAttempt {
	w.t.Helper()
	list, _, err := w.st.ListSignInAttempts(w.t.Context(), o.ID, store.ListOptions{Limit: 1})
	if err != nil || len(list) == 0 {
		w.t.Fatalf("no attempt logged: %v", err)
	}
	return list[0]
}

// primaryRef names acme's primary connection.
func (w *world) primaryRef(t *testing.T) store.ConnectionRef {
	t.Helper()
	c, err := w.st.GetSSOConnection(t.Context(), w.acme.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return store.ConnectionRef{OrgID: w.acme.ID, ID: c.ID}
}
