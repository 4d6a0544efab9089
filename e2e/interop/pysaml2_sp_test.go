// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/signet-sso/signet/e2e/harness"
	"github.com/signet-sso/signet/internal/saml"
)

// whoami is what an SP peer reports about its signed-in user.
type whoami struct {
	Peer         string              `json:"peer"`
	NameID       string              `json:"name_id"`
	NameIDFormat string              `json:"name_id_format"`
	Attributes   map[string][]string `json:"attributes"`
	Encrypted    bool                `json:"encrypted"`
	RelayState   string              `json:"relay_state"`
}

func readWhoami(t *testing.T, p *harness.Page) whoami {
	t.Helper()
	var w whoami
	if p.Status != 200 || json.Unmarshal([]byte(p.Body), &w) != nil {
		t.Fatalf("the SP did not sign the user in: %d at %s\n%.1000s", p.Status, p.URL, p.Body)
	}
	return w
}

func checkAlice(t *testing.T, w whoami) {
	t.Helper()
	t.Logf("the SP sees %+v", w)
	if w.NameID != "alice@example.com" || len(w.Attributes["email"]) != 1 || w.Attributes["email"][0] != "alice@example.com" {
		t.Errorf("the SP sees NameID %q and email %v; want alice@example.com in both", w.NameID, w.Attributes["email"])
	}
}

func TestPysaml2SP(t *testing.T) {
	need(t, "pysaml2 (python3-pysaml2)", havePython("saml2"))
	for _, tc := range []struct {
		name    string
		encrypt bool
		key     string
	}{{"plain", false, "rsa2048"}, {"encrypted", true, "rsa2048"}, {"ecdsa", false, "ecdsa-p256"}} {
		encrypt := tc.encrypt
		mode := "signed assertion and response"
		if tc.key == "ecdsa-p256" {
			mode = "signed assertion and response with ECDSA P-256 (SHA-256, r‖s)"
		}
		t.Run(tc.name, func(t *testing.T) {
			s := signet(t)
			p := newPeer(t)
			args := []string{peerScript("pysaml2_sp.py"), "metadata", p.Port, p.Dir}
			if encrypt {
				args = append(args, "--encrypt")
			}
			md, err := exec.Command("/usr/bin/python3", args...).Output()
			if err != nil {
				t.Fatal(err)
			}
			app, idpMD := addAppWithKey(t, s, "pysaml2", md, "emailAddress", tc.key)
			serve := append([]string{peerScript("pysaml2_sp.py"), "serve", p.Port, p.Dir, idpMD}, args[4:]...)
			startPeer(t, p, "/whoami", "/usr/bin/python3", serve...)

			// SP-initiated: the peer's /login, Signet's sign-in, back at the peer.
			b := harness.NewBrowser(t)
			page := b.Get(p.Base + "/login")
			page = b.FollowSAML(b.SignInToPortal(page, "alice", "velvet-harbor-lantern"))
			w := readWhoami(t, page)
			checkAlice(t, w)
			if w.Encrypted != encrypt {
				t.Errorf("encrypted = %v, want %v", w.Encrypted, encrypt)
			}
			// IdP-initiated: the portal tile.
			b2 := harness.NewBrowser(t)
			b2.Post(s.IdP+"/portal/login", map[string][]string{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
			w2 := readWhoami(t, b2.FollowSAML(b2.Get(s.IdP+"/portal/apps/"+app)))
			checkAlice(t, w2)
			// Negative: Signet's response tampered in transit is refused by the peer.
			b3 := harness.NewBrowser(t)
			b3.Post(s.IdP+"/portal/login", map[string][]string{"username": {"alice"}, "password": {"velvet-harbor-lantern"}})
			form, ok := b3.Get(s.IdP + "/portal/apps/" + app).SAMLForm("SAMLResponse")
			if !ok {
				t.Fatal("no SAMLResponse form")
			}
			form.Fields.Set("SAMLResponse", tamper(t, form.Fields.Get("SAMLResponse"), encrypt))
			refused := b3.Post(form.Action, form.Fields)
			if refused.Status != 403 || !strings.Contains(refused.Body, "REJECTED") {
				t.Errorf("the peer accepted a tampered response: %d %s\n%s", refused.Status, refused.Body, p.Logs.String())
			}
			if encrypt {
				mode += ", encrypted assertion (" + encryptionOf(t, issuedTo(t, s, app)) + ")"
			}
			if tc.key == "ecdsa-p256" {
				xml, err := saml.DecodeBase64([]byte(issuedTo(t, s, app)), 1<<20)
				if err != nil || strings.Count(string(xml), saml.AlgECDSASHA256) != 2 {
					t.Errorf("the response is not signed twice with ECDSA-SHA256: %v\n%.600s", err, xml)
				}
			}
			record(row{Peer: "pysaml2 (python3-pysaml2)", Version: debVersion("python3-pysaml2"), Direction: "Signet IdP → SP",
				Flows: "SP-initiated (Redirect), IdP-initiated; tampered response refused", Modes: mode, Result: resultOf(t)})
		})
	}
}

// tamper changes the signed content of a base64 response without breaking
// its XML: a character of the Issuer (or, if encrypted, of the ciphertext).
func tamper(t *testing.T, b64 string, encrypted bool) string {
	t.Helper()
	xml, err := saml.DecodeBase64([]byte(b64), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	s := string(xml)
	if encrypted {
		i := strings.LastIndex(s, "</xenc:CipherValue>")
		if i < 10 {
			t.Fatal("no ciphertext")
		}
		c := s[i-5]
		repl := byte('A')
		if c == 'A' {
			repl = 'B'
		}
		s = s[:i-5] + string(repl) + s[i-4:]
	} else {
		s = strings.Replace(s, "alice@example.com", "alice@example.con", 1)
	}
	return saml.EncodeBase64([]byte(s))
}

func resultOf(t *testing.T) string {
	if t.Failed() {
		return "FAIL"
	}
	return "pass"
}
