// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// appsConsole is the console's applications: the "Add application"
// wizard, configuration, attribute mappings, assignments and certificates.
type appsConsole struct{ *base }

func (h *appsConsole) mount(mux *http.ServeMux) {
	mux.Handle("GET /admin/applications", h.admin(h.apps))
	mux.Handle("GET /admin/applications/add", h.admin(h.appAdd))
	mux.Handle("GET /admin/applications/new", h.admin(h.appNew))
	mux.Handle("GET /admin/applications/{id}", h.admin(h.app))
	mux.Handle("GET /admin/applications/{id}/setup", h.admin(h.appSetupForm))
	mux.Handle("POST /admin/applications/{id}/setup", h.admin(h.appSave))
	mux.Handle("GET /admin/applications/{id}/edit", h.admin(h.appSetupForm))
	mux.Handle("POST /admin/applications/{id}/edit", h.admin(h.appSave))
	mux.Handle("POST /admin/applications/{id}/delete", h.admin(h.appDelete))
	mux.Handle("GET /admin/applications/{id}/certificate", h.admin(h.appCertificate))
	mux.Handle("GET /admin/applications/{id}/mappings", h.admin(h.mappingsForm))
	mux.Handle("POST /admin/applications/{id}/mappings", h.admin(h.mappingsSave))
	mux.Handle("GET /admin/applications/{id}/assignments", h.admin(h.assignments))
	mux.Handle("GET /admin/applications/{id}/assign", h.admin(h.assignForm))
	mux.Handle("POST /admin/applications/{id}/assign", h.admin(h.assign))
	mux.Handle("POST /admin/applications/{id}/unassign", h.admin(h.unassign))
	mux.Handle("GET /admin/applications/{id}/certificates", h.admin(h.certificates))
	mux.Handle("POST /admin/applications/{id}/certificates", h.admin(h.certificateCreate))
	mux.Handle("GET /admin/applications/{id}/certificates/{key}/download", h.admin(h.certificateDownload))
	mux.Handle("POST /admin/applications/{id}/certificates/{key}/activate", h.admin(h.certificateActivate))
	mux.Handle("POST /admin/applications/{id}/certificates/{key}/delete", h.admin(h.certificateDelete))
	mux.Handle("GET /admin/applications/{id}/preview", h.admin(h.preview))
	h.mountProvisioning(mux)
}

type appsPage struct {
	page
	Query string
	Apps  []store.App
	Pager web.Pager
}

func (h *appsConsole) apps(w http.ResponseWriter, r *http.Request, admin store.User) error {
	opt, n := web.ListOptions(r)
	apps, total, err := h.Svc.Store.ListApps(r.Context(), opt)
	if err != nil {
		return err
	}
	h.view.apps(w, r, appsPage{page: adminPage("Applications", "applications", admin, r),
		Query: opt.Query, Apps: apps, Pager: web.NewPager(opt.Query, n, total)})
	return nil
}

func (h *appsConsole) appAdd(w http.ResponseWriter, r *http.Request, admin store.User) error {
	h.view.appAdd(w, r, adminPage("Add application", "applications", admin, r))
	return nil
}

// appNew creates the draft (so its metadata can be downloaded before
// Submit, as in the seed's step 5) and sends the browser to its form.
func (h *appsConsole) appNew(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.Svc.NewDraftApp(r.Context())
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/applications/"+a.ID+"/setup")
}

// activeApp loads an app that has been submitted.
func (h *base) activeApp(ctx context.Context, id string) (store.App, error) {
	a, err := h.Svc.Store.GetApp(ctx, id)
	if err == nil && a.Status != store.AppActive {
		err = fmt.Errorf("application %s is a draft: %w", a.ID, store.ErrNotFound)
	}
	return a, err
}

type appPage struct {
	page
	App              store.App
	Tab              string
	SSOURL, EntityID string
	SessionLabel     string
	// Encryption describes assertion encryption to the app ("" when off):
	// on when its SP metadata has an encryption certificate.
	Encryption string
}

func (h *appsConsole) appData(r *http.Request, admin store.User, a store.App, tab string) appPage {
	p := appPage{page: adminPage(a.Name, "applications", admin, r), App: a, Tab: tab,
		SSOURL: h.Svc.SSOURL(a.ID), EntityID: h.Svc.EntityID(a.ID), SessionLabel: durationLabel(a.SessionDuration)}
	sp, err := h.Svc.spDescriptor(a)
	if err != nil {
		p.Warnings = append(p.Warnings, err.Error())
	}
	if sp != nil && len(sp.EncryptionCertificates) > 0 {
		c := sp.EncryptionCertificates[0]
		p.Encryption = fmt.Sprintf("Assertions are encrypted (%s) to the certificate in the application's metadata: %s, valid until %s.",
			algorithmName(saml.EncryptionMethodFor(sp.EncryptionMethods)), c.Subject, c.NotAfter.Format("2006-01-02"))
	}
	return p
}

func (h *appsConsole) app(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.Svc.Store.GetApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if a.Status == store.AppDraft {
		return web.Redirect(w, r, "/admin/applications/"+a.ID+"/setup")
	}
	h.view.app(w, r, h.appData(r, admin, a, "config"))
	return nil
}

// durations are the session-duration choices, as in AWS.
var durations = []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour}

type durationChoice struct{ Value, Label string }

func durationLabel(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d == time.Hour:
		return "1 hour"
	}
	return fmt.Sprintf("%d hours", int(d.Hours()))
}

type appFormPage struct {
	appPage
	Editing       bool
	HasSPMetadata bool
	Form          AppInput
	Errors        FieldErrors
	Durations     []durationChoice
	SessionValue  string
}

func (h *appsConsole) appFormData(r *http.Request, admin store.User, a store.App, in AppInput, fe FieldErrors) appFormPage {
	p := appFormPage{appPage: h.appData(r, admin, a, "config"), Editing: a.Status == store.AppActive,
		HasSPMetadata: a.SPMetadata != "", Form: in, Errors: fe, SessionValue: in.SessionDuration.String()}
	if !p.Editing {
		p.Title = "Configure application"
	}
	for _, d := range durations {
		p.Durations = append(p.Durations, durationChoice{d.String(), durationLabel(d)})
	}
	return p
}

func (h *appsConsole) appSetupForm(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.Svc.Store.GetApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	in := AppInput{Name: a.Name, Description: a.Description, StartURL: a.StartURL, RelayState: a.RelayState,
		SessionDuration: a.SessionDuration, MetadataSource: SourceManual, ACSURL: a.ACSURL, Audience: a.Audience}
	if a.SPMetadata != "" {
		in.MetadataSource = SourceUpload
	}
	h.view.appForm(w, r, http.StatusOK, h.appFormData(r, admin, a, in, nil))
	return nil
}

// maxAppForm bounds the application form (it may carry a metadata file).
const maxAppForm = 1 << 20

func (h *appsConsole) appSave(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.Svc.Store.GetApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAppForm)
	if err := r.ParseMultipartForm(maxAppForm); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	in := AppInput{Name: r.FormValue("name"), Description: r.FormValue("description"), StartURL: strings.TrimSpace(r.FormValue("start_url")),
		RelayState: r.FormValue("relay_state"), MetadataSource: r.FormValue("metadata_source"),
		ACSURL: r.FormValue("acs_url"), Audience: r.FormValue("audience")}
	if d, err := time.ParseDuration(r.FormValue("session_duration")); err == nil {
		in.SessionDuration = d
	}
	if f, _, err := r.FormFile("sp_metadata"); err == nil {
		in.SPMetadata, _ = io.ReadAll(io.LimitReader(f, maxSPMetadataLen+1))
		f.Close()
	}
	wasDraft := a.Status == store.AppDraft
	saved, err := h.Svc.SaveApp(r.Context(), admin.Username, a.ID, in)
	var fe FieldErrors
	if errors.As(err, &fe) {
		in.SPMetadata = nil
		p := h.appFormData(r, admin, a, in, fe)
		p.Error = "Check the fields marked below."
		h.view.appForm(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err != nil {
		return err
	}
	done := "app-saved"
	if wasDraft {
		done = "app-created"
	}
	return web.Redirect(w, r, "/admin/applications/"+saved.ID+"?done="+done)
}

func (h *appsConsole) appDelete(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.Svc.Store.GetApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.Svc.DeleteApp(r.Context(), admin.Username, a); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/applications?done=app-deleted")
}

// appCertificate downloads the active signing certificate.
func (h *appsConsole) appCertificate(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.Svc.Store.GetApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	k, err := h.Svc.Store.ActiveSigningKey(r.Context(), a.ID)
	if err != nil {
		return err
	}
	return sendFile(w, "Signet_"+fileSafe(a.Name, a.ID)+"_certificate.pem", "application/x-pem-file", []byte(k.CertificatePEM))
}

func sendFile(w http.ResponseWriter, name, contentType string, body []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(body)
	return err
}

// fileSafe makes a file name from an app's name (or its ID).
func fileSafe(name, fallback string) string {
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteRune(c)
		case c == ' ':
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return fallback
	}
	return b.String()
}

// algorithmName is the short name of an algorithm URI, e.g. "aes256-gcm".
func algorithmName(uri string) string {
	return uri[strings.LastIndexByte(uri, '#')+1:]
}
