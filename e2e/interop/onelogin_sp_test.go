// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

func TestPython3SamlSP(t *testing.T) {
	need(t, "python3-saml (python3-onelogin-saml2)", havePython("onelogin.saml2.auth"))
	s := signet(t)
	p := newPeer(t)
	md, err := exec.Command("/usr/bin/python3", peerScript("onelogin_sp.py"), "metadata", p.Port).Output()
	if err != nil {
		t.Fatal(err)
	}
	app, idpMD := addApp(t, s, "python3-saml", md)
	startPeer(t, p, "/whoami", "/usr/bin/python3", peerScript("onelogin_sp.py"), "serve", p.Port, idpMD)
	spInitiated, idpInitiated := signInBothWays(t, s, p, app)
	checkAlice(t, spInitiated)
	checkAlice(t, idpInitiated)
	refusesTampered(t, s, p, app, false)
	record(row{Peer: "python3-saml (OneLogin toolkit)", Version: debVersion("python3-onelogin-saml2"), Direction: "Signet IdP → SP",
		Flows: "SP-initiated (Redirect), IdP-initiated; tampered response refused", Modes: "signed assertion and response", Result: resultOf(t)})
}

// signInBothWays signs alice in to the peer from its /login and from the portal tile.
func signInBothWays(t *testing.T, s *harness.Signet, p *peer, app string) (spInitiated, idpInitiated whoami) {
	t.Helper()
	b := harness.NewBrowser(t)
	spInitiated = readWhoami(t, b.FollowSAML(b.SignInToPortal(b.Get(p.Base+"/login"), "alice", "velvet-harbor-lantern")))
	b2 := harness.NewBrowser(t)
	b2.Post(s.IdP+"/portal/login", map[string][]string{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	idpInitiated = readWhoami(t, b2.FollowSAML(b2.Get(s.IdP+"/portal/apps/"+app)))
	return spInitiated, idpInitiated
}

// refusesTampered checks the peer refuses Signet's response changed in transit.
func refusesTampered(t *testing.T, s *harness.Signet, p *peer, app string, encrypted bool) {
	t.Helper()
	b := harness.NewBrowser(t)
	b.Post(s.IdP+"/portal/login", map[string][]string{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
	form, ok := b.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
	if !ok {
		t.Fatal("no SAMLResponse form")
	}
	form.Fields.Set("SAMLResponse", tamper(t, form.Fields.Get("SAMLResponse"), encrypted))
	refused := b.Post(form.Action, form.Fields)
	if refused.Status != 403 || !strings.Contains(refused.Body, "REJECTED") {
		t.Errorf("the peer accepted a tampered response: %d %.300s", refused.Status, refused.Body)
	}
}
