// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

const sspWWW = "/usr/share/simplesamlphp/www"

// ssp is a SimpleSAMLphp 1.19 (Debian's package) run by php's built-in
// server with a configuration of its own, as IdP ("example-userpass" with
// carol) and as SP ("default-sp").
type ssp struct {
	*peer
	config string
}

func haveSSP() error {
	if _, err := exec.LookPath("php"); err != nil {
		return err
	}
	_, err := os.Stat(sspWWW)
	return err
}

// newSSP writes the configuration; metadata files are added by the test
// before start.
func newSSP(t *testing.T) *ssp {
	t.Helper()
	p := newPeer(t)
	s := &ssp{peer: p, config: filepath.Join(p.Dir, "config")}
	for _, d := range []string{"config", "cert", "log", "tmp", "metadata"} {
		os.MkdirAll(filepath.Join(p.Dir, d), 0o755)
	}
	cert := filepath.Join(p.Dir, "cert")
	if out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", filepath.Join(cert, "idp.pem"),
		"-out", filepath.Join(cert, "idp.crt"), "-days", "3", "-subj", "/CN=SimpleSAMLphp interop").CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v %s", err, out)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(s.config, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("config.php", fmt.Sprintf(`<?php
require '/etc/simplesamlphp/config.php';
$config['baseurlpath'] = '%[1]s/';
$config['certdir'] = '%[2]s/cert/';
$config['loggingdir'] = '%[2]s/log/';
$config['tempdir'] = '%[2]s/tmp';
$config['datadir'] = '%[2]s/tmp/';
$config['logging.handler'] = 'file';
$config['secretsalt'] = 'interop-test-salt-not-secret';
$config['auth.adminpassword'] = 'interop-admin';
$config['enable.saml20-idp'] = true;
$config['session.cookie.secure'] = false;
$config['session.cookie.samesite'] = null;
$config['module.enable'] = ['exampleauth' => true, 'core' => true, 'saml' => true];
$config['metadata.sources'] = [
    ['type' => 'flatfile', 'directory' => '%[2]s/metadata'],
    ['type' => 'xml', 'file' => '%[2]s/remote.xml'],
];
`, p.Base, p.Dir))
	write("authsources.php", fmt.Sprintf(`<?php
$config = [
    'admin' => ['core:AdminPassword'],
    'default-sp' => ['saml:SP', 'entityID' => '%s/sp', 'idp' => getenv('SSP_IDP') ?: null,
        // The app's Subject is ${user:email} with format emailAddress; asking
        // for SimpleSAMLphp's default (transient) gets InvalidNameIDPolicy.
        'NameIDPolicy' => ['Format' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', 'AllowCreate' => true]],
    'example-userpass' => ['exampleauth:UserPass',
        'carol:secret' => ['uid' => ['carol'], 'mail' => ['carol@example.test'], 'eduPersonAffiliation' => ['member', 'staff']],
    ],
];
`, p.Base))
	os.WriteFile(filepath.Join(p.Dir, "metadata", "saml20-idp-hosted.php"), []byte(`<?php
$metadata['__DYNAMIC:1__'] = [
    'host' => '__DEFAULT__',
    'privatekey' => 'idp.pem',
    'certificate' => 'idp.crt',
    'auth' => 'example-userpass',
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    'authproc' => [100 => ['class' => 'core:AttributeMap', 'name2oid']],
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
];
`), 0o644)
	os.WriteFile(filepath.Join(p.Dir, "remote.xml"), []byte(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>`), 0o644)
	return s
}

// start runs php -S for SimpleSAMLphp, with remote (the counterpart's
// metadata) and the SP's IdP entity ID.
func (s *ssp) start(t *testing.T, remote []byte, idpEntity string) {
	t.Helper()
	os.WriteFile(filepath.Join(s.Dir, "remote.xml"), remote, 0o644)
	stopPeers(t)
	os.Setenv("SIMPLESAMLPHP_CONFIG_DIR", s.config)
	os.Setenv("SSP_IDP", idpEntity)
	startPeer(t, s.peer, "/module.php/saml/sp/metadata.php/default-sp", "php", "-S", "127.0.0.1:"+s.Port, "-t", sspWWW)
}

func TestSimpleSAMLphpSP(t *testing.T) {
	need(t, "SimpleSAMLphp (simplesamlphp, php)", haveSSP)
	s := signet(t)
	p := newSSP(t)
	p.start(t, []byte(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>`), "")
	spMD := harness.NewBrowser(t).Get(p.Base + "/module.php/saml/sp/metadata.php/default-sp").Body
	app, idpMD := addApp(t, s, "SimpleSAMLphp", []byte(spMD))
	idpXML, _ := os.ReadFile(idpMD)
	entity := s.IdP + "/saml/apps/" + app
	p.start(t, idpXML, entity)

	// SP-initiated: SimpleSAMLphp's test page signs in through Signet and
	// shows the attributes it received.
	b := harness.NewBrowser(t)
	page := b.FollowSAML(b.SignInToPortal(b.Get(p.Base+"/module.php/core/authenticate.php?as=default-sp"), "alice", "velvet-harbor-lantern"))
	if !strings.Contains(page.Body, "alice@example.com") || !strings.Contains(page.Body, "email") {
		t.Fatalf("SimpleSAMLphp did not show alice's attributes: %d at %s\n%.2000s\n%s", page.Status, page.URL, page.Body, sspLog(p))
	}
	// IdP-initiated, with the app's relay state pointing at the same page.
	s.CLI("", "idp", "app", "map", "--app", app, "--subject", "${user:email}", "--subject-format", "emailAddress",
		"--attr", "email=${user:email}:basic")
	b2 := harness.NewBrowser(t)
	b2.Post(s.IdP+"/portal/login", url.Values{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	form, ok := b2.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
	if !ok {
		t.Fatal("no SAMLResponse form")
	}
	form.Fields.Set("RelayState", p.Base+"/module.php/core/authenticate.php?as=default-sp")
	page = b2.Post(form.Action, form.Fields)
	if !strings.Contains(page.Body, "alice@example.com") {
		t.Errorf("IdP-initiated: %d at %s\n%.1500s\n%s", page.Status, page.URL, page.Body, sspLog(p))
	}
	// A tampered response is refused.
	b3 := harness.NewBrowser(t)
	b3.Post(s.IdP+"/portal/login", url.Values{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	form, _ = b3.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
	form.Fields.Set("SAMLResponse", tamper(t, form.Fields.Get("SAMLResponse"), false))
	form.Fields.Set("RelayState", p.Base+"/module.php/core/authenticate.php?as=default-sp")
	if page := b3.Post(form.Action, form.Fields); !strings.Contains(page.Body, "Unhandled exception") || strings.Contains(page.Body, "alice@example.con</") {
		t.Errorf("SimpleSAMLphp accepted a tampered response: %d\n%.800s", page.Status, page.Body)
	}
	record(row{Peer: "SimpleSAMLphp (simplesamlphp)", Version: debVersion("simplesamlphp"), Direction: "Signet IdP → SP",
		Flows: "SP-initiated (Redirect), IdP-initiated; tampered response refused", Modes: "signed assertion and response", Result: resultOf(t)})
}

func TestSimpleSAMLphpIdP(t *testing.T) {
	need(t, "SimpleSAMLphp (simplesamlphp, php)", haveSSP)
	s := signet(t)
	p := newSSP(t)
	p.start(t, []byte(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>`), "")
	s.CLI("", "sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "enterprise", "--admin-email", "admin@acme.example")
	s.CLI("", "sp", "member", "add", "--org", "acme", "--email", "carol@example.test", "--role", "member")
	idpMD := filepath.Join(t.TempDir(), "ssp-idp.xml")
	os.WriteFile(idpMD, []byte(harness.NewBrowser(t).Get(p.Base+"/saml2/idp/metadata.php").Body), 0o600)
	s.CLI("", "sp", "sso", "set", "--org", "acme", "--metadata", idpMD)
	p.start(t, []byte(harness.NewBrowser(t).Get(s.SP+"/saml/acme/metadata").Body), "")

	signIn := func(b *harness.Browser, page *harness.Page) *harness.Page {
		t.Helper()
		for _, f := range page.Forms() {
			if _, ok := f.Fields["AuthState"]; ok {
				f.Fields.Set("username", "carol")
				f.Fields.Set("password", "secret")
				return b.FollowSAML(b.Post(f.Action, f.Fields))
			}
		}
		t.Fatalf("no SimpleSAMLphp login form at %s:\n%.1500s\n%s", page.URL, page.Body, sspLog(p))
		return nil
	}
	b := harness.NewBrowser(t)
	signedInToAcme(t, signIn(b, b.Get(s.SP+"/saml/acme/login")), "carol@example.test")
	b2 := harness.NewBrowser(t)
	page := b2.Get(p.Base + "/saml2/idp/SSOService.php?spentityid=" + url.QueryEscape(s.SP+"/saml/acme/metadata"))
	signedInToAcme(t, signIn(b2, page), "carol@example.test")
	record(row{Peer: "SimpleSAMLphp (simplesamlphp)", Version: debVersion("simplesamlphp"), Direction: "IdP → Signet Workspace",
		Flows: "SP-initiated (Redirect), IdP-initiated", Modes: "signed response (RSA-SHA256), transient NameID, email as urn:oid:0.9.2342.19200300.100.1.3", Result: resultOf(t)})
}

func sspLog(p *ssp) string {
	b, _ := os.ReadFile(filepath.Join(p.Dir, "log", "simplesamlphp.log"))
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b) + p.Logs.String()
}
