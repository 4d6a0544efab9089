// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"errors"
	"net/http"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// emailConsole is the console's Email page (what was sent, what is
// waiting and why, "Send again") and the user page's email buttons.
type emailConsole struct{ *base }

func (h *emailConsole) mount(mux *http.ServeMux) {
	mux.Handle("GET /admin/email", h.admin(h.outbox))
	mux.Handle("POST /admin/email/{id}/resend", h.admin(h.resend))
	mux.Handle("POST /admin/users/{id}/invite", h.admin(h.userLink(true)))
	mux.Handle("POST /admin/users/{id}/reset", h.admin(h.userLink(false)))
}

// emailPage lists the outbox.
type emailPage struct {
	page
	Mail        []store.Mail
	Configured  bool // a mail server (or the demo's outbox) is set up
	ShowsBodies bool // the demo: the outbox is where the mail goes
}

func (h *emailConsole) outbox(w http.ResponseWriter, r *http.Request, admin store.User) error {
	p := emailPage{page: adminPage("Email", "email", admin, r)}
	if h.Svc.Mail != nil {
		p.Configured, p.ShowsBodies = h.Svc.Mail.Sender != nil, h.Svc.Mail.ShowsBodies()
	}
	var err error
	if p.Mail, err = h.Svc.Store.ListMail(r.Context(), 100); err != nil {
		return err
	}
	h.view.email(w, r, p)
	return nil
}

func (h *emailConsole) resend(w http.ResponseWriter, r *http.Request, admin store.User) error {
	if h.Svc.Mail == nil {
		return web.BadRequest(ErrNoMail.Error())
	}
	if err := h.Svc.Mail.Resend(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	h.Svc.Audit(r.Context(), admin.Username, "mail.resend", r.PathValue("id"), "queued a failed email again")
	return web.Redirect(w, r, "/admin/email?done=mail-resent")
}

// userLink emails a user an invitation (invite) or a password reset.
func (h *emailConsole) userLink(invite bool) adminFunc {
	return func(w http.ResponseWriter, r *http.Request, admin store.User) error {
		u, err := h.Svc.Store.GetUser(r.Context(), r.PathValue("id"))
		if err != nil {
			return err
		}
		done := "reset-sent"
		if invite {
			done, err = "invite-sent", h.Svc.SendInvitation(r.Context(), admin.Username, u)
		} else {
			err = h.Svc.SendPasswordReset(r.Context(), admin.Username, u)
		}
		switch {
		case errors.Is(err, ErrNoEmail):
			return web.BadRequest(u.Username + " has no email address: add one first.")
		case errors.Is(err, ErrNoMail):
			return web.BadRequest(ErrNoMail.Error() + ".")
		case err != nil:
			return err
		}
		return web.Redirect(w, r, "/admin/users/"+u.ID+"?done="+done)
	}
}
