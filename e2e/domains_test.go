// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/dnstest"
)

// TestVerifiedDomainRoutesHostAppSignIns: acme's admin adds the domain of
// bob's email on the Single Sign-On Settings page, publishes the TXT record
// the page shows (in a real DNS server that `signet serve --dns-server`
// asks) and chooses Verify. Then the example host app signs bob in from
// his email alone (login_hint), the ID token says email_verified, and
// domain_hint routes too. A hint at an unverified domain, or one that
// contradicts organization, is an error sent back to the app.
func TestVerifiedDomainRoutesHostAppSignIns(t *testing.T) {
	dns := dnstest.Start(t)
	w := newHostAppWorldWith(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"), map[string]string{"SIGNET_DNS_SERVER": dns.Addr})
	settings := w.s.SP + "/orgs/acme/settings/sso"

	admin := harness.NewBrowser(t)
	admin.Post(w.s.SP+"/login", url.Values{"email": {"admin@acme.example"}, "password": {"saffron-tunnel-ember"}})
	p := admin.Post(settings+"/domains", url.Values{"domain": {"example.test"}})
	if !strings.Contains(p.Body, "Domain example.test added") {
		t.Fatalf("adding the domain: %d at %s\n%.2000s", p.Status, p.URL, p.Body)
	}
	name, value := copyField(t, p.Body, "txt-name-example.test"), copyField(t, p.Body, "txt-value-example.test")
	if p := admin.Post(settings+"/domains/example.test/verify", nil); !strings.Contains(p.Body, "not verified yet") {
		t.Errorf("verify before publishing:\n%.2000s", p.Body)
	}
	dns.SetTXT(name, value)
	if p := admin.Post(settings+"/domains/example.test/verify", nil); !strings.Contains(p.Body, "Domain example.test is verified") {
		t.Fatalf("verify after publishing:\n%.2000s", p.Body)
	}

	// The person's path: the example host app, with the work email only.
	addr := harness.FreeAddr(t)
	app := register(t, w.s, "--name", "Example host app", "--redirect-uri", "http://"+addr+"/callback")
	host := startHostAppAt(t, w.s.SP, app, addr)
	b := harness.NewBrowser(t)
	p = b.Get(host + "/login?email=" + url.QueryEscape("bob@example.test"))
	if !strings.HasPrefix(p.URL.String(), w.s.IdP) {
		t.Fatalf("login_hint did not lead to acme's IdP: %d at %s\n%.800s", p.Status, p.URL, p.Body)
	}
	p = b.FollowSAML(b.SignInToPortal(p, "bob", bobPassword))
	claims := html.UnescapeString(p.Body)
	if !strings.Contains(p.Body, "Signed in as bob@example.test") || !strings.Contains(p.Body, "<strong>acme</strong>") ||
		!strings.Contains(claims, `"email_verified": true`) {
		t.Fatalf("host app after a login_hint sign-in: %d at %s\n%.2000s", p.Status, p.URL, p.Body)
	}

	// domain_hint, through the recorder, with the ID token checked here.
	cb := w.recorder.URL + "/cb"
	params := authParams(w.rec, cb, "")
	params.Del("organization")
	params.Set("domain_hint", "EXAMPLE.test")
	p = w.signInFor(t, b, params)
	code := p.URL.Query().Get("code")
	if code == "" {
		t.Fatalf("domain_hint: no code at %s\n%.800s", p.URL, p.Body)
	}
	status, out := w.redeem(t, w.rec, url.Values{"code": {code}, "redirect_uri": {cb}, "code_verifier": {verifier}})
	raw, _ := out["id_token"].(string)
	if status != http.StatusOK || raw == "" {
		t.Fatalf("redeem: %d %v", status, out)
	}
	payload, _ := verifyIDToken(t, w.s.SP, raw)
	var tok struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Org           struct {
			Slug string `json:"slug"`
		} `json:"org"`
	}
	if err := json.Unmarshal(payload, &tok); err != nil || tok.Email != "bob@example.test" || !tok.EmailVerified || tok.Org.Slug != "acme" {
		t.Errorf("ID token = %s (%v)", payload, err)
	}

	for name, hint := range map[string]struct{ org, param, value, want string }{
		"an unverified domain_hint":              {"", "domain_hint", "unverified.example", "no org has verified"},
		"a login_hint at an unverified domain":   {"", "login_hint", "pat@unverified.example", "no org has verified"},
		"a domain_hint that contradicts the org": {"beta", "domain_hint", "example.test", "verified by another org"},
	} {
		t.Run(name, func(t *testing.T) {
			params := authParams(w.rec, cb, hint.org)
			if hint.org == "" {
				params.Del("organization")
			}
			params.Set(hint.param, hint.value)
			p := b.Get(w.s.SP + "/oauth/authorize?" + params.Encode())
			q := p.URL.Query()
			if !strings.HasPrefix(p.URL.String(), cb) || q.Get("error") != "invalid_request" ||
				!strings.Contains(q.Get("error_description"), hint.want) || q.Get("code") != "" {
				t.Errorf("ended at %s, want invalid_request (%s)", p.URL, hint.want)
			}
		})
	}
}

// copyField returns the value of the read-only copy field with this id.
func copyField(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no field %q on the page:\n%.2000s", id, body)
	}
	return html.UnescapeString(m[1])
}

// TestManagementAPIDomains: a host app claims its customer's domain
// through the API, shows the customer the DNS record from the answer, and
// verifies it; every answer matches the OpenAPI document.
func TestManagementAPIDomains(t *testing.T) {
	dns := dnstest.Start(t)
	s := &signet{harness.StartWith(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"), map[string]string{"SIGNET_DNS_SERVER": dns.Addr})}
	c := newAPIClient(t, s, s.cli("", "sp", "apikey", "add", "--name", "host app back end"))
	for _, org := range []string{"acme", "beta"} {
		c.want(201, "POST", "/orgs", map[string]any{"name": org, "slug": org, "plan": "growth", "admin_email": "admin@" + org + ".example"})
	}
	d := c.want(201, "POST", "/orgs/acme/domains", map[string]any{"domain": "Acme.Example"})
	rec, _ := d["dns_record"].(map[string]any)
	if d["domain"] != "acme.example" || d["verified"] != false || rec["name"] != "_signet-challenge.acme.example" {
		t.Fatalf("added = %v", d)
	}
	c.want(409, "POST", "/orgs/acme/domains", map[string]any{"domain": "acme.example"})
	for _, bad := range []string{"com", "pat@acme.example", "http://acme.example"} {
		if out := c.want(400, "POST", "/orgs/acme/domains", map[string]any{"domain": bad}); out["code"] != "bad_request" {
			t.Errorf("domain %q: %v", bad, out)
		}
	}
	if out := c.want(200, "POST", "/orgs/acme/domains/acme.example/verify", nil); out["verified"] != false ||
		!strings.Contains(out["check_error"].(string), "no TXT record") {
		t.Errorf("verify before publishing = %v", out)
	}
	dns.SetTXT(rec["name"].(string), rec["value"].(string))
	if out := c.want(200, "POST", "/orgs/acme/domains/acme.example/verify", nil); out["verified"] != true || out["verified_at"] == nil {
		t.Errorf("verify after publishing = %v", out)
	}
	c.want(201, "POST", "/orgs/beta/domains", map[string]any{"domain": "acme.example"})
	if out := c.want(409, "POST", "/orgs/beta/domains/acme.example/verify", nil); !strings.Contains(out["detail"].(string), "Another organization") {
		t.Errorf("beta verifies acme's domain = %v", out)
	}
	c.want(404, "POST", "/orgs/acme/domains/unknown.example/verify", nil)
	list := c.want(200, "GET", "/orgs/acme/domains", nil)
	if data, _ := list["data"].([]any); len(data) != 1 {
		t.Errorf("list = %v", list)
	}
	c.want(204, "DELETE", "/orgs/acme/domains/acme.example", nil)
	c.want(404, "DELETE", "/orgs/acme/domains/acme.example", nil)
}

// TestManagementAPIRoleMapping: a host app sets its customer's roles from
// IdP groups; a bad role is refused and changes nothing.
func TestManagementAPIRoleMapping(t *testing.T) {
	s := startSignet(t, "sqlite:"+filepath.Join(t.TempDir(), "signet.db"))
	c := newAPIClient(t, s, s.cli("", "sp", "apikey", "add", "--name", "host app back end"))
	c.want(201, "POST", "/orgs", map[string]any{"name": "Acme", "slug": "acme", "plan": "growth", "admin_email": "admin@acme.example"})
	if got := c.want(200, "GET", "/orgs/acme/role-mapping", nil); got["attribute"] != "groups" || len(got["rules"].([]any)) != 0 {
		t.Errorf("a new org's mapping = %v", got)
	}
	mapping := map[string]any{"attribute": "memberOf", "default_role": "viewer",
		"rules": []map[string]any{{"value": "0b3c5e1f-guid", "label": "Admins", "role": "admin"}, {"value": "staff", "role": "member"}}}
	if got := c.want(200, "PUT", "/orgs/acme/role-mapping", mapping); len(got["rules"].([]any)) != 2 {
		t.Errorf("PUT = %v", got)
	}
	c.refuse(400, "PUT", "/orgs/acme/role-mapping", map[string]any{"attribute": "groups", "default_role": "owner", "rules": []any{}})
	if got := c.want(200, "GET", "/orgs/acme/role-mapping", nil); got["attribute"] != "memberOf" || len(got["rules"].([]any)) != 2 {
		t.Errorf("after a refused PUT = %v", got)
	}
}
