// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
)

// cli runs signet against one database and fails the test on a non-zero exit.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	dir := t.TempDir()
	return &cli{t: t, env: map[string]string{"SIGNET_DATABASE_URL": "sqlite:" + filepath.Join(dir, "signet.db"),
		"SIGNET_INSECURE_FAST_PASSWORDS": "1"}}
}

func (c *cli) run(args ...string) string {
	c.t.Helper()
	code, out, errOut := runCmd(c.t, c.env, args...)
	if code != 0 {
		c.t.Fatalf("signet %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return strings.TrimSpace(out)
}

const (
	testACS = "http://localhost:8000/saml/acme/acs"
	testAud = "http://localhost:8000/saml/acme/metadata"
)

// TestIdPCLISeedFlow is issue 4's "done when" through the CLI alone.
func TestIdPCLISeedFlow(t *testing.T) {
	c := newCLI(t)
	c.run("idp", "user", "add", "--username", "pat", "--email", "pat@corp.example")
	c.run("idp", "group", "add", "--name", "Analysts")
	c.run("idp", "group", "add-member", "--group", "Analysts", "--user", "pat")
	c.run("idp", "app", "add", "--name", "Amplitude", "--acs-url", testACS, "--audience", testAud)
	c.run("idp", "app", "map", "--app", "Amplitude", "--subject", "${user:email}", "--subject-format", "emailAddress",
		"--attr", "email=${user:email}:basic")
	c.run("idp", "app", "assign", "--app", "Amplitude", "--group", "Analysts")
	dir := t.TempDir()
	md := c.run("idp", "app", "metadata", "--app", "Amplitude")
	os.WriteFile(filepath.Join(dir, "md.xml"), []byte(md), 0o600)
	b64 := c.run("idp", "issue", "--app", "Amplitude", "--user", "pat")
	os.WriteFile(filepath.Join(dir, "resp.b64"), []byte(b64), 0o600)
	xml, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	m, err := saml.ParseMetadata([]byte(md), saml.MetadataOptions{Require: saml.RoleIdP})
	if err != nil {
		t.Fatal(err)
	}
	cert := m.IdP.SigningCertificates[0]

	t.Run("xmlsec1", func(t *testing.T) {
		if err := samltest.XMLSec1Verify(t, xml, cert); err != nil {
			t.Error(err)
		}
	})
	t.Run("signet saml verify", func(t *testing.T) {
		out := c.run("saml", "verify", "--idp-metadata", filepath.Join(dir, "md.xml"), "--sp-entity-id", testAud,
			"--acs-url", testACS, "--allow-idp-initiated", filepath.Join(dir, "resp.b64"))
		var v struct {
			NameID     string              `json:"name_id"`
			Email      string              `json:"email"`
			Attributes map[string][]string `json:"attributes"`
		}
		json.Unmarshal([]byte(out), &v)
		if v.NameID != "pat@corp.example" || v.Email != "pat@corp.example" || v.Attributes["email"][0] != "pat@corp.example" {
			t.Errorf("saml verify = %s", out)
		}
	})
	t.Run("gosaml2", func(t *testing.T) {
		sp := &saml2.SAMLServiceProvider{IdentityProviderIssuer: m.EntityID, ServiceProviderIssuer: testAud,
			AssertionConsumerServiceURL: testACS, AudienceURI: testAud,
			IDPCertificateStore: &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}},
			Clock:               dsig.NewFakeClockAt(time.Now())}
		info, err := sp.RetrieveAssertionInfo(b64)
		if err != nil {
			t.Fatal(err)
		}
		if info.WarningInfo.InvalidTime || info.WarningInfo.NotInAudience || info.NameID != "pat@corp.example" {
			t.Errorf("gosaml2: %+v %+v", info.WarningInfo, info.NameID)
		}
		if !strings.Contains(string(xml), `Name="email" NameFormat="`+saml.AttrNameFormatBasic+`"`) {
			t.Error("the email attribute must have NameFormat basic")
		}
	})
}

func TestIdPCLIDefaultsTyposAndRefusals(t *testing.T) {
	c := newCLI(t)
	c.run("idp", "user", "add", "--username", "pat", "--email", "pat@corp.example")
	c.run("idp", "user", "add", "--username", "bob")
	c.run("idp", "user", "add", "--username", "stranger", "--email", "s@corp.example")
	c.run("idp", "app", "add", "--name", "App", "--acs-url", testACS, "--audience", testAud)
	c.run("idp", "app", "assign", "--app", "App", "--user", "pat")
	c.run("idp", "app", "assign", "--app", "App", "--user", "bob")
	decode := func(b64 string) string {
		xml, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		return string(xml)
	}
	xml := decode(c.run("idp", "issue", "--app", "App", "--user", "pat"))
	if !strings.Contains(xml, `Format="`+saml.NameIDPersistent+`"`) || strings.Contains(xml, "AttributeStatement") || strings.Contains(xml, "pat@corp.example") {
		t.Errorf("default mapping must send an opaque persistent NameID and no attributes:\n%s", xml)
	}
	code, _, errOut := runCmd(t, c.env, "idp", "app", "map", "--app", "App", "--subject", "${user:email}", "--subject-format", "emailAddress",
		"--attr", "email=${user:emial}:basic")
	if code != 0 || !strings.Contains(errOut, "${user:emial} is not a known variable") {
		t.Errorf("typo: exit %d, stderr %q", code, errOut)
	}
	if xml := decode(c.run("idp", "issue", "--app", "App", "--user", "pat")); !strings.Contains(xml, ">${user:emial}<") {
		t.Error("the typo'd variable is not sent literally")
	}
	for _, user := range []string{"bob", "stranger"} {
		code, out, errOut := runCmd(t, c.env, "idp", "issue", "--app", "App", "--user", user)
		if code != 1 || out != "" {
			t.Errorf("issue for %s: exit %d, stdout %q, stderr %q; want no assertion", user, code, out, errOut)
		}
	}
	if code, _, errOut := runCmd(t, c.env, "idp", "app", "add", "--name", "Bad", "--acs-url", "javascript:alert(1)", "--audience", "x"); code != 2 ||
		!strings.Contains(errOut, "ACS URL") {
		t.Errorf("bad ACS URL: exit %d %s", code, errOut)
	}
	if out := c.run("idp", "user", "list"); !strings.Contains(out, "bob") || !strings.Contains(out, "-") {
		t.Errorf("user list = %s", out)
	}
}

// TestIdPSettingsMFA: the MFA policy through the CLI, with DESIGN's flags;
// flags left out keep their value, and a bad value is a usage error that
// changes nothing.
func TestIdPSettingsMFA(t *testing.T) {
	c := newCLI(t)
	if out := c.run("idp", "settings", "mfa", "--prompt", "context", "--types", "totp", "--without-device", "block"); out != "prompt=context types=totp without-device=block" {
		t.Errorf("set: %q", out)
	}
	if out := c.run("idp", "settings", "mfa", "--prompt", "always"); out != "prompt=always types=totp without-device=block" {
		t.Errorf("one flag: %q", out)
	}
	for _, bad := range [][]string{{"--prompt", "sometimes"}, {"--types", "sms"}, {"--without-device", "shrug"}} {
		if code, _, errOut := runCmd(t, c.env, append([]string{"idp", "settings", "mfa"}, bad...)...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d %s", bad, code, errOut)
		}
	}
	if out := c.run("idp", "settings", "mfa"); out != "prompt=always types=totp without-device=block" {
		t.Errorf("after refusals: %q", out)
	}
}
