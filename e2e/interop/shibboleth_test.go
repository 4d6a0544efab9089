// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestShibbolethSP signs in to Shibboleth SP 3 (Apache with mod_shib, and
// shibd), the strictest SP: it requires a signed assertion, checks
// everything, and here decrypts the assertion Signet encrypts to it.
func TestShibbolethSP(t *testing.T) {
	need(t, "Shibboleth SP (libapache2-mod-shib, apache2)", haveApacheModule("mod_shib.so"))
	s := signet(t)
	p := newPeer(t)
	if out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", filepath.Join(p.Dir, "sp-key.pem"),
		"-out", filepath.Join(p.Dir, "sp-cert.pem"), "-days", "3", "-subj", "/CN=shibboleth interop").CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v %s", err, out)
	}
	// Shibboleth needs its IdP's metadata to start, and Signet's app needs
	// Shibboleth's: start with a placeholder IdP, fetch /Shibboleth.sso/Metadata,
	// make the app, then restart with the app's metadata.
	writeShibConfig(t, p, "placeholder", `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="placeholder"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://127.0.0.1:1/"/></md:IDPSSODescriptor></md:EntityDescriptor>`)
	stop := startShib(t, p)
	spMD := harness.NewBrowser(t).Get(p.Base + "/Shibboleth.sso/Metadata").Body
	stop()
	app, idpMD := addApp(t, s, "Shibboleth", []byte(spMD))
	b, _ := os.ReadFile(idpMD)
	writeShibConfig(t, p, s.IdP+"/saml/apps/"+app, string(b))
	startShib(t, p)

	br := harness.NewBrowser(t)
	page := br.FollowSAML(br.SignInToPortal(br.Get(p.Base+"/secure/"), "alice", "velvet-harbor-lantern"))
	checkShibSession(t, p, br, page)
	// IdP-initiated: the tile, with the relay state as the target.
	b2 := harness.NewBrowser(t)
	b2.Post(s.IdP+"/portal/login", url.Values{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	form, ok := b2.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
	if !ok {
		t.Fatal("no SAMLResponse form")
	}
	encrypted := strings.Contains(string(mustDecode(t, form.Fields.Get("SAMLResponse"))), "EncryptedAssertion")
	if !encrypted {
		t.Error("Signet did not encrypt the assertion to Shibboleth's encryption certificate")
	}
	form.Fields.Set("RelayState", p.Base+"/secure/")
	checkShibSession(t, p, b2, b2.Post(form.Action, form.Fields))
	// Tampered in transit: refused.
	b3 := harness.NewBrowser(t)
	b3.Post(s.IdP+"/portal/login", url.Values{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	form, _ = b3.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
	form.Fields.Set("SAMLResponse", tamper(t, form.Fields.Get("SAMLResponse"), encrypted))
	form.Fields.Set("RelayState", p.Base+"/secure/")
	if page := b3.Post(form.Action, form.Fields); page.Status < 400 && strings.Contains(page.Body, "alice@example") {
		t.Errorf("Shibboleth accepted a tampered response: %d", page.Status)
	}
	record(row{Peer: "Shibboleth SP 3 (libapache2-mod-shib)", Version: debVersion("libapache2-mod-shib"), Direction: "Signet IdP → SP",
		Flows: "SP-initiated (Redirect), IdP-initiated; tampered response refused",
		Modes: "signed assertion and response, encrypted assertion (" + encryptionOf(t, issuedTo(t, s, app)) + ")", Result: resultOf(t)})
}

var shibAttr = regexp.MustCompile(`<strong>(email|nameid-email)</strong>: ([^<\n]*)`)

// checkShibSession reads Shibboleth's own session page.
func checkShibSession(t *testing.T, p *peer, b *harness.Browser, page *harness.Page) {
	t.Helper()
	if !strings.Contains(page.Body, "Shibboleth session is active") {
		t.Fatalf("no Shibboleth session: %d at %s\n%.1500s\n%s", page.Status, page.URL, page.Body, shibLogs(p))
	}
	session := b.Get(p.Base + "/Shibboleth.sso/Session").Body
	got := map[string]string{}
	for _, m := range shibAttr.FindAllStringSubmatch(session, -1) {
		got[m[1]] = strings.TrimSpace(m[2])
	}
	t.Logf("Shibboleth session: %v", got)
	if got["email"] != "alice@example.com" || got["nameid-email"] != "alice@example.com" {
		t.Errorf("Shibboleth sees %v; want the email as the NameID and the email attribute\n%s", got, session)
	}
}

func shibLogs(p *peer) string {
	b, _ := os.ReadFile(filepath.Join(p.Dir, "shibd.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b) + p.Logs.String()
}

func writeShibConfig(t *testing.T, p *peer, idpEntity, idpMetadata string) {
	t.Helper()
	writeFile(t, filepath.Join(p.Dir, "idp.xml"), idpMetadata)
	writeFile(t, filepath.Join(p.Dir, "htdocs", "secure", "index.html"), "Shibboleth session is active\n")
	writeFile(t, filepath.Join(p.Dir, "attribute-map.xml"), `<Attributes xmlns="urn:mace:shibboleth:2.0:attribute-map">
    <Attribute name="email" nameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic" id="email"/>
    <Attribute name="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" id="nameid-email"/>
</Attributes>`)
	// Shibboleth's default policy drops attributes it does not know; this
	// one lets the test's attributes through.
	writeFile(t, filepath.Join(p.Dir, "attribute-policy.xml"), `<afp:AttributeFilterPolicyGroup xmlns="urn:mace:shibboleth:2.0:afp" xmlns:afp="urn:mace:shibboleth:2.0:afp" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <afp:AttributeFilterPolicy><afp:PolicyRequirementRule xsi:type="ANY"/>
        <afp:AttributeRule attributeID="email"><afp:PermitValueRule xsi:type="ANY"/></afp:AttributeRule>
        <afp:AttributeRule attributeID="nameid-email"><afp:PermitValueRule xsi:type="ANY"/></afp:AttributeRule>
    </afp:AttributeFilterPolicy>
</afp:AttributeFilterPolicyGroup>`)
	writeFile(t, filepath.Join(p.Dir, "shibd.logger"), fmt.Sprintf(`log4j.rootCategory=INFO, shibd_log
log4j.appender.shibd_log=org.apache.log4j.FileAppender
log4j.appender.shibd_log.fileName=%s/shibd.log
log4j.appender.shibd_log.layout=org.apache.log4j.PatternLayout
log4j.appender.shibd_log.layout.ConversionPattern=%%d{%%Y-%%m-%%d %%H:%%M:%%S} %%p %%c %%x: %%m%%n
`, p.Dir))
	writeFile(t, filepath.Join(p.Dir, "shibboleth2.xml"), fmt.Sprintf(`<SPConfig xmlns="urn:mace:shibboleth:3.0:native:sp:config" xmlns:conf="urn:mace:shibboleth:3.0:native:sp:config" clockSkew="180">
    <OutOfProcess logger="%[1]s/shibd.logger"/>
    <InProcess logger="%[1]s/shibd.logger"/>
    <UnixListener address="%[1]s/shibd.sock"/>
    <StorageService type="Memory" id="mem" cleanupInterval="900"/>
    <SessionCache type="StorageService" StorageService="mem" cacheAssertions="false" cacheAllowance="900" inprocTimeout="900" cleanupInterval="900"/>
    <ReplayCache StorageService="mem"/>
    <RequestMapper type="Native"><RequestMap>
        <Host name="127.0.0.1" port="%[2]s" scheme="http"><Path name="secure" authType="shibboleth" requireSession="true"/></Host>
    </RequestMap></RequestMapper>
    <ApplicationDefaults entityID="%[3]s/shibboleth" REMOTE_USER="email nameid-email">
        <Sessions lifetime="28800" timeout="3600" relayState="ss:mem" checkAddress="false" handlerSSL="false" cookieProps="http" redirectLimit="exact">
            <SSO entityID="%[4]s">SAML2</SSO>
            <Logout>Local</Logout>
            <Handler type="MetadataGenerator" Location="/Metadata" signing="false"/>
            <Handler type="Status" Location="/Status" acl="127.0.0.1 ::1"/>
            <Handler type="Session" Location="/Session" showAttributeValues="true"/>
        </Sessions>
        <Errors supportContact="root@localhost" styleSheet="/shibboleth-sp/main.css"/>
        <MetadataProvider type="XML" validate="true" path="%[1]s/idp.xml"/>
        <AttributeExtractor type="XML" validate="true" reloadChanges="false" path="%[1]s/attribute-map.xml"/>
        <AttributeFilter type="XML" validate="true" path="%[1]s/attribute-policy.xml"/>
        <CredentialResolver type="File" use="signing" key="%[1]s/sp-key.pem" certificate="%[1]s/sp-cert.pem"/>
        <CredentialResolver type="File" use="encryption" key="%[1]s/sp-key.pem" certificate="%[1]s/sp-cert.pem"/>
    </ApplicationDefaults>
    <SecurityPolicyProvider type="XML" validate="true" path="/etc/shibboleth/security-policy.xml"/>
    <ProtocolProvider type="XML" validate="true" reloadChanges="false" path="/etc/shibboleth/protocols.xml"/>
</SPConfig>`, p.Dir, p.Port, p.Base, idpEntity))
	writeFile(t, filepath.Join(p.Dir, "httpd.conf"), apacheModules+fmt.Sprintf(`LoadModule mod_shib /usr/lib/apache2/modules/mod_shib.so
ServerName %[3]s
UseCanonicalName On
Listen 127.0.0.1:%[2]s
PidFile %[1]s/httpd.pid
ErrorLog %[1]s/error.log
LogLevel info
ShibConfig %[1]s/shibboleth2.xml
DocumentRoot %[1]s/htdocs
DirectoryIndex index.html
<Location /Shibboleth.sso>
  SetHandler shib
</Location>
<Location /secure>
  AuthType shibboleth
  ShibRequestSetting requireSession 1
  Require shib-session
</Location>
`, p.Dir, p.Port, p.Base))
}

// startShib starts shibd and Apache; the returned func stops both.
func startShib(t *testing.T, p *peer) func() {
	t.Helper()
	openUp(t, p.Dir)
	shibd := exec.Command("shibd", "-f", "-F", "-c", filepath.Join(p.Dir, "shibboleth2.xml"), "-p", filepath.Join(p.Dir, "shibd.pid"))
	shibd.Stdout, shibd.Stderr = p.Logs, p.Logs
	if err := shibd.Start(); err != nil {
		t.Fatalf("shibd: %v", err)
	}
	for range 100 {
		if _, err := os.Stat(filepath.Join(p.Dir, "shibd.sock")); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	os.Chmod(filepath.Join(p.Dir, "shibd.sock"), 0o777)
	conf := filepath.Join(p.Dir, "httpd.conf")
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		exec.Command("apache2", "-f", conf, "-k", "stop").Run()
		shibd.Process.Kill()
		shibd.Wait()
		time.Sleep(500 * time.Millisecond)
		os.Remove(filepath.Join(p.Dir, "shibd.sock"))
	}
	if out, err := exec.Command("apache2", "-f", conf, "-k", "start").CombinedOutput(); err != nil {
		stop()
		t.Fatalf("apache2: %v\n%s\n%s", err, out, shibLogs(p))
	}
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(p.Dir, "error.log"))
			t.Logf("apache error.log:\n%s\nshibd:\n%s", b, shibLogs(p))
		}
		stop()
	})
	for range 100 {
		if page, err := harnessGetStatus(p.Base + "/Shibboleth.sso/Metadata"); err == nil && page == 200 {
			return stop
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("Shibboleth did not start:\n%s", shibLogs(p))
	return stop
}
