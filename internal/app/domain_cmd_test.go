// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"regexp"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/dnstest"
)

// TestDomainCLI claims a domain, publishes the printed record in a real
// DNS server and verifies it through --dns-server, as an operator would.
func TestDomainCLI(t *testing.T) {
	c := newCLI(t)
	dns := dnstest.Start(t)
	c.run("sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth", "--admin-email", "admin@acme.example")
	c.run("sp", "org", "add", "--name", "Beta", "--slug", "beta", "--plan", "growth", "--admin-email", "admin@beta.example")
	out := c.run("sp", "domain", "add", "--org", "acme", "--domain", "Acme.Example")
	m := regexp.MustCompile(`^(_signet-challenge\.acme\.example)\. TXT "(signet-domain-verification=[A-Za-z0-9_-]+)"$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("domain add printed %q", out)
	}
	verify := []string{"sp", "domain", "verify", "--org", "acme", "--domain", "acme.example", "--dns-server", dns.Addr}
	if code, _, errOut := runCmd(t, c.env, verify...); code != 1 || !strings.Contains(errOut, "no TXT record at _signet-challenge.acme.example") {
		t.Errorf("verify before publishing: exit %d %s", code, errOut)
	}
	dns.SetTXT(m[1], m[2])
	if out := c.run(verify...); !strings.Contains(out, "acme.example is verified for acme") {
		t.Errorf("verify = %q", out)
	}
	if out := c.run("sp", "domain", "list", "--org", "acme"); !strings.Contains(out, "acme.example") || !strings.Contains(out, "verified") {
		t.Errorf("domain list = %q", out)
	}

	c.run("sp", "domain", "add", "--org", "beta", "--domain", "acme.example")
	if code, _, errOut := runCmd(t, c.env, "sp", "domain", "verify", "--org", "beta", "--domain", "acme.example", "--dns-server", dns.Addr); code != 2 ||
		!strings.Contains(errOut, "Another organization has already verified this domain") {
		t.Errorf("beta verifies acme's domain: exit %d %s", code, errOut)
	}
	for _, bad := range []string{"com", "alice@acme.example", "not a domain"} {
		if code, _, errOut := runCmd(t, c.env, "sp", "domain", "add", "--org", "acme", "--domain", bad); code != 2 || errOut == "" {
			t.Errorf("domain add %q: exit %d %s", bad, code, errOut)
		}
	}
	if code, _, _ := runCmd(t, c.env, "sp", "domain", "verify", "--org", "acme", "--domain", "acme.example", "--dns-server", "nonsense"); code != 2 {
		t.Errorf("--dns-server nonsense: exit %d, want a usage error", code)
	}
	c.run("sp", "domain", "remove", "--org", "acme", "--domain", "acme.example")
	if out := c.run("sp", "domain", "list", "--org", "acme"); strings.Contains(out, "acme.example") {
		t.Errorf("after remove: %q", out)
	}
}
