// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/store"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestWorkspaceCLIAndCurl is issue 5's "done when", through the CLI and
// plain HTTP: an Identity Center app's response posted to an org's ACS.
func TestWorkspaceCLIAndCurl(t *testing.T) {
	c := newCLI(t)
	idpAddr, spAddr := freeAddr(t), freeAddr(t)
	c.env["SIGNET_IDP_URL"], c.env["SIGNET_SP_URL"] = "http://"+idpAddr, "http://"+spAddr
	sp := "http://" + spAddr
	c.run("sp", "org", "add", "--name", "Acme Analytics", "--slug", "acme", "--plan", "growth", "--admin-email", "admin@acme.example")
	c.run("sp", "org", "add", "--name", "Beta", "--plan", "enterprise", "--admin-email", "admin@beta.example")
	c.run("sp", "org", "add", "--name", "Cheap", "--plan", "starter", "--admin-email", "admin@cheap.example")
	c.run("sp", "member", "add", "--org", "acme", "--email", "pat@corp.example", "--role", "member")
	c.run("idp", "user", "add", "--username", "pat", "--email", "pat@corp.example")
	c.run("idp", "app", "add", "--name", "Amplitude", "--acs-url", sp+"/saml/acme/acs", "--audience", sp+"/saml/acme/metadata")
	c.run("idp", "app", "assign", "--app", "Amplitude", "--user", "pat")
	md := filepath.Join(t.TempDir(), "md.xml")
	os.WriteFile(md, []byte(c.run("idp", "app", "metadata", "--app", "Amplitude")), 0o600)
	for _, org := range []string{"acme", "beta"} {
		c.run("sp", "sso", "set", "--org", org, "--metadata", md, "--provider", "aws")
	}
	if code, _, errOut := runCmd(t, c.env, "sp", "sso", "set", "--org", "cheap", "--metadata", md); code != 1 || !strings.Contains(errOut, "sso_not_on_plan") {
		t.Errorf("sso set on starter: exit %d %s", code, errOut)
	}
	for _, args := range [][]string{
		{"sp", "sso", "set", "--org", "acme"},
		{"sp", "sso", "set", "--org", "acme", "--metadata", md, "--metadata-url", "https://idp.example/md"},
	} {
		if code, _, errOut := runCmd(t, c.env, args...); code != 2 || !strings.Contains(errOut, "--metadata-url") {
			t.Errorf("%v: exit %d %s, want a usage error naming both ways", args[4:], code, errOut)
		}
	}
	if code, _, errOut := runCmd(t, c.env, "sp", "sso", "set", "--org", "acme", "--metadata-url", "http://127.0.0.1:1/md"); code != 1 || !strings.Contains(errOut, "metadata_invalid") {
		t.Errorf("sso set from a loopback URL: exit %d %s, want it refused (SSRF guard)", code, errOut)
	}
	var show struct {
		EntityID string `json:"entity_id"`
		ACSURL   string `json:"acs_url"`
	}
	json.Unmarshal([]byte(c.run("sp", "sso", "show", "--org", "acme")), &show)
	if show.ACSURL != sp+"/saml/acme/acs" || show.EntityID != sp+"/saml/acme/metadata" {
		t.Errorf("sso show = %+v", show)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--idp-addr", idpAddr, "--sp-addr", spAddr}, IO{Stdout: io.Discard, Stderr: io.Discard,
			Env: func(k string) string { return c.env[k] }})
	}()
	defer func() { cancel(); <-done }()
	waitReady(t, sp)

	post := func(client *http.Client, org, resp string) (int, string, string) {
		r, err := client.PostForm(sp+"/saml/"+org+"/acs", url.Values{"SAMLResponse": {resp}})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, r.Header.Get("Location"), string(b)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp := c.run("idp", "issue", "--app", "Amplitude", "--user", "pat")
	// Default mappings: refused with attribute_statement_empty and AWS's hint.
	if code, _, body := post(browser, "acme", resp); code != 400 || !strings.Contains(body, "attribute_statement_empty") {
		t.Fatalf("default mappings: %d", code)
	}
	c.run("idp", "app", "map", "--app", "Amplitude", "--subject", "${user:email}", "--subject-format", "emailAddress", "--attr", "email=${user:email}:basic")
	resp = c.run("idp", "issue", "--app", "Amplitude", "--user", "pat")
	code, loc, _ := post(browser, "acme", resp)
	if code != http.StatusSeeOther || loc != "/orgs/acme" {
		t.Fatalf("ACS = %d %q", code, loc)
	}
	home, _ := browser.Get(sp + "/orgs/acme")
	b, _ := io.ReadAll(home.Body)
	home.Body.Close()
	if !strings.Contains(string(b), "pat@corp.example") {
		t.Error("org home does not show the email")
	}
	if code, _, body := post(http.DefaultClient, "acme", resp); code != 400 || !strings.Contains(body, "replayed") {
		t.Errorf("posted again: %d", code)
	}
	other := &http.Client{Jar: must(cookiejar.New(nil)), CheckRedirect: browser.CheckRedirect}
	if code, _, body := post(other, "beta", c.run("idp", "issue", "--app", "Amplitude", "--user", "pat")); code != 400 || !strings.Contains(body, "destination_mismatch") {
		t.Errorf("posted to beta: %d", code)
	}
	if r, _ := other.Get(sp + "/orgs/beta"); r.StatusCode != http.StatusSeeOther {
		t.Error("a session in beta")
	}
	if code, _, body := post(other, "cheap", resp); code != 403 || !strings.Contains(body, "sso_not_on_plan") {
		t.Errorf("posted to cheap: %d", code)
	}
	// A typo'd variable: placeholder text; an empty attribute: no email.
	for _, tc := range []struct{ subject, format, attr, want string }{
		{"${user:emial}", "emailAddress", "email=${user:emial}:basic", "email_placeholder"},
		{"${user:subject}", "persistent", "email=${user:middleName}:basic", "email_missing"},
	} {
		c.run("idp", "app", "map", "--app", "Amplitude", "--subject", tc.subject, "--subject-format", tc.format, "--attr", tc.attr)
		if code, _, body := post(http.DefaultClient, "acme", c.run("idp", "issue", "--app", "Amplitude", "--user", "pat")); code != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d", tc.want, code)
		}
	}
	st := openStore(t, c.env["SIGNET_DATABASE_URL"])
	o, _ := st.GetOrgBySlug(t.Context(), "acme")
	attempts, _, _ := st.ListSignInAttempts(t.Context(), o.ID, store.ListOptions{})
	codes := map[string]string{}
	for _, a := range attempts {
		codes[a.Code] = a.Hint
	}
	for _, want := range []string{"attribute_statement_empty", "email_placeholder", "email_missing", "replayed"} {
		if _, ok := codes[want]; !ok {
			t.Errorf("the attempt log lacks %s", want)
		}
	}
	if !strings.Contains(codes["email_placeholder"], "IAM Identity Center: Applications → your app → Actions → Edit attribute mappings") {
		t.Errorf("placeholder hint = %q, want AWS's words", codes["email_placeholder"])
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	for range 100 {
		if r, err := http.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		sleep()
	}
	t.Fatal("server did not become ready")
}

// TestWorkspaceCLIRefusals: the CLI creates orgs and members through the
// Workspace's service, so its rules (and their messages) hold here too, and
// a refusal stores nothing.
func TestWorkspaceCLIRefusals(t *testing.T) {
	c := newCLI(t)
	c.run("sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth", "--admin-email", "admin@acme.example")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sp", "org", "add", "--name", "Bogus", "--plan", "gold", "--admin-email", "a@b.example"}, `The plan "gold" does not exist`},
		{[]string{"sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth", "--admin-email", "a@b.example"}, `ID "acme" already exists`},
		{[]string{"sp", "org", "add", "--name", "Bad", "--slug", "Bad_ID", "--plan", "growth", "--admin-email", "a@b.example"}, `ID "Bad_ID" is not accepted`},
		{[]string{"sp", "org", "add", "--name", "Bad", "--plan", "growth", "--admin-email", "not-an-email"}, "admin's email is not accepted"},
		{[]string{"sp", "member", "add", "--org", "acme", "--email", "pat@acme.example", "--role", "owner"}, "Choose a role"},
		{[]string{"sp", "member", "add", "--org", "acme", "--email", "admin@acme.example", "--role", "viewer"}, "already a member of acme"},
	} {
		if code, _, errOut := runCmd(t, c.env, tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d %q, want exit 2 with %q", tc.args[1:], code, errOut, tc.want)
		}
	}
	if out := c.run("sp", "org", "list"); strings.Contains(out, "bogus") || strings.Contains(out, "bad") {
		t.Errorf("a refused org was stored:\n%s", out)
	}
}
