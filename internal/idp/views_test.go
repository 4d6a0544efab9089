// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestViewsRenderEveryPage renders each page through its typed method with
// empty data: a template that reads a field its data type lacks fails
// here, not in front of a person.
func TestViewsRenderEveryPage(t *testing.T) {
	pages, err := Templates(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	v := views{pages}
	for name, render := range map[string]func(rw, *http.Request){
		"login":            func(w rw, r *http.Request) { v.login(w, r, 200, loginPage{}) },
		"problem":          func(w rw, r *http.Request) { v.problem(w, r, 400, problem{}) },
		"signing_out":      func(w rw, r *http.Request) { v.signingOut(w, r, signingOutPage{}) },
		"portal":           func(w rw, r *http.Request) { v.portal(w, r, portalHomePage{}) },
		"users":            func(w rw, r *http.Request) { v.users(w, r, usersPage{}) },
		"user_form":        func(w rw, r *http.Request) { v.userForm(w, r, 200, userFormPage{}) },
		"groups":           func(w rw, r *http.Request) { v.groups(w, r, 200, groupsPage{}) },
		"group":            func(w rw, r *http.Request) { v.group(w, r, 200, groupPage{}) },
		"audit":            func(w rw, r *http.Request) { v.audit(w, r, auditPage{}) },
		"apps":             func(w rw, r *http.Request) { v.apps(w, r, appsPage{}) },
		"app_add":          func(w rw, r *http.Request) { v.appAdd(w, r, page{}) },
		"app":              func(w rw, r *http.Request) { v.app(w, r, appPage{}) },
		"app_form":         func(w rw, r *http.Request) { v.appForm(w, r, 200, appFormPage{}) },
		"app_mappings":     func(w rw, r *http.Request) { v.appMappings(w, r, 200, mappingsPage{}) },
		"app_assignments":  func(w rw, r *http.Request) { v.appAssignments(w, r, assignmentsPage{}) },
		"app_assign":       func(w rw, r *http.Request) { v.appAssign(w, r, assignmentsPage{}) },
		"app_certificates": func(w rw, r *http.Request) { v.appCertificates(w, r, 200, certificatesPage{}) },
		"app_provisioning": func(w rw, r *http.Request) { v.appProvisioning(w, r, 200, provisioningPage{}) },
		"app_preview":      func(w rw, r *http.Request) { v.appPreview(w, r, previewPage{}) },
		"mfa":              func(w rw, r *http.Request) { v.mfa(w, r, 200, mfaPage{}) },
		"mfa_enrol": func(w rw, r *http.Request) {
			v.mfa(w, r, 200, mfaPage{Enrol: &enrolment{}, Passkey: &ceremony{Sealed: "x"}})
		},
		"mfa_keys":       func(w rw, r *http.Request) { v.mfa(w, r, 200, mfaPage{Passkey: &ceremony{}, HasTOTP: true}) },
		"mfa_email":      func(w rw, r *http.Request) { v.mfa(w, r, 200, mfaPage{EmailedTo: "p•••@x"}) },
		"recovery_codes": func(w rw, r *http.Request) { v.recoveryCodes(w, r, recoveryCodesPage{Codes: []string{"a"}}) },
		"recovery_post": func(w rw, r *http.Request) {
			v.recoveryCodes(w, r, recoveryCodesPage{Continue: continuation{Fields: map[string]string{"a": "b"}}})
		},
		"mfa_devices_keys": func(w rw, r *http.Request) {
			v.mfaDevices(w, r, 200, mfaDevicesPage{Passkey: &ceremony{}, Enrol: &enrolment{}})
		},
		"mfa_devices":   func(w rw, r *http.Request) { v.mfaDevices(w, r, 200, mfaDevicesPage{}) },
		"settings_auth": func(w rw, r *http.Request) { v.settingsAuthentication(w, r, 200, authenticationPage{}) },
		"forgot":        func(w rw, r *http.Request) { v.forgot(w, r, 200, forgotPage{}) },
		"password":      func(w rw, r *http.Request) { v.password(w, r, 200, passwordPage{}) },
		"email":         func(w rw, r *http.Request) { v.email(w, r, emailPage{}) },
	} {
		rec := httptest.NewRecorder()
		render(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code == http.StatusInternalServerError {
			t.Errorf("%s: the page did not render with its own data type", name)
		}
	}
}
