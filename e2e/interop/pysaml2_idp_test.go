// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"encoding/json"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/saml"
)

// orgWithIdP makes org acme (Growth) with bob as a member, and connects it
// to the IdP whose metadata URL is given, through the SSO settings page as
// the org admin would; returns the org's SP metadata.
func orgWithIdP(t *testing.T, s *harness.Signet, metadataURL string) []byte {
	t.Helper()
	s.CLI("saffron-tunnel-ember\n", "sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth",
		"--admin-email", "admin@acme.example", "--admin-password-stdin")
	s.CLI("", "sp", "member", "add", "--org", "acme", "--email", "bob@example.test", "--role", "member")
	admin := harness.NewBrowser(t)
	admin.Post(s.SP+"/login", url.Values{"email": {"admin@acme.example"}, "password": {"saffron-tunnel-ember"}})
	page := admin.Post(s.SP+"/orgs/acme/settings/sso", url.Values{"provider": {"other"}, "idp_source": {"url"}, "metadata_url": {metadataURL}, "allow_http": {"1"}})
	if !strings.Contains(page.Body, "Connected identity provider") {
		t.Fatalf("the admin could not connect the IdP: %d\n%.2000s", page.Status, page.Body)
	}
	return []byte(harness.NewBrowser(t).Get(s.SP + "/saml/acme/metadata").Body)
}

func signedInToAcme(t *testing.T, p *harness.Page, who string) {
	t.Helper()
	if !strings.Contains(p.Body, "You are signed in to <strong>Acme</strong> as <strong>"+who+"</strong>") {
		t.Errorf("not signed in to acme as %s: %d at %s\n%.1500s", who, p.Status, p.URL, p.Body)
	}
}

func TestPysaml2IdP(t *testing.T) {
	need(t, "pysaml2 (python3-pysaml2)", havePython("saml2"))
	s := signet(t)
	p := newPeer(t)
	// The IdP needs the SP's metadata to start, and the SP needs the IdP's:
	// serve the IdP's metadata from a first run, then restart it with the SP's.
	spMD := filepath.Join(p.Dir, "sp.xml")
	os.WriteFile(spMD, []byte(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="placeholder"/>`), 0o600)
	first := *p
	startPeer(t, &first, "/metadata", "/usr/bin/python3", peerScript("pysaml2_idp.py"), "serve", p.Port, p.Dir, spMD)
	md := orgWithIdP(t, s, p.Base+"/metadata")
	stopPeers(t)
	os.WriteFile(spMD, md, 0o600)
	startPeer(t, p, "/metadata", "/usr/bin/python3", peerScript("pysaml2_idp.py"), "serve", p.Port, p.Dir, spMD)

	// SP-initiated: Signet's login for the org, the IdP, back signed in.
	b := harness.NewBrowser(t)
	signedInToAcme(t, b.FollowSAML(b.Get(s.SP+"/saml/acme/login")), "bob@example.test")
	// A host app (x/oauth2) signs bob in through Signet, pysaml2 behind it.
	claims := hostAppSignIn(t, s, "acme", func(b *harness.Browser, p *harness.Page) *harness.Page { return b.FollowSAML(p) })
	if org, _ := claims["org"].(map[string]any); claims["email"] != "bob@example.test" || org["slug"] != "acme" {
		t.Errorf("host app claims with pysaml2 as the IdP: %v", claims)
	}
	// IdP-initiated.
	b2 := harness.NewBrowser(t)
	signedInToAcme(t, b2.FollowSAML(b2.Get(p.Base+"/initiate?sp="+url.QueryEscape(s.SP+"/saml/acme/metadata"))), "bob@example.test")
	// IdP-initiated with the assertion encrypted to the org's certificate
	// from its SP metadata. pysaml2 always encrypts with 3DES-CBC: refused
	// with the hint, then accepted once the admin allows legacy crypto.
	encrypted := func() *harness.Page {
		b := harness.NewBrowser(t)
		p := b.Get(p.Base + "/initiate?encrypt=1&sp=" + url.QueryEscape(s.SP+"/saml/acme/metadata"))
		if form, ok := p.SAMLForm("SAMLResponse"); !ok || !strings.Contains(string(mustDecode(t, form.Fields.Get("SAMLResponse"))), "EncryptedAssertion") {
			t.Fatalf("pysaml2 did not encrypt the assertion:\n%.1500s", p.Body)
		}
		return b.FollowSAML(p)
	}
	if r := encrypted(); r.Status != 400 || !strings.Contains(r.Body, "encryption_algorithm_rejected") || !strings.Contains(r.Body, "legacy crypto") {
		t.Errorf("3DES without legacy crypto: %d\n%.1500s", r.Status, r.Body)
	}
	admin := harness.NewBrowser(t)
	admin.Post(s.SP+"/login", url.Values{"email": {"admin@acme.example"}, "password": {"saffron-tunnel-ember"}})
	admin.Post(s.SP+"/orgs/acme/settings/sso/options", url.Values{"allow_idp_initiated": {"1"}, "allow_legacy_crypto": {"1"}})
	signedInToAcme(t, encrypted(), "bob@example.test")
	// Negative: the peer's response tampered in transit is refused.
	b3 := harness.NewBrowser(t)
	form, ok := b3.Get(p.Base + "/initiate?sp=" + url.QueryEscape(s.SP+"/saml/acme/metadata")).SAMLForm("SAMLResponse")
	if !ok {
		t.Fatal("no form from the IdP")
	}
	xml, _ := saml.DecodeBase64([]byte(form.Fields.Get("SAMLResponse")), 1<<20)
	form.Fields.Set("SAMLResponse", saml.EncodeBase64([]byte(strings.Replace(string(xml), "bob@example.test", "ceo@example.test", 1))))
	refused := b3.Post(form.Action, form.Fields)
	if refused.Status != 400 || !strings.Contains(refused.Body, "signature_invalid") {
		t.Errorf("Signet accepted a tampered pysaml2 response: %d\n%.800s", refused.Status, refused.Body)
	}
	singleLogoutWithPysaml2(t, s, p, b, b2)
	record(row{Peer: "pysaml2 (python3-pysaml2)", Version: debVersion("python3-pysaml2"), Direction: "IdP → Signet Workspace",
		Flows: "SP-initiated (Redirect), IdP-initiated, a host app signing in over OpenID Connect; single logout both ways (HTTP-Redirect, query-signed, each side verifying the other); tampered response refused (signature_invalid)",
		Modes: "signed response and assertion; assertion encrypted to the org's SP certificate (3DES-CBC: refused, accepted with legacy crypto on); metadata by URL", Result: resultOf(t)})
}

// singleLogoutWithPysaml2: b signs out of the Workspace, which sends
// pysaml2 a signed LogoutRequest; pysaml2 checks it with the org's
// certificate and answers; Signet checks the answer. Then pysaml2 logs b2
// out: Signet checks pysaml2's signed request, ends b2's session and
// answers, and pysaml2 checks that.
func singleLogoutWithPysaml2(t *testing.T, s *harness.Signet, p *peer, b, b2 *harness.Browser) {
	t.Helper()
	page := b.Post(s.SP+"/logout", nil)
	m := regexp.MustCompile(`id="continue" href="([^"]+)"`).FindStringSubmatch(page.Body)
	if m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), p.Base+"/slo?SAMLRequest=") {
		t.Fatalf("sign-out did not lead to pysaml2's SLO endpoint: %d\n%.1500s", page.Status, page.Body)
	}
	page = b.Get(html.UnescapeString(m[1]))
	if !strings.Contains(page.Body, "signed out of Signet Workspace and of your identity provider") {
		t.Errorf("after pysaml2 answered the LogoutRequest: %d at %s\n%.1500s", page.Status, page.URL, page.Body)
	}
	if page := b.Get(s.SP + "/orgs/acme"); strings.Contains(page.Body, "You are signed in to") {
		t.Error("still signed in after single logout")
	}

	if page := b2.Get(s.SP + "/orgs/acme"); !strings.Contains(page.Body, "You are signed in to") {
		t.Fatalf("b2 is not signed in before pysaml2's logout")
	}
	page = b2.Get(p.Base + "/logout?sp=" + url.QueryEscape(s.SP+"/saml/acme/metadata"))
	if !strings.Contains(page.Body, "logged out at "+s.SP+"/saml/acme/metadata") {
		t.Errorf("pysaml2 did not accept Signet's LogoutResponse: %d at %s\n%.1500s", page.Status, page.URL, page.Body)
	}
	if page := b2.Get(s.SP + "/orgs/acme"); strings.Contains(page.Body, "You are signed in to") {
		t.Error("pysaml2's LogoutRequest did not end the session")
	}
	var log []map[string]any
	if err := json.Unmarshal([]byte(harness.NewBrowser(t).Get(p.Base+"/slo-log").Body), &log); err != nil || len(log) != 2 {
		t.Fatalf("pysaml2's SLO log: %v %v", log, err)
	}
	if log[0]["name_id"] != "bob@example.test" || log[0]["issuer"] != s.SP+"/saml/acme/metadata" ||
		log[1]["status"] != "urn:oasis:names:tc:SAML:2.0:status:Success" {
		t.Errorf("pysaml2's SLO log = %v", log)
	}
}
