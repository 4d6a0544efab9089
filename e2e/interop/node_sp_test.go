// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// haveNodeModule checks node and the npm package (installed by .ci/run in
// e2e/interop/node with `npm ci`).
func haveNodeModule(pkg string) func() error {
	return func() error {
		if _, err := exec.LookPath("node"); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join("node", "node_modules", pkg, "package.json")); err != nil {
			return fmt.Errorf("run npm ci in e2e/interop/node: %v", err)
		}
		return nil
	}
}

func npmVersion(pkg string) string {
	b, err := os.ReadFile(filepath.Join("node", "node_modules", pkg, "package.json"))
	if err != nil {
		return "?"
	}
	var v struct{ Version string }
	json.Unmarshal(b, &v)
	return v.Version
}

func nodeScript(name string) string {
	p, _ := filepath.Abs(filepath.Join("node", name))
	return p
}

func TestNodeSPs(t *testing.T) {
	for _, tc := range []struct{ name, pkg, script, modes string }{
		{"node-saml", "@node-saml/node-saml", "nodesaml_sp.mjs", "signed response and assertion required"},
		{"samlify", "samlify", "samlify_sp.cjs", "signed assertion required (samlify's schema check stubbed, as its validator needs Java)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			need(t, tc.name+" (npm "+tc.pkg+")", haveNodeModule(tc.pkg))
			s := signet(t)
			p := newPeer(t)
			md, err := exec.Command("node", nodeScript(tc.script), "metadata", p.Port).Output()
			if err != nil {
				t.Fatal(err)
			}
			app, idpMD := addApp(t, s, tc.name, md)
			startPeer(t, p, "/whoami", "node", nodeScript(tc.script), "serve", p.Port, idpMD)
			spInitiated, idpInitiated := signInBothWays(t, s, p, app)
			checkAlice(t, spInitiated)
			checkAlice(t, idpInitiated)
			refusesTampered(t, s, p, app, false)
			record(row{Peer: tc.name + " (npm " + tc.pkg + ")", Version: npmVersion(tc.pkg), Direction: "Signet IdP → SP",
				Flows: "SP-initiated (Redirect), IdP-initiated; tampered response refused", Modes: tc.modes, Result: resultOf(t)})
		})
	}
}
