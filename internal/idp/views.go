// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"net/http"

	"github.com/signet-sso/signet/internal/web"
)

// views renders the Identity Center's pages: one method per template in
// templates/pages, each taking the data that template reads, so a handler
// cannot pair a page with the wrong data.
type views struct{ pages *web.Pages }

type rw = http.ResponseWriter

func (v views) login(w rw, r *http.Request, status int, d loginPage) {
	v.pages.Render(w, r, status, "login", d)
}

func (v views) signingOut(w rw, r *http.Request, d signingOutPage) {
	v.pages.Render(w, r, http.StatusOK, "signing_out", d)
}

func (v views) problem(w rw, r *http.Request, status int, d problem) {
	v.pages.Render(w, r, status, "problem", d)
}

func (v views) portal(w rw, r *http.Request, d portalHomePage) {
	v.pages.Render(w, r, http.StatusOK, "portal", d)
}

func (v views) users(w rw, r *http.Request, d usersPage) {
	v.pages.Render(w, r, http.StatusOK, "users", d)
}

func (v views) userForm(w rw, r *http.Request, status int, d userFormPage) {
	v.pages.Render(w, r, status, "user_form", d)
}

func (v views) groups(w rw, r *http.Request, status int, d groupsPage) {
	v.pages.Render(w, r, status, "groups", d)
}

func (v views) group(w rw, r *http.Request, status int, d groupPage) {
	v.pages.Render(w, r, status, "group", d)
}

func (v views) audit(w rw, r *http.Request, d auditPage) {
	v.pages.Render(w, r, http.StatusOK, "audit", d)
}

func (v views) apps(w rw, r *http.Request, d appsPage) {
	v.pages.Render(w, r, http.StatusOK, "apps", d)
}

func (v views) appAdd(w rw, r *http.Request, d page) {
	v.pages.Render(w, r, http.StatusOK, "app_add", struct{ page }{d})
}

func (v views) app(w rw, r *http.Request, d appPage) {
	v.pages.Render(w, r, http.StatusOK, "app", d)
}

func (v views) appForm(w rw, r *http.Request, status int, d appFormPage) {
	v.pages.Render(w, r, status, "app_form", d)
}

func (v views) appMappings(w rw, r *http.Request, status int, d mappingsPage) {
	v.pages.Render(w, r, status, "app_mappings", d)
}

func (v views) appAssignments(w rw, r *http.Request, d assignmentsPage) {
	v.pages.Render(w, r, http.StatusOK, "app_assignments", d)
}

func (v views) appAssign(w rw, r *http.Request, d assignmentsPage) {
	v.pages.Render(w, r, http.StatusOK, "app_assign", d)
}

func (v views) appCertificates(w rw, r *http.Request, status int, d certificatesPage) {
	v.pages.Render(w, r, status, "app_certificates", d)
}

func (v views) appPreview(w rw, r *http.Request, d previewPage) {
	v.pages.Render(w, r, http.StatusOK, "app_preview", d)
}

func (v views) appProvisioning(w rw, r *http.Request, status int, d provisioningPage) {
	v.pages.Render(w, r, status, "app_provisioning", d)
}

func (v views) mfa(w rw, r *http.Request, status int, d mfaPage) {
	v.pages.Render(w, r, status, "mfa", d)
}

func (v views) settingsAuthentication(w rw, r *http.Request, status int, d authenticationPage) {
	v.pages.Render(w, r, status, "settings_authentication", d)
}

func (v views) mfaDevices(w rw, r *http.Request, status int, d mfaDevicesPage) {
	v.pages.Render(w, r, status, "mfa_devices", d)
}

func (v views) forgot(w rw, r *http.Request, status int, d forgotPage) {
	v.pages.Render(w, r, status, "forgot", d)
}

func (v views) password(w rw, r *http.Request, status int, d passwordPage) {
	v.pages.Render(w, r, status, "password", d)
}

func (v views) email(w rw, r *http.Request, d emailPage) {
	v.pages.Render(w, r, http.StatusOK, "email", d)
}

func (v views) recoveryCodes(w rw, r *http.Request, d recoveryCodesPage) {
	w.Header().Set("Cache-Control", "no-store")
	v.pages.Render(w, r, http.StatusOK, "recovery_codes", d)
}
