// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

func (h *ssoPages) mountRoleMapping(mux *http.ServeMux) {
	mux.Handle("POST /orgs/{org}/settings/sso/roles", h.ssoAdmin(h.roleDefaults))
	mux.Handle("POST /orgs/{org}/settings/sso/roles/rules", h.ssoAdmin(h.roleRuleAdd))
	mux.Handle("POST /orgs/{org}/settings/sso/roles/rules/{i}/delete", h.ssoAdmin(h.roleRuleEdit))
	mux.Handle("POST /orgs/{org}/settings/sso/roles/rules/{i}/raise", h.ssoAdmin(h.roleRuleEdit))
}

func (h *ssoPages) roleDefaults(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	_, err := h.Svc.RoleMappings().SetDefaults(r.Context(), m.Email, o, r.PostFormValue("attribute"), r.PostFormValue("default_role"))
	return h.roleMappingDone(w, r, o, m, err)
}

func (h *ssoPages) roleRuleAdd(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	rule := store.RoleRule{Value: r.PostFormValue("value"), Label: r.PostFormValue("label"), Role: r.PostFormValue("role")}
	_, err := h.Svc.RoleMappings().AddRule(r.Context(), m.Email, o, rule)
	return h.roleMappingDone(w, r, o, m, err)
}

// roleRuleEdit removes or raises the rule at the path's position.
func (h *ssoPages) roleRuleEdit(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	i, err := strconv.Atoi(r.PathValue("i"))
	if err != nil {
		return store.ErrNotFound
	}
	edit := h.Svc.RoleMappings().RemoveRule
	if strings.HasSuffix(r.URL.Path, "/raise") {
		edit = h.Svc.RoleMappings().RaiseRule
	}
	_, err = edit(r.Context(), m.Email, o, i)
	return h.roleMappingDone(w, r, o, m, err)
}

// roleMappingDone goes back to the settings page, with why a change was
// refused when it was.
func (h *ssoPages) roleMappingDone(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, err error) error {
	if err == nil {
		return web.Redirect(w, r, "/orgs/"+o.Slug+"/settings/sso?done=roles#roles")
	}
	return h.settingsRefused(w, r, o, m, "The role mapping was not saved: ", err)
}
