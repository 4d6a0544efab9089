// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"net/http"
	"testing"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/store"
)

// TestRememberedSetupNeverOutlivesAChange: the ACS remembers an org's
// sign-in setup after a sign-in, but a change to the org, its connection
// or its IdP's certificate made since then decides the next sign-in
// exactly as it does on a server that remembered nothing. The first case
// is the one that matters most: a response signed with a key the admin
// has just replaced verifies against the remembered certificate, and must
// still be refused.
func TestRememberedSetupNeverOutlivesAChange(t *testing.T) {
	rotated := samltest.Key(t, "idp-rotated")
	replaceCertificate := func(w *world) {
		r := w.admin(w.acme).upload("/orgs/acme/settings/sso", map[string]string{"provider": "aws", "idp_source": "file"}, w.idpMetadata(rotated))
		if r.Status != http.StatusSeeOther {
			w.t.Fatalf("upload the new metadata = %d\n%s", r.Status, excerpt(r.Body))
		}
	}
	tests := []struct {
		name        string
		change      func(w *world)
		rotatedKey  bool // the response after the change is signed with the new key
		noResponse  bool // the POST after the change carries no SAMLResponse
		wantRefused bool // on a server that remembered nothing
	}{
		{"no change, a POST without a response", func(*world) {}, false, true, true},
		{"certificate replaced, the old key signs", replaceCertificate, false, false, true},
		{"certificate replaced, the new key signs", replaceCertificate, true, false, false},
		{"plan without SSO", func(w *world) {
			if _, err := w.st.UpdateOrg(w.t.Context(), w.acme.ID, func(o *store.Org) error { o.Plan = "starter"; return nil }); err != nil {
				w.t.Fatal(err)
			}
		}, false, false, true},
		{"connection deleted", func(w *world) {
			c, err := w.st.GetSSOConnection(w.t.Context(), w.acme.ID, "")
			if err != nil {
				w.t.Fatal(err)
			}
			if err := w.st.DeleteSSOConnection(w.t.Context(), w.acme.ID, c.ID); err != nil {
				w.t.Fatal(err)
			}
		}, false, false, true},
		{"org deleted", func(w *world) {
			if err := w.st.DeleteOrg(w.t.Context(), w.acme.ID); err != nil {
				w.t.Fatal(err)
			}
		}, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outcome := func(remembered bool) (int, string) {
				w := newWorld(t)
				w.connect(w.acme)
				w.member(w.acme, "pat@corp.example", "member")
				if remembered {
					if r := w.client().postACS(w.acme, w.response(w.acme, nil), ""); r.Status != http.StatusSeeOther {
						t.Fatalf("the sign-in before the change = %d\n%s", r.Status, excerpt(r.Body))
					}
				}
				tt.change(w)
				resp := w.response(w.acme, func(p *saml.ResponseParams) {
					if tt.rotatedKey {
						p.Key = rotated
					}
				})
				if tt.noResponse {
					resp = ""
				}
				before := attempts(w)
				r := w.client().postACS(w.acme, resp, "")
				if r.Status == http.StatusSeeOther || r.Status == http.StatusNotFound {
					return r.Status, ""
				}
				if attempts(w) == before {
					return r.Status, "(not logged)"
				}
				return r.Status, w.lastAttempt(w.acme).Code
			}
			freshStatus, freshCode := outcome(false)
			if refused := freshStatus != http.StatusSeeOther; refused != tt.wantRefused {
				t.Fatalf("with nothing remembered: %d %q, want refused = %v", freshStatus, freshCode, tt.wantRefused)
			}
			status, code := outcome(true)
			if status != freshStatus || code != freshCode {
				t.Errorf("after a remembered sign-in: %d %q; with nothing remembered: %d %q", status, code, freshStatus, freshCode)
			}
		})
	}
}

// attempts counts the sign-in attempts logged for acme (none once it is
// deleted).
func attempts(w *world) int {
	w.t.Helper()
	_, n, err := w.st.ListSignInAttempts(w.t.Context(), w.acme.ID, store.ListOptions{Limit: 1})
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}
