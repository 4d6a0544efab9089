// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtureResponses = "../saml/testdata/fixtures/responses"

// identityFailures are fixtures the verifier accepts but whose assertions
// hold no email, so the Workspace's identity rules (which the CLI applies)
// refuse them with this code.
var identityFailures = map[string]string{
	"ping-ssoready":     "email_missing", // opaque NameID, no email attribute
	"testshib-crewjam":  "email_missing", // opaque NameID, eduPerson attributes only
	"no-issuer-crewjam": "email_missing",
}

func TestSAMLVerifyCLIOnFixtures(t *testing.T) {
	entries, err := os.ReadDir(fixtureResponses)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join(fixtureResponses, e.Name())
			var p struct {
				SPEntityID        string   `json:"sp_entity_id"`
				ACSURL            string   `json:"acs_url"`
				Now               string   `json:"now"`
				CertNow           string   `json:"cert_now"`
				RequestIDs        []string `json:"request_ids"`
				AllowIdPInitiated bool     `json:"allow_idp_initiated"`
				Expect            string   `json:"expect"`
				ExpectNameID      string   `json:"expect_name_id"`
				SPKey             string   `json:"sp_key"`
			}
			raw, _ := os.ReadFile(filepath.Join(dir, "params.json"))
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatal(err)
			}
			args := []string{"saml", "verify", "--idp-metadata", filepath.Join(dir, "idp-metadata.xml"),
				"--sp-entity-id", p.SPEntityID, "--acs-url", p.ACSURL, "--now", p.Now, "--allow-legacy-crypto"}
			if p.CertNow != "" {
				args = append(args, "--cert-now", p.CertNow)
			}
			for _, id := range p.RequestIDs {
				args = append(args, "--request-id", id)
			}
			if p.AllowIdPInitiated {
				args = append(args, "--allow-idp-initiated")
			}
			if p.SPKey != "" {
				args = append(args, "--sp-key", filepath.Join(dir, p.SPKey))
			}
			code, stdout, stderr := runCmd(t, nil, append(args, filepath.Join(dir, "response.xml"))...)
			if strings.Count(stdout, "\n") != 1 {
				t.Fatalf("want exactly one JSON line on stdout, got %q (stderr %q)", stdout, stderr)
			}
			var out map[string]any
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("stdout is not JSON: %v", err)
			}
			want, identityFails := identityFailures[e.Name()]
			switch {
			case p.Expect == "accept" && !identityFails:
				if code != 0 || out["ok"] != true || out["name_id"] != p.ExpectNameID || out["email"] == "" {
					t.Errorf("exit %d, %s", code, stdout)
				}
				if _, ok := out["attributes"].(map[string]any); !ok {
					t.Errorf("attributes must be an object: %s", stdout)
				}
			case identityFails:
				if code != 1 || out["error"] != want {
					t.Errorf("exit %d, %s; want %s", code, stdout, want)
				}
			default:
				if code != 1 || out["ok"] != false || out["error"] == "" || out["message"] == "" || out["hint"] == "" {
					t.Errorf("exit %d, %s; want a rejection", code, stdout)
				}
			}
		})
	}
}

func TestSAMLVerifyCLIUsage(t *testing.T) {
	for _, args := range [][]string{
		{"saml"},
		{"saml", "verify", "resp.xml"},
		{"saml", "verify", "--idp-metadata", "/nonexistent", "--sp-entity-id", "x", "--acs-url", "y", "-"},
		{"saml", "verify", "--idp-metadata", "x", "--sp-entity-id", "x", "--acs-url", "y", "--now", "yesterday", "-"},
		{"saml", "metadata"},
	} {
		if code, stdout, _ := runCmd(t, nil, args...); code != ExitUsage || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want 2 and nothing on stdout", args, code, stdout)
		}
	}
}

func TestSAMLMetadataCLI(t *testing.T) {
	md := "../saml/testdata/fixtures/metadata"
	entries, _ := os.ReadDir(md)
	for _, e := range entries {
		code, stdout, _ := runCmd(t, nil, "saml", "metadata", "--now", "2026-11-27T00:00:00Z", filepath.Join(md, e.Name()))
		var out struct {
			OK       bool   `json:"ok"`
			EntityID string `json:"entity_id"`
			IdP      struct {
				SSO   []map[string]any `json:"sso_services"`
				Certs []struct {
					NotAfter string `json:"not_after"`
					Expired  bool   `json:"expired"`
				} `json:"signing_certificates"`
			} `json:"idp"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != 0 || !out.OK || out.EntityID == "" ||
			len(out.IdP.SSO) == 0 || len(out.IdP.Certs) == 0 || out.IdP.Certs[0].NotAfter == "" {
			t.Errorf("%s: exit %d %v %s", e.Name(), code, err, stdout)
		}
	}
	code, stdout, _ := runCmd(t, nil, "saml", "metadata", filepath.Join(fixtureResponses, "bad-utf8-ssoready", "response.xml"))
	if code != 1 || !strings.Contains(stdout, `"ok":false`) {
		t.Errorf("bad metadata: exit %d %s", code, stdout)
	}
}
