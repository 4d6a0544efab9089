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

func TestMellonSP(t *testing.T) {
	need(t, "mod_auth_mellon (libapache2-mod-auth-mellon, apache2)", haveApacheModule("mod_auth_mellon.so"))
	s := signet(t)
	p := newPeer(t)
	entity := p.Base + "/mellon/metadata"
	cmd := exec.Command("mellon_create_metadata", entity, p.Base+"/mellon")
	cmd.Dir = p.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mellon_create_metadata: %v %s", err, out)
	}
	prefix := filepath.Join(p.Dir, "http_127.0.0.1_"+p.Port+"_mellon_metadata")
	spMD, err := os.ReadFile(prefix + ".xml")
	if err != nil {
		t.Fatal(err)
	}
	app, idpMD := addAppWithSubjectFormat(t, s, "mod_auth_mellon", spMD, "transient")
	idpCopy := filepath.Join(p.Dir, "idp.xml")
	b, _ := os.ReadFile(idpMD)
	writeFile(t, idpCopy, string(b))
	writeFile(t, filepath.Join(p.Dir, "htdocs", "protected", "index.shtml"),
		`{"peer":"mod_auth_mellon","name_id":"<!--#echo var="MELLON_NAME_ID" -->","attributes":{"email":["<!--#echo var="MELLON_email" -->"]}}`)
	conf := filepath.Join(p.Dir, "httpd.conf")
	writeFile(t, conf, apacheModules+fmt.Sprintf(`LoadModule auth_mellon_module /usr/lib/apache2/modules/mod_auth_mellon.so
ServerName 127.0.0.1
Listen 127.0.0.1:%[1]s
PidFile %[2]s/httpd.pid
ErrorLog %[2]s/error.log
LogLevel info auth_mellon:debug
DocumentRoot %[2]s/htdocs
DirectoryIndex index.shtml
<Location />
  MellonEnable info
  MellonSPPrivateKeyFile %[3]s.key
  MellonSPCertFile %[3]s.cert
  MellonSPMetadataFile %[3]s.xml
  MellonIdPMetadataFile %[2]s/idp.xml
  MellonEndpointPath /mellon
  MellonSecureCookie Off
  MellonCookieSameSite lax
  SetEnv MELLON_DISABLE_SAMESITE 1
</Location>
<Location /protected>
  AuthType Mellon
  MellonEnable auth
  Require valid-user
  Options +Includes
  AddOutputFilter INCLUDES .shtml
</Location>
`, p.Port, p.Dir, prefix))
	startApache(t, p, conf, "/mellon/metadata")

	br := harness.NewBrowser(t)
	w := readWhoami(t, br.FollowSAML(br.SignInToPortal(br.Get(p.Base+"/protected/"), "alice", "velvet-harbor-lantern")))
	checkAlice(t, w)
	// IdP-initiated: mellon accepts unsolicited responses and follows the RelayState.
	b2 := harness.NewBrowser(t)
	b2.Post(s.IdP+"/portal/login", url.Values{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	form, ok := b2.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
	if !ok {
		t.Fatal("no SAMLResponse form")
	}
	form.Fields.Set("RelayState", p.Base+"/protected/")
	checkAlice(t, readWhoami(t, b2.Post(form.Action, form.Fields)))
	// Tampered in transit: refused.
	b3 := harness.NewBrowser(t)
	b3.Post(s.IdP+"/portal/login", url.Values{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	form, _ = b3.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
	encrypted := strings.Contains(string(mustDecode(t, form.Fields.Get("SAMLResponse"))), "EncryptedAssertion")
	form.Fields.Set("SAMLResponse", tamper(t, form.Fields.Get("SAMLResponse"), encrypted))
	form.Fields.Set("RelayState", p.Base+"/protected/")
	if page := b3.Post(form.Action, form.Fields); page.Status < 400 {
		t.Errorf("mod_auth_mellon accepted a tampered response: %d %.500s", page.Status, page.Body)
	}
	mode := "signed assertion and response; Subject = email with format transient (mellon asks for transient)"
	if encrypted {
		mode += ", encrypted assertion (" + encryptionOf(t, issuedTo(t, s, app)) + ")"
	}
	record(row{Peer: "mod_auth_mellon (libapache2-mod-auth-mellon)", Version: debVersion("libapache2-mod-auth-mellon"),
		Direction: "Signet IdP → SP", Flows: "SP-initiated (Redirect), IdP-initiated; tampered response refused", Modes: mode, Result: resultOf(t)})
}
