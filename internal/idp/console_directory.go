// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"errors"
	"net/http"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// directoryConsole is the console's sign-in, users, groups and audit log.
type directoryConsole struct{ *base }

func (h *directoryConsole) mount(mux *http.ServeMux) {
	mux.Handle("GET /admin/login", h.handle(h.adminLoginForm))
	mux.Handle("POST /admin/login", h.handle(h.adminLogin))
	mux.Handle("POST /admin/logout", h.handle(h.adminLogout))
	mux.Handle("GET /admin", h.admin(func(w http.ResponseWriter, r *http.Request, _ store.User) error {
		return web.Redirect(w, r, "/admin/applications")
	}))
	mux.Handle("GET /admin/users", h.admin(h.users))
	mux.Handle("GET /admin/users/new", h.admin(h.userNewForm))
	mux.Handle("POST /admin/users/new", h.admin(h.userCreate))
	mux.Handle("GET /admin/users/{id}", h.admin(h.userEditForm))
	mux.Handle("POST /admin/users/{id}", h.admin(h.userUpdate))
	mux.Handle("POST /admin/users/{id}/delete", h.admin(h.userDelete))
	mux.Handle("GET /admin/groups", h.admin(h.groups))
	mux.Handle("POST /admin/groups", h.admin(h.groupCreate))
	mux.Handle("GET /admin/groups/{id}", h.admin(h.group))
	mux.Handle("POST /admin/groups/{id}/members", h.admin(h.groupAddMember))
	mux.Handle("POST /admin/groups/{id}/members/{user}/remove", h.admin(h.groupRemoveMember))
	mux.Handle("POST /admin/groups/{id}/delete", h.admin(h.groupDelete))
	mux.Handle("GET /admin/audit", h.admin(h.audit))
}

func adminPage(title, nav string, admin store.User, r *http.Request) page {
	return page{Title: title, Section: "admin", Nav: nav, User: &admin, Flash: flash(r)}
}

type usersPage struct {
	page
	Query string
	Users []store.User
	Pager web.Pager
}

func (h *directoryConsole) users(w http.ResponseWriter, r *http.Request, admin store.User) error {
	opt, n := web.ListOptions(r)
	users, total, err := h.Svc.Store.ListUsers(r.Context(), opt)
	if err != nil {
		return err
	}
	h.view.users(w, r, usersPage{page: adminPage("Users", "users", admin, r),
		Query: opt.Query, Users: users, Pager: web.NewPager(opt.Query, n, total)})
	return nil
}

type userFormPage struct {
	page
	Editing bool
	UserID  string
	Form    UserInput
	Errors  FieldErrors
	Groups  []store.Group
	Apps    []store.App
	Devices []store.MFADevice
}

func userInputFrom(r *http.Request) UserInput {
	return UserInput{Username: r.PostFormValue("username"), Email: r.PostFormValue("email"),
		GivenName: r.PostFormValue("given_name"), FamilyName: r.PostFormValue("family_name"),
		DisplayName: r.PostFormValue("display_name"), Password: r.PostFormValue("password"),
		Active: r.PostFormValue("active") == "1", Admin: r.PostFormValue("admin") == "1"}
}

func (h *directoryConsole) userNewForm(w http.ResponseWriter, r *http.Request, admin store.User) error {
	h.view.userForm(w, r, http.StatusOK, userFormPage{page: adminPage("Add user", "users", admin, r), Form: UserInput{Active: true}})
	return nil
}

func (h *directoryConsole) userCreate(w http.ResponseWriter, r *http.Request, admin store.User) error {
	in := userInputFrom(r)
	u, err := h.Svc.Directory().CreateUser(r.Context(), admin.Username, in)
	var fe FieldErrors
	if errors.As(err, &fe) {
		in.Password = ""
		h.view.userForm(w, r, http.StatusUnprocessableEntity, userFormPage{page: adminPage("Add user", "users", admin, r), Form: in, Errors: fe})
		return nil
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/users/"+u.ID+"?done=user-created")
}

func (h *directoryConsole) userEditPage(r *http.Request, admin store.User, u store.User, in UserInput, fe FieldErrors) (userFormPage, error) {
	groups, err := h.Svc.Store.ListUserGroups(r.Context(), u.ID)
	if err != nil {
		return userFormPage{}, err
	}
	apps, err := h.Svc.Store.AppsForUser(r.Context(), u.ID)
	if err != nil {
		return userFormPage{}, err
	}
	devices, err := h.Svc.Store.ListMFADevices(r.Context(), u.ID)
	if err != nil {
		return userFormPage{}, err
	}
	return userFormPage{page: adminPage(u.Username, "users", admin, r), Editing: true, UserID: u.ID, Form: in,
		Errors: fe, Groups: groups, Apps: apps, Devices: devices}, nil
}

func (h *directoryConsole) userEditForm(w http.ResponseWriter, r *http.Request, admin store.User) error {
	u, err := h.Svc.Store.GetUser(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	in := UserInput{Username: u.Username, Email: u.Email, GivenName: u.GivenName, FamilyName: u.FamilyName,
		DisplayName: u.DisplayName, Active: u.Active, Admin: u.Admin}
	p, err := h.userEditPage(r, admin, u, in, nil)
	if err != nil {
		return err
	}
	h.view.userForm(w, r, http.StatusOK, p)
	return nil
}

func (h *directoryConsole) userUpdate(w http.ResponseWriter, r *http.Request, admin store.User) error {
	u, err := h.Svc.Store.GetUser(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	in := userInputFrom(r)
	fe := FieldErrors{}
	if u.ID == admin.ID && (!in.Admin || !in.Active) {
		fe["admin"] = "You cannot remove your own admin access or deactivate yourself."
	}
	if len(fe) == 0 {
		_, err = h.Svc.Directory().UpdateUser(r.Context(), admin.Username, u.ID, in)
		if !errors.As(err, &fe) && err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		in.Password = ""
		p, err := h.userEditPage(r, admin, u, in, fe)
		if err != nil {
			return err
		}
		p.Error = "The user was not saved: " + fe.Error()
		h.view.userForm(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	return web.Redirect(w, r, "/admin/users/"+u.ID+"?done=user-saved")
}

func (h *directoryConsole) userDelete(w http.ResponseWriter, r *http.Request, admin store.User) error {
	u, err := h.Svc.Store.GetUser(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if u.ID == admin.ID {
		return web.Redirect(w, r, "/admin/users/"+u.ID)
	}
	if err := h.Svc.Directory().DeleteUser(r.Context(), admin.Username, u); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/users?done=user-deleted")
}

type groupsPage struct {
	page
	Query  string
	Groups []store.Group
	Pager  web.Pager
	Form   struct{ Name, Description string }
	Errors FieldErrors
}

func (h *directoryConsole) groupsData(r *http.Request, admin store.User) (groupsPage, error) {
	opt, n := web.ListOptions(r)
	groups, total, err := h.Svc.Store.ListGroups(r.Context(), opt)
	return groupsPage{page: adminPage("Groups", "groups", admin, r), Query: opt.Query, Groups: groups,
		Pager: web.NewPager(opt.Query, n, total)}, err
}

func (h *directoryConsole) groups(w http.ResponseWriter, r *http.Request, admin store.User) error {
	p, err := h.groupsData(r, admin)
	if err != nil {
		return err
	}
	h.view.groups(w, r, http.StatusOK, p)
	return nil
}

func (h *directoryConsole) groupCreate(w http.ResponseWriter, r *http.Request, admin store.User) error {
	name, desc := r.PostFormValue("name"), r.PostFormValue("description")
	g, err := h.Svc.Directory().CreateGroup(r.Context(), admin.Username, name, desc)
	var fe FieldErrors
	if errors.As(err, &fe) {
		p, err := h.groupsData(r, admin)
		if err != nil {
			return err
		}
		p.Form.Name, p.Form.Description, p.Errors = name, desc, fe
		h.view.groups(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/groups/"+g.ID+"?done=group-created")
}

type groupPage struct {
	page
	Group   store.Group
	Members []store.User
	Errors  FieldErrors
}

func (h *directoryConsole) groupData(r *http.Request, admin store.User) (groupPage, error) {
	g, err := h.Svc.Store.GetGroup(r.Context(), r.PathValue("id"))
	if err != nil {
		return groupPage{}, err
	}
	members, err := h.Svc.Store.ListGroupMembers(r.Context(), g.ID)
	return groupPage{page: adminPage(g.Name, "groups", admin, r), Group: g, Members: members}, err
}

func (h *directoryConsole) group(w http.ResponseWriter, r *http.Request, admin store.User) error {
	p, err := h.groupData(r, admin)
	if err != nil {
		return err
	}
	h.view.group(w, r, http.StatusOK, p)
	return nil
}

func (h *directoryConsole) groupAddMember(w http.ResponseWriter, r *http.Request, admin store.User) error {
	p, err := h.groupData(r, admin)
	if err != nil {
		return err
	}
	u, err := h.Svc.Store.GetUserByUsername(r.Context(), r.PostFormValue("username"))
	if errors.Is(err, store.ErrNotFound) {
		p.Errors = FieldErrors{"username": "There is no user with this username."}
		h.view.group(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	if err != nil {
		return err
	}
	if err := h.Svc.Directory().AddMember(r.Context(), admin.Username, p.Group, u); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/groups/"+p.Group.ID+"?done=member-added")
}

func (h *directoryConsole) groupRemoveMember(w http.ResponseWriter, r *http.Request, admin store.User) error {
	g, err := h.Svc.Store.GetGroup(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	u, err := h.Svc.Store.GetUser(r.Context(), r.PathValue("user"))
	if err != nil {
		return err
	}
	if err := h.Svc.Directory().RemoveMember(r.Context(), admin.Username, g, u); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/groups/"+g.ID+"?done=member-removed")
}

func (h *directoryConsole) groupDelete(w http.ResponseWriter, r *http.Request, admin store.User) error {
	g, err := h.Svc.Store.GetGroup(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.Svc.Directory().DeleteGroup(r.Context(), admin.Username, g); err != nil {
		return err
	}
	return web.Redirect(w, r, "/admin/groups?done=group-deleted")
}

type auditPage struct {
	page
	Query  string
	Events []store.AuditEvent
	Pager  web.Pager
}

func (h *directoryConsole) audit(w http.ResponseWriter, r *http.Request, admin store.User) error {
	opt, n := web.ListOptions(r)
	events, total, err := h.Svc.Store.ListAudit(r.Context(), store.RealmAdmin, "", opt)
	if err != nil {
		return err
	}
	h.view.audit(w, r, auditPage{page: adminPage("Audit log", "audit", admin, r),
		Query: opt.Query, Events: events, Pager: web.NewPager(opt.Query, n, total)})
	return nil
}
