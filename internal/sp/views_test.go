// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/signet-sso/signet/internal/store"
)

// TestViewsRenderEveryPage renders each page through its typed method with
// empty data: a template that reads a field its data type lacks fails
// here, not in front of a person.
func TestViewsRenderEveryPage(t *testing.T) {
	pages, err := Templates(slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	v := views{pages}
	// Pages of an org always have the org and the signed-in member.
	o, m := store.Org{Slug: "acme", Name: "Acme"}, store.Member{Email: "pat@example.com", Role: "admin"}
	op := orgPage("Title", "home", o, m)
	for name, render := range map[string]func(rw, *http.Request){
		"login":       func(w rw, r *http.Request) { v.login(w, r, 200, loginPage{}) },
		"continue":    func(w rw, r *http.Request) { v.continuePage(w, r, continuePage{}) },
		"signing_out": func(w rw, r *http.Request) { v.signingOut(w, r, signingOutPage{}) },
		"home":        func(w rw, r *http.Request) { v.home(w, r, 200, homePage{page: op}) },
		"settings":    func(w rw, r *http.Request) { v.settings(w, r, op) },
		"audit":       func(w rw, r *http.Request) { v.audit(w, r, auditPage{page: op}) },
		"invite":      func(w rw, r *http.Request) { v.invite(w, r, 200, invitePage{}) },
		"sso":         func(w rw, r *http.Request) { v.sso(w, r, 200, ssoPage{page: op}) },
		"switch":      func(w rw, r *http.Request) { v.switchAccount(w, r, switchPage{}) },
		"test_result": func(w rw, r *http.Request) { v.testResult(w, r, testResultPage{page: op}) },
		"problem":     func(w rw, r *http.Request) { v.problem(w, r, 400, problem{}) },
		"hostapp":     func(w rw, r *http.Request) { v.hostAppContinue(w, r, hostAppContinuePage{}) },
		"picker":      func(w rw, r *http.Request) { v.picker(w, r, pickerPage{}) },
	} {
		rec := httptest.NewRecorder()
		render(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code == http.StatusInternalServerError {
			t.Errorf("%s: the page did not render with its own data type", name)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
