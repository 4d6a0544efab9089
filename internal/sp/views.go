// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"net/http"

	"github.com/signet-sso/signet/internal/web"
)

// views renders the Workspace's pages: one method per template in
// templates/pages, each taking the data that template reads, so a handler
// cannot pair a page with the wrong data.
type views struct{ pages *web.Pages }

type rw = http.ResponseWriter

func (v views) login(w rw, r *http.Request, status int, d loginPage) {
	v.pages.Render(w, r, status, "login", d)
}

func (v views) continuePage(w rw, r *http.Request, d continuePage) {
	v.pages.Render(w, r, http.StatusOK, "continue", d)
}

func (v views) signingOut(w rw, r *http.Request, d signingOutPage) {
	v.pages.Render(w, r, http.StatusOK, "signing_out", d)
}

func (v views) home(w rw, r *http.Request, status int, d homePage) {
	v.pages.Render(w, r, status, "home", d)
}

func (v views) settings(w rw, r *http.Request, d page) {
	v.pages.Render(w, r, http.StatusOK, "settings", struct{ page }{d})
}

func (v views) audit(w rw, r *http.Request, d auditPage) {
	v.pages.Render(w, r, http.StatusOK, "audit", d)
}

func (v views) invite(w rw, r *http.Request, status int, d invitePage) {
	v.pages.Render(w, r, status, "invite", d)
}

func (v views) sso(w rw, r *http.Request, status int, d ssoPage) {
	v.pages.Render(w, r, status, "sso", d)
}

func (v views) switchAccount(w rw, r *http.Request, d switchPage) {
	v.pages.Render(w, r, http.StatusOK, "switch", d)
}

func (v views) testResult(w rw, r *http.Request, d testResultPage) {
	v.pages.Render(w, r, http.StatusOK, "test_result", d)
}

func (v views) hostAppContinue(w rw, r *http.Request, d hostAppContinuePage) {
	v.pages.Render(w, r, http.StatusOK, "hostapp_continue", d)
}

func (v views) problem(w rw, r *http.Request, status int, d problem) {
	v.pages.Render(w, r, status, "problem", d)
}

func (v views) picker(w rw, r *http.Request, d pickerPage) {
	v.pages.Render(w, r, http.StatusOK, "picker", d)
}
