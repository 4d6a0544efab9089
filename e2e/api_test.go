// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/signet-sso/signet/e2e/harness"
)

// apiClient calls the management API and checks every request it sends
// and every answer it gets against the OpenAPI document Signet serves
// (libopenapi-validator, not Signet's code).
type apiClient struct {
	t *testing.T
	// hostile requests break the document on purpose: only the answer
	// is checked against it.
	hostile bool
	base    string
	key     string
	v       validator.Validator
	checked int
}

func newAPIClient(t *testing.T, s *signet, key string) *apiClient {
	spec := harness.NewBrowser(t).Get(s.SP + "/api/v1/openapi.json")
	doc, err := libopenapi.NewDocument([]byte(spec.Body))
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("the served OpenAPI document does not load: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("OpenAPI document: %s: %s", e.Message, e.Reason)
		}
		t.FailNow()
	}
	return &apiClient{t: t, base: s.SP + "/api/v1", key: key, v: v}
}

// do sends a request (body marshalled to JSON unless it is a string) and
// returns the status and the answer's JSON.
func (c *apiClient) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	newReq := func() *http.Request {
		req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(raw))
		if raw != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if c.key != "" {
			req.Header.Set("Authorization", "Bearer "+c.key)
		}
		return req
	}
	resp, err := http.DefaultClient.Do(newReq())
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	validate := c.v.ValidateHttpRequestResponse
	if c.hostile {
		validate = c.v.ValidateHttpResponse
	}
	if ok, errs := validate(newReq(), resp); !ok {
		for _, e := range errs {
			c.t.Errorf("%s %s (%d) does not match the OpenAPI document: %s: %s %v", method, path, resp.StatusCode, e.Message, e.Reason, e.SchemaValidationErrors)
		}
	}
	c.checked++
	var out map[string]any
	if len(answer) > 0 && json.Unmarshal(answer, &out) != nil {
		c.t.Errorf("%s %s: not JSON: %.300s", method, path, answer)
	}
	return resp.StatusCode, out
}

// refuse sends a request that breaks the document on purpose and wants
// status, with an answer that matches the document.
func (c *apiClient) refuse(status int, method, path string, body any) map[string]any {
	c.t.Helper()
	c.hostile = true
	defer func() { c.hostile = false }()
	return c.want(status, method, path, body)
}

func (c *apiClient) want(status int, method, path string, body any) map[string]any {
	c.t.Helper()
	got, out := c.do(method, path, body)
	if got != status {
		c.t.Fatalf("%s %s = %d %v, want %d", method, path, got, out, status)
	}
	return out
}

// TestManagementAPI: a host app runs its customers' orgs through the API:
// orgs by its own IDs, the SSO connection from IdP metadata, members,
// setup links an IT admin opens without an account, sign-in attempts and
// host apps; every request and answer matches the served OpenAPI
// document; a revoked key stops at once.
func TestManagementAPI(t *testing.T) {
	s := startSignet(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"))
	key := s.cli("", "sp", "apikey", "add", "--name", "host app back end")
	c := newAPIClient(t, s, key)

	anonymous := *c
	anonymous.key = ""
	if out := anonymous.refuse(http.StatusUnauthorized, "GET", "/orgs", nil); out["code"] != "unauthenticated" {
		t.Errorf("no key: %v", out)
	}
	forged := *c
	forged.key = "signet_sk_" + strings.Repeat("A", 43)
	if status, _ := forged.do("GET", "/orgs", nil); status != http.StatusUnauthorized {
		t.Errorf("unknown key: %d", status)
	}

	acme := c.want(201, "POST", "/orgs", map[string]any{"name": "Acme", "slug": "acme", "plan": "growth", "external_id": "cust-1", "admin_email": "admin@acme.example"})
	if acme["external_id"] != "cust-1" || acme["sso_available"] != true {
		t.Errorf("created org = %v", acme)
	}
	if out := c.refuse(409, "POST", "/orgs", map[string]any{"name": "Again", "slug": "acme2", "plan": "growth", "external_id": "cust-1", "admin_email": "a@b.example"}); out["code"] != "conflict" || !strings.Contains(out["detail"].(string), "external ID") {
		t.Errorf("duplicate external ID: %v", out)
	}
	c.refuse(400, "POST", "/orgs", map[string]any{"name": "X", "slug": "x-org", "plan": "platinum", "admin_email": "a@b.example"})
	c.refuse(400, "POST", "/orgs", `{"name": "X", "slug": "x-org", "plan": "growth", "admin_email": "a@b.example", "plna": "typo"}`)
	c.refuse(400, "POST", "/orgs", `{not json`)
	found := c.want(200, "GET", "/orgs?external_id=cust-1", nil)
	if data := found["data"].([]any); len(data) != 1 || data[0].(map[string]any)["id"] != acme["id"] {
		t.Errorf("by external ID: %v", found)
	}
	c.want(200, "PATCH", "/orgs/acme", map[string]any{"name": "Acme Corp"})
	for _, slug := range []string{"beta", "gamma", "delta"} {
		c.want(201, "POST", "/orgs", map[string]any{"name": slug, "slug": slug, "plan": "enterprise", "admin_email": "admin@" + slug + ".example"})
	}
	var slugs []string
	for path := "/orgs?limit=2"; ; {
		out := c.want(200, "GET", path, nil)
		for _, o := range out["data"].([]any) {
			slugs = append(slugs, o.(map[string]any)["slug"].(string))
		}
		next, _ := out["next_cursor"].(string)
		if next == "" {
			break
		}
		path = "/orgs?limit=2&cursor=" + next
	}
	if strings.Join(slugs, ",") != "acme,beta,delta,gamma" {
		t.Errorf("paging through orgs: %v", slugs)
	}

	// The SSO connection, from the Identity Center's metadata.
	conn := c.want(200, "GET", "/orgs/acme/connection", nil)
	if conn["configured"] != false || conn["acs_url"] != s.SP+"/saml/acme/acs" {
		t.Errorf("connection before setup: %v", conn)
	}
	spMD := filepath.Join(t.TempDir(), "sp.xml")
	writeFile(t, spMD, harness.NewBrowser(t).Get(conn["metadata_url"].(string)).Body)
	s.cli("", "idp", "app", "add", "--name", "Acme", "--sp-metadata", spMD)
	idpMD := s.cli("", "idp", "app", "metadata", "--app", "Acme")
	conn = c.want(200, "PUT", "/orgs/acme/connection", map[string]any{"metadata_xml": idpMD, "provider": "aws"})
	if idp, _ := conn["idp"].(map[string]any); conn["configured"] != true || !strings.HasPrefix(idp["entity_id"].(string), s.IdP) {
		t.Errorf("connection after PUT: %v", conn)
	}
	if _, out := c.do("PUT", "/orgs/beta/connection", map[string]any{"metadata_xml": "<nope/>"}); out["code"] == nil || out["status"] != float64(400) {
		t.Errorf("bad metadata: %v", out)
	}

	// A second IdP for the same org (a second Identity Center application
	// stands in for the contractors' IdP): its own connection, by name.
	s.cli("", "idp", "app", "add", "--name", "Acme contractors", "--sp-metadata", spMD)
	second := s.cli("", "idp", "app", "metadata", "--app", "Acme contractors")
	added := c.want(201, "POST", "/orgs/acme/connections", map[string]any{"metadata_xml": second, "provider": "other", "name": "Contractors"})
	if added["primary"] != false || added["name"] != "Contractors" || added["entity_id"] != conn["entity_id"] {
		t.Errorf("second connection: %v (it shares the org's Entity ID)", added)
	}
	c.refuse(409, "POST", "/orgs/acme/connections", map[string]any{"metadata_xml": second, "name": "Again"})
	if list := c.want(200, "GET", "/orgs/acme/connections", nil); len(list["connections"].([]any)) != 2 {
		t.Errorf("connections: %v", list)
	}
	if p := c.want(200, "PATCH", "/orgs/acme/connections/contractors", map[string]any{"primary": true, "jit_role": "viewer"}); p["primary"] != true {
		t.Errorf("make primary: %v", p)
	}
	c.refuse(400, "PATCH", "/orgs/acme/connections/Contractors", map[string]any{"primary": false})
	if list := c.want(200, "GET", "/orgs/acme/sign-in-attempts?connection=Contractors", nil); len(list["data"].([]any)) != 0 {
		t.Errorf("attempts of a connection nobody signed in through: %v", list)
	}
	c.want(404, "GET", "/orgs/acme/sign-in-attempts?connection=nobody", nil)
	if tok := c.want(201, "POST", "/orgs/acme/scim-token", nil); !strings.HasSuffix(tok["scim_url"].(string), "/scim/v2/acme") || tok["token"] == "" {
		t.Errorf("SCIM token: %v", tok)
	}
	c.want(404, "GET", "/orgs/beta/connections/"+added["id"].(string), nil)
	c.want(204, "DELETE", "/orgs/acme/connections/"+added["id"].(string), nil)
	if p := c.want(200, "GET", "/orgs/acme/connection", nil); p["primary"] != true || p["id"] != conn["id"] {
		t.Errorf("after deleting the primary, the first connection is primary again: %v", p)
	}

	c.want(201, "POST", "/orgs/acme/members", map[string]any{"email": "pat@acme.example", "role": "manager"})
	c.refuse(409, "POST", "/orgs/acme/members", map[string]any{"email": "pat@acme.example", "role": "manager"})
	if members := c.want(200, "GET", "/orgs/acme/members?limit=1", nil); members["next_cursor"] == nil {
		t.Errorf("members page: %v", members)
	}
	c.want(200, "GET", "/orgs/acme/sign-in-attempts", nil)

	// A setup link: the IT admin opens the SSO settings with no account.
	link := c.want(201, "POST", "/orgs/acme/setup-links", map[string]any{"expires_in": 3600})
	it := harness.NewBrowser(t)
	if p := it.Get(link["url"].(string)); p.Status != 200 || !strings.Contains(p.Body, "Single Sign-On Settings for Acme Corp") {
		t.Fatalf("setup link: %d at %s\n%.800s", p.Status, p.URL, p.Body)
	}
	if p := it.Get(s.SP + "/orgs/beta/settings/sso"); strings.Contains(p.Body, "Single Sign-On Settings") {
		t.Errorf("acme's setup link opened beta's settings: %s", p.URL)
	}
	c.want(404, "DELETE", "/orgs/beta/setup-links/"+link["id"].(string), nil)
	c.want(204, "DELETE", "/orgs/acme/setup-links/"+link["id"].(string), nil)
	if p := it.Get(s.SP + "/orgs/acme/settings/sso"); strings.Contains(p.Body, "Single Sign-On Settings for") {
		t.Errorf("a revoked setup link still works in the browser using it: %s", p.URL)
	}
	if p := harness.NewBrowser(t).Get(link["url"].(string)); p.Status != http.StatusGone {
		t.Errorf("a revoked setup link = %d", p.Status)
	}

	client := c.want(201, "POST", "/clients", map[string]any{"name": "Host", "redirect_uris": []string{"https://app.example.com/callback"}})
	if client["client_secret"] == nil {
		t.Errorf("a confidential client without a secret: %v", client)
	}
	c.want(400, "POST", "/clients", map[string]any{"name": "Bad", "redirect_uris": []string{"http://app.example.com/callback"}})
	c.want(200, "GET", "/clients", nil)

	c.want(204, "DELETE", "/orgs/delta", nil)
	c.want(404, "GET", "/orgs/delta", nil)
	c.want(404, "GET", "/orgs/nowhere/connection", nil)

	// A key revoked mid-session stops at once.
	id := strings.Fields(strings.Split(s.cli("", "sp", "apikey", "list"), "\n")[1])[0]
	s.cli("", "sp", "apikey", "revoke", "--key", id)
	if status, _ := c.do("GET", "/orgs", nil); status != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d", status)
	}
	if c.checked < 25 {
		t.Errorf("only %d requests checked against the OpenAPI document", c.checked)
	}
}
