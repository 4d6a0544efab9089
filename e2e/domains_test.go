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
