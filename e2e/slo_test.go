// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"crypto/rand"
	"html"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/saml"
)

// TestSingleLogoutBetweenSignetsRoles: bob signs in to acme through the
// Identity Center, then signs out of the Workspace: the Workspace sends
// the Identity Center a LogoutRequest signed with acme's key, the Identity
// Center checks it against acme's SP metadata, ends bob's portal session
// and answers with a signed LogoutResponse that the Workspace checks. An
// unsigned LogoutRequest at the Identity Center ends nothing.
func TestSingleLogoutBetweenSignetsRoles(t *testing.T) {
	w := newHostAppWorld(t)
	w.s.cli("", "sp", "member", "add", "--org", "acme", "--email", "bob@example.test", "--role", "member")
	b := harness.NewBrowser(t)
	p := b.FollowSAML(b.SignInToPortal(b.Get(w.s.SP+"/saml/acme/login"), "bob", bobPassword))
	if !strings.Contains(p.Body, "You are signed in to <strong>Acme</strong> as <strong>bob@example.test</strong>") {
		t.Fatalf("bob did not sign in: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}

	// A forged (unsigned) LogoutRequest to the Identity Center.
	_, xml, err := saml.NewLogoutRequest(saml.LogoutRequestParams{Issuer: w.s.SP + "/saml/acme/metadata",
		Destination: w.s.IdP + "/saml/apps/" + w.app + "/slo", NameID: "bob@example.test", Now: time.Now(), Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	forged, err := saml.RedirectURL(w.s.IdP+"/saml/apps/"+w.app+"/slo", "SAMLRequest", xml, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := b.Get(forged); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "signature_missing") {
		t.Errorf("an unsigned LogoutRequest at the Identity Center: %d\n%.1500s", p.Status, p.Body)
	}
	resp, err := saml.NewLogoutResponse(saml.LogoutResponseParams{Issuer: w.s.SP + "/saml/acme/metadata",
		Destination: w.s.IdP + "/saml/apps/" + w.app + "/slo", InResponseTo: "_x", Now: time.Now(), Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	forgedAnswer, err := saml.RedirectURL(w.s.IdP+"/saml/apps/"+w.app+"/slo", "SAMLResponse", resp, "made-up-chain", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := b.Get(forgedAnswer); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "signature_missing") {
		t.Errorf("an unsigned LogoutResponse at the Identity Center: %d\n%.1500s", p.Status, p.Body)
	}
	if p := b.Get(w.s.IdP + "/portal"); strings.Contains(p.Body, "Sign in to the access portal") {
		t.Fatal("the forged LogoutRequest ended the portal session")
	}

	p = b.Post(w.s.SP+"/logout", nil)
	m := regexp.MustCompile(`id="continue" href="([^"]+)"`).FindStringSubmatch(p.Body)
	if m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), w.s.IdP+"/saml/apps/"+w.app+"/slo?SAMLRequest=") {
		t.Fatalf("sign-out did not lead to the Identity Center's SLO endpoint: %d\n%.1500s", p.Status, p.Body)
	}
	p = b.Get(html.UnescapeString(m[1]))
	if p.URL.Host != strings.TrimPrefix(w.s.SP, "http://") || !strings.Contains(p.Body, "signed out of Signet Workspace and of your identity provider") {
		t.Fatalf("after the Identity Center answered: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	if p := b.Get(w.s.IdP + "/portal"); !strings.Contains(p.Body, "Sign in to the access portal") {
		t.Errorf("the portal session survived single logout:\n%.800s", p.Body)
	}
	if p := b.Get(w.s.SP + "/orgs/acme"); strings.Contains(p.Body, "You are signed in to") {
		t.Error("the Workspace session survived sign-out")
	}

	// Started at the portal: signing out of the Identity Center ends the
	// Workspace session it opened, each side verifying the other.
	p = b.FollowSAML(b.SignInToPortal(b.Get(w.s.SP+"/saml/acme/login"), "bob", bobPassword))
	if !strings.Contains(p.Body, "You are signed in to <strong>Acme</strong>") {
		t.Fatalf("bob did not sign in again: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	p = b.Post(w.s.IdP+"/portal/logout", nil)
	m = regexp.MustCompile(`id="continue" href="([^"]+)"`).FindStringSubmatch(p.Body)
	if m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), w.s.SP+"/saml/acme/slo?SAMLRequest=") {
		t.Fatalf("portal sign-out did not lead to the Workspace's SLO endpoint: %d\n%.1500s", p.Status, p.Body)
	}
	p = b.Get(html.UnescapeString(m[1]))
	if !strings.HasPrefix(p.URL.String(), w.s.IdP+"/portal/login") || !strings.Contains(p.Body, "signed out of the access portal and of the applications") {
		t.Fatalf("after the Workspace answered: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	if p := b.Get(w.s.SP + "/orgs/acme"); strings.Contains(p.Body, "You are signed in to") {
		t.Error("the Workspace session survived the portal's single logout")
	}
}

// TestSingleLogoutReachesTheSessionsOtherApps: bob's portal session signs
// him in to two applications — acme's Workspace and another company's
// Signet Workspace (a second Signet, its own site) — both connected to the
// same Identity Center. Signing out of acme sends the Identity Center a
// LogoutRequest; it ends the portal session, passes the logout on to the
// other application (which checks it and ends bob's session there) and
// answers acme last.
func TestSingleLogoutReachesTheSessionsOtherApps(t *testing.T) {
	w := newHostAppWorld(t)
	w.s.cli("", "sp", "member", "add", "--org", "acme", "--email", "bob@example.test", "--role", "member")
	// Another company's site: another host, so the browser keeps its
	// cookies apart from acme's.
	other := &signet{harness.StartOn(t, "sqlite:"+filepath.Join(t.TempDir(), "other.db"), loopbackAddr(t, "127.0.0.2"), loopbackAddr(t, "127.0.0.3"), nil)}
	other.cli("river-stone-candle\n", "sp", "org", "add", "--name", "Globex", "--slug", "globex", "--plan", "growth",
		"--admin-email", "admin@globex.example", "--admin-password-stdin")
	other.cli("", "sp", "member", "add", "--org", "globex", "--email", "bob@example.test", "--role", "member")
	dir := t.TempDir()
	spMD := filepath.Join(dir, "globex-sp.xml")
	writeFile(t, spMD, harness.NewBrowser(t).Get(other.SP+"/saml/globex/metadata").Body)
	w.s.cli("", "idp", "app", "add", "--name", "Globex", "--sp-metadata", spMD)
	w.s.cli("", "idp", "app", "map", "--app", "Globex", "--subject", "${user:email}", "--subject-format", "emailAddress",
		"--attr", "email=${user:email}:basic")
	w.s.cli("", "idp", "app", "assign", "--app", "Globex", "--user", "bob")
	idpMD := filepath.Join(dir, "globex-idp.xml")
	writeFile(t, idpMD, w.s.cli("", "idp", "app", "metadata", "--app", "Globex"))
	other.cli("", "sp", "sso", "set", "--org", "globex", "--metadata", idpMD)

	b := harness.NewBrowser(t)
	if p := b.FollowSAML(b.SignInToPortal(b.Get(w.s.SP+"/saml/acme/login"), "bob", bobPassword)); !strings.Contains(p.Body, "You are signed in to <strong>Acme</strong>") {
		t.Fatalf("bob did not sign in to acme: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	if p := b.FollowSAML(b.Get(other.SP + "/saml/globex/login")); !strings.Contains(p.Body, "You are signed in to <strong>Globex</strong>") {
		t.Fatalf("bob did not sign in to globex with his portal session: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}

	p := b.Post(w.s.SP+"/logout", nil)
	m := regexp.MustCompile(`id="continue" href="([^"]+)"`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("sign-out of acme did not lead to the Identity Center: %d\n%.1500s", p.Status, p.Body)
	}
	// The Identity Center passes the logout on to Globex first.
	p = b.Get(html.UnescapeString(m[1]))
	m = regexp.MustCompile(`id="continue" href="([^"]+)"`).FindStringSubmatch(p.Body)
	if m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), other.SP+"/saml/globex/slo?SAMLRequest=") {
		t.Fatalf("the Identity Center did not pass the logout on to Globex: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	// Globex answers the Identity Center, which answers acme.
	p = b.Get(html.UnescapeString(m[1]))
	if p.URL.Host != strings.TrimPrefix(w.s.SP, "http://") || !strings.Contains(p.Body, "signed out of Signet Workspace and of your identity provider") {
		t.Fatalf("after the chain: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	for name, u := range map[string]string{"acme": w.s.SP + "/orgs/acme", "globex": other.SP + "/orgs/globex"} {
		if p := b.Get(u); strings.Contains(p.Body, "You are signed in to") {
			t.Errorf("the %s session survived single logout", name)
		}
	}
	if p := b.Get(w.s.IdP + "/portal"); !strings.Contains(p.Body, "Sign in to the access portal") {
		t.Error("the portal session survived single logout")
	}
}

// loopbackAddr is a free port on another loopback address (Linux answers
// on all of 127/8); the test is skipped where it cannot listen there.
func loopbackAddr(t *testing.T, host string) string {
	t.Helper()
	l, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Skipf("cannot listen on %s (loopback addresses beyond 127.0.0.1 need Linux): %v", host, err)
	}
	defer l.Close()
	return l.Addr().String()
}
