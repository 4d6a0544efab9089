// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"cmp"
	"errors"
	"net/http"
	"strings"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

type mappingsPage struct {
	appPage
	Form             MappingInput
	Rows             []store.AttributeMapping
	Errors           FieldErrors
	SubjectFormats   []string
	AttributeFormats []string
	Variables        []struct{ Name, Meaning string }
}

func (h *appsConsole) mappingsData(r *http.Request, admin store.User, a store.App, in MappingInput, fe FieldErrors) mappingsPage {
	return mappingsPage{appPage: h.appData(r, admin, a, "mappings"), Form: in, Rows: in.Attributes, Errors: fe,
		SubjectFormats: subjectFormats, AttributeFormats: attributeFormats, Variables: variables}
}

func (h *appsConsole) mappingsForm(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rows, err := h.Svc.Store.ListAttributeMappings(r.Context(), a.ID)
	if err != nil {
		return err
	}
	in := MappingInput{SubjectValue: a.SubjectValue, SubjectFormat: a.SubjectFormat, Attributes: rows}
	h.view.appMappings(w, r, http.StatusOK, h.mappingsData(r, admin, a, in, nil))
	return nil
}

// mappingsSave saves the table; "Add new attribute mapping" without
// JavaScript posts here with add_row and gets the table back with a blank row.
func (h *appsConsole) mappingsSave(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := MappingInput{SubjectValue: r.PostForm.Get("subject"), SubjectFormat: r.PostForm.Get("subject_format")}
	names, values, formats := r.PostForm["attr_name"], r.PostForm["attr_value"], r.PostForm["attr_format"]
	if len(names) > 100 {
		names = names[:100]
	}
	for i := range names {
		m := store.AttributeMapping{Name: names[i], Format: "unspecified"}
		if i < len(values) {
			m.Value = values[i]
		}
		if i < len(formats) {
			m.Format = formats[i]
		}
		in.Attributes = append(in.Attributes, m)
	}
	if r.PostForm.Get("add_row") != "" {
		in.Attributes = append(in.Attributes, store.AttributeMapping{Format: "basic"})
		h.view.appMappings(w, r, http.StatusOK, h.mappingsData(r, admin, a, in, nil))
		return nil
	}
	warnings, err := h.Svc.SetMappings(r.Context(), admin.Username, a, in)
	var fe FieldErrors
	if errors.As(err, &fe) {
		p := h.mappingsData(r, admin, a, in, fe)
		p.Error = "The mappings were not saved: check the rows marked below."
		h.view.appMappings(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err != nil {
		return err
	}
	if len(warnings) > 0 {
		p := h.mappingsData(r, admin, a, in, nil)
		p.Flash, p.Warnings = "Attribute mappings saved.", warnings
		h.view.appMappings(w, r, http.StatusOK, p)
		return nil
	}
	return web.Redirect(w, r, "/admin/applications/"+a.ID+"/mappings?done=mappings-saved")
}

// assignee is one row of the assignments tab.
type assignee struct{ Kind, ID, Name, Email string }

type assignmentsPage struct {
	appPage
	Assigned []assignee
	Users    []store.User
	Groups   []store.Group
	More     bool
}

func (h *appsConsole) assignments(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	list, err := h.Svc.Store.ListAssignments(r.Context(), a.ID)
	if err != nil {
		return err
	}
	p := assignmentsPage{appPage: h.appData(r, admin, a, "assignments")}
	for _, as := range list {
		row := assignee{Kind: as.PrincipalKind, ID: as.PrincipalID, Name: as.PrincipalName, Email: cmp.Or(as.PrincipalEmail, "-")}
		p.Assigned = append(p.Assigned, row)
	}
	h.view.appAssignments(w, r, p)
	return nil
}

func (h *appsConsole) assignForm(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	users, nu, err := h.Svc.Store.ListUsers(r.Context(), store.ListOptions{Limit: 200})
	if err != nil {
		return err
	}
	groups, ng, err := h.Svc.Store.ListGroups(r.Context(), store.ListOptions{Limit: 200})
	if err != nil {
		return err
	}
	h.view.appAssign(w, r, assignmentsPage{appPage: h.appData(r, admin, a, "assignments"),
		Users: users, Groups: groups, More: nu > 200 || ng > 200})
	return nil
}

func (h *appsConsole) assign(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	for _, id := range r.PostForm["group"] {
		g, err := h.Svc.Store.GetGroup(r.Context(), id)
		if err != nil {
			return err
		}
		if err := h.Svc.Assign(r.Context(), admin.Username, a, store.PrincipalGroup, g.ID, g.Name); err != nil {
			return err
		}
	}
	for _, id := range r.PostForm["user"] {
		u, err := h.Svc.Store.GetUser(r.Context(), id)
		if err != nil {
			return err
		}
		if err := h.Svc.Assign(r.Context(), admin.Username, a, store.PrincipalUser, u.ID, u.Username); err != nil {
			return err
		}
	}
	return web.Redirect(w, r, "/admin/applications/"+a.ID+"/assignments?done=assigned")
}

func (h *appsConsole) unassign(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	kind, id := r.PostFormValue("kind"), r.PostFormValue("id")
	if kind != store.PrincipalUser && kind != store.PrincipalGroup {
		return store.ErrNotFound
	}
	label := id
	if kind == store.PrincipalUser {
		if u, err := h.Svc.Store.GetUser(r.Context(), id); err == nil {
			label = u.Username
		}
	} else if g, err := h.Svc.Store.GetGroup(r.Context(), id); err == nil {
		label = g.Name
	}
	if err := h.Svc.Unassign(r.Context(), admin.Username, a, kind, id, label); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/applications/"+a.ID+"/assignments?done=unassigned")
}

type certificatesPage struct {
	appPage
	Certificates []Certificate
}

func (h *appsConsole) certificates(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	certs, err := h.Svc.Certificates(r.Context(), a.ID)
	if err != nil {
		return err
	}
	h.view.appCertificates(w, r, http.StatusOK, certificatesPage{appPage: h.appData(r, admin, a, "certificates"), Certificates: certs})
	return nil
}

func (h *appsConsole) certificateAction(w http.ResponseWriter, r *http.Request, admin store.User,
	do func(a store.App) error, done string) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if doErr := do(a); errors.Is(doErr, store.ErrConflict) {
		certs, err := h.Svc.Certificates(r.Context(), a.ID)
		if err != nil {
			return err
		}
		p := certificatesPage{appPage: h.appData(r, admin, a, "certificates"), Certificates: certs}
		p.Error = conflictText(doErr)
		h.view.appCertificates(w, r, http.StatusConflict, p)
		return nil
	} else if doErr != nil {
		return doErr
	}
	return web.Redirect(w, r, "/admin/applications/"+a.ID+"/certificates?done="+done)
}

func conflictText(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "conflict: "); i >= 0 {
		msg = msg[i+len("conflict: "):]
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

func (h *appsConsole) certificateCreate(w http.ResponseWriter, r *http.Request, admin store.User) error {
	return h.certificateAction(w, r, admin, func(a store.App) error {
		return h.Svc.GenerateCertificate(r.Context(), admin.Username, a.ID, saml.KeyKind(r.PostFormValue("key_type")))
	}, "cert-created")
}

func (h *appsConsole) certificateActivate(w http.ResponseWriter, r *http.Request, admin store.User) error {
	return h.certificateAction(w, r, admin, func(a store.App) error {
		return h.Svc.ActivateCertificate(r.Context(), admin.Username, a.ID, r.PathValue("key"))
	}, "cert-activated")
}

func (h *appsConsole) certificateDelete(w http.ResponseWriter, r *http.Request, admin store.User) error {
	return h.certificateAction(w, r, admin, func(a store.App) error {
		return h.Svc.DeleteCertificate(r.Context(), admin.Username, a.ID, r.PathValue("key"))
	}, "cert-deleted")
}

func (h *appsConsole) certificateDownload(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	keys, err := h.Svc.Store.ListSigningKeys(r.Context(), a.ID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.ID == r.PathValue("key") {
			return sendFile(w, "Signet_"+fileSafe(a.Name, a.ID)+"_"+k.ID+".pem", "application/x-pem-file", []byte(k.CertificatePEM))
		}
	}
	return store.ErrNotFound
}

type previewPage struct {
	appPage
	Username    string
	Previewed   bool
	NotAssigned bool
	Resolved    Resolved
	XML         string
}

// preview shows the assertion a user would get (AWS's administrator mode),
// without sending it anywhere.
func (h *appsConsole) preview(w http.ResponseWriter, r *http.Request, admin store.User) error {
	a, err := h.activeApp(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := previewPage{appPage: h.appData(r, admin, a, "preview"), Username: strings.TrimSpace(r.URL.Query().Get("user"))}
	if p.Username != "" {
		u, err := h.Svc.Store.GetUserByUsername(r.Context(), p.Username)
		if errors.Is(err, store.ErrNotFound) {
			p.Error = "There is no user with this username."
			h.view.appPreview(w, r, p)
			return nil
		}
		if err != nil {
			return err
		}
		p.Previewed = true
		ok, err := h.Svc.Store.IsAssigned(r.Context(), a.ID, u.ID)
		if err != nil {
			return err
		}
		p.NotAssigned = !ok
		if p.Resolved, err = h.Svc.Resolve(r.Context(), a, u); err != nil {
			return err
		}
		if p.Resolved.NoAccess == "" {
			xml, err := h.Svc.PreviewXML(r.Context(), a, u, p.Resolved)
			if err != nil {
				return err
			}
			p.XML = xml
		}
	}
	h.view.appPreview(w, r, p)
	return nil
}
