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
// exactly as on a server that remembered nothing (the same history, then
// ForgetSignInSetups, as after a restart): the same status, and the same
// logged attempt. The certificate case matters most: a response signed
// with a key the admin has just replaced verifies against the remembered
// certificate, and must still be refused. Without a change, a replay and a
// POST without a response must be logged as they would be anyway.
func TestRememberedSetupNeverOutlivesAChange(t *testing.T) {
	rotated := samltest.Key(t, "idp-rotated")
	replaceCertificate := func(w *world) {
		r := w.admin(w.acme).upload("/orgs/acme/settings/sso", map[string]string{"provider": "aws", "idp_source": "file"}, w.idpMetadata(rotated))
		if r.Status != http.StatusSeeOther {
			w.t.Fatalf("upload the new metadata = %d\n%s", r.Status, excerpt(r.Body))
		}
	}
	noChange := func(*world) {}
	type post int
	const (
		freshResponse post = iota // signed with the IdP's first key
		rotatedKey                // signed with the key that replaced it
		sameResponse              // the first sign-in's response again
		noResponse                // no SAMLResponse at all
	)
	tests := []struct {
		name        string
		change      func(w *world)
		post        post
		wantRefused bool // on a server that remembered nothing
	}{
		{"no change, a new response", noChange, freshResponse, false},
		{"no change, the same response again", noChange, sameResponse, true},
		{"no change, a POST without a response", noChange, noResponse, true},
		{"certificate replaced, the old key signs", replaceCertificate, freshResponse, true},
		{"certificate replaced, the new key signs", replaceCertificate, rotatedKey, false},
		{"plan without SSO", func(w *world) {
			if _, err := w.st.UpdateOrg(w.t.Context(), w.acme.ID, func(o *store.Org) error { o.Plan = "starter"; return nil }); err != nil {
				w.t.Fatal(err)
			}
		}, freshResponse, true},
		{"connection deleted", func(w *world) {
			c, err := w.st.GetSSOConnection(w.t.Context(), w.acme.ID, "")
			if err != nil {
				w.t.Fatal(err)
			}
			if err := w.st.DeleteSSOConnection(w.t.Context(), w.acme.ID, c.ID); err != nil {
				w.t.Fatal(err)
			}
		}, freshResponse, true},
		{"org deleted", func(w *world) {
			if err := w.st.DeleteOrg(w.t.Context(), w.acme.ID); err != nil {
				w.t.Fatal(err)
			}
		}, freshResponse, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outcome := func(remembered bool) signInOutcome {
				w := newWorld(t)
				w.connect(w.acme)
				w.member(w.acme, "pat@corp.example", "member")
				// Two sign-ins: the first marks the connection verified, a
				// change itself, so the second is what leaves a current
				// setup remembered.
				first := w.response(w.acme, nil)
				for _, resp := range []string{first, w.response(w.acme, nil)} {
					if r := w.client().postACS(w.acme, resp, ""); r.Status != http.StatusSeeOther {
						t.Fatalf("a sign-in before the change = %d\n%s", r.Status, excerpt(r.Body))
					}
				}
				tt.change(w)
				if !remembered {
					w.svc.ForgetSignInSetups()
				}
				var resp string
				switch tt.post {
				case freshResponse:
					resp = w.response(w.acme, nil)
				case rotatedKey:
					resp = w.response(w.acme, func(p *saml.ResponseParams) { p.Key = rotated })
				case sameResponse:
					resp = first
				}
				before := attempts(w)
				r := w.client().postACS(w.acme, resp, "")
				got := signInOutcome{Status: r.Status}
				if attempts(w) > before {
					a := w.lastAttempt(w.acme)
					got.Logged, got.Code, got.Hint, got.Unverified, got.Summary = true, a.Code, a.Hint, a.Unverified, a.Assertion != ""
				}
				return got
			}
			fresh := outcome(false)
			if refused := fresh.Status != http.StatusSeeOther; refused != tt.wantRefused {
				t.Fatalf("with nothing remembered: %+v, want refused = %v", fresh, tt.wantRefused)
			}
			if got := outcome(true); got != fresh {
				t.Errorf("with the setup remembered: %+v\nwith nothing remembered:   %+v", got, fresh)
			}
		})
	}
}

// signInOutcome is what a person and the admin see of one ACS post.
type signInOutcome struct {
	Status              int
	Logged              bool // a new attempt in the org's log
	Code, Hint          string
	Unverified, Summary bool
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
