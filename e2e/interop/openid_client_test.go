// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"encoding/json"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestOpenIDClientHostApp: npm openid-client 6, an OpenID Certified
// relying party, is a host app of Signet's Workspace: discovery, PKCE, the
// code exchange, ID-token validation (signature, issuer, audience, nonce)
// and userinfo are its own; the person signs in at the org's IdP (the
// Identity Center) over SAML.
func TestOpenIDClientHostApp(t *testing.T) {
	need(t, "node with openid-client (npm ci in e2e/interop/node)", haveNodeModule("openid-client"))
	s := signet(t)
	s.CLI("saffron-tunnel-ember\n", "sp", "org", "add", "--name", "Acme", "--slug", "acme", "--plan", "growth",
		"--admin-email", "admin@acme.example", "--admin-password-stdin")
	spMD := []byte(harness.NewBrowser(t).Get(s.SP + "/saml/acme/metadata").Body)
	_, idpMD := addApp(t, s, "Acme Analytics", spMD)
	s.CLI("", "sp", "sso", "set", "--org", "acme", "--metadata", idpMD, "--provider", "aws")

	rp := newPeer(t)
	var reg struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	out := s.CLI("", "sp", "client", "add", "--name", "openid-client", "--redirect-uri", rp.Base+"/callback")
	if err := json.Unmarshal([]byte(out), &reg); err != nil {
		t.Fatal(err)
	}
	startPeer(t, rp, "/health", "node", nodeScript("openid_rp.mjs"), s.SP, reg.ClientID, reg.ClientSecret, rp.Port, "acme")

	b := harness.NewBrowser(t)
	p := b.Get(rp.Base + "/login")
	p = b.FollowSAML(b.SignInToPortal(p, "alice", "velvet-harbor-lantern"))
	var got struct {
		Claims   map[string]any `json:"claims"`
		Userinfo map[string]any `json:"userinfo"`
	}
	if p.Status != 200 || json.Unmarshal([]byte(p.Body), &got) != nil {
		t.Fatalf("openid-client after sign-in: %d at %s\n%.1500s", p.Status, p.URL, p.Body)
	}
	org, _ := got.Claims["org"].(map[string]any)
	if got.Claims["email"] != "alice@example.com" || got.Claims["iss"] != s.SP || org["slug"] != "acme" ||
		got.Userinfo["sub"] != got.Claims["sub"] || got.Userinfo["email"] != "alice@example.com" {
		t.Errorf("openid-client saw claims %v and userinfo %v", got.Claims, got.Userinfo)
	}
	record(row{Peer: "openid-client (npm)", Version: npmVersion("openid-client"), Direction: "host app → Signet Workspace (OpenID Connect)",
		Flows: "authorization code with PKCE, ID token, userinfo; SAML to the Identity Center behind it", Modes: "RS256 ID token",
		Result: resultOf(t)})
}
