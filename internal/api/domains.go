// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"time"

	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

// domainJSON is an org's claimed domain and the record that verifies it.
type domainJSON struct {
	Domain     string     `json:"domain"`
	Verified   bool       `json:"verified"`
	VerifiedAt *time.Time `json:"verified_at"`
	CheckedAt  *time.Time `json:"checked_at"`
	CheckError string     `json:"check_error"`
	CreatedAt  time.Time  `json:"created_at"`
	DNSRecord  dnsRecord  `json:"dns_record"`
}

type dnsRecord struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

func domainOut(d store.Domain) domainJSON {
	rec := sp.RecordFor(d)
	return domainJSON{Domain: d.Domain, Verified: d.Verified(), VerifiedAt: timeOrNil(d.VerifiedAt), CheckedAt: timeOrNil(d.CheckedAt),
		CheckError: d.CheckError, CreatedAt: d.CreatedAt, DNSRecord: dnsRecord{Type: "TXT", Name: rec.Name, Value: rec.Value}}
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (h *Handler) listDomains(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	claims, err := h.Store.ListDomains(r.Context(), o.ID)
	if err != nil {
		return err
	}
	out := make([]domainJSON, len(claims))
	for i, d := range claims {
		out[i] = domainOut(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "next_cursor": nil})
	return nil
}

func (h *Handler) addDomain(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	var in struct {
		Domain string `json:"domain"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.SP.Domains().Add(r.Context(), o, actor(r).Email, in.Domain)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, domainOut(d))
	return nil
}

func (h *Handler) verifyDomain(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	d, err := h.SP.Domains().Verify(r.Context(), o, actor(r).Email, r.PathValue("domain"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, domainOut(d))
	return nil
}

func (h *Handler) removeDomain(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	if err := h.SP.Domains().Remove(r.Context(), o, actor(r).Email, r.PathValue("domain")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// roleMappingJSON is the org's roles-from-IdP-groups mapping.
type roleMappingJSON struct {
	Attribute   string           `json:"attribute"`
	DefaultRole string           `json:"default_role"`
	Rules       []store.RoleRule `json:"rules"`
}

func roleMappingOut(m store.RoleMapping) roleMappingJSON {
	out := roleMappingJSON{Attribute: m.Attribute, DefaultRole: m.DefaultRole, Rules: m.Rules}
	if out.Rules == nil {
		out.Rules = []store.RoleRule{}
	}
	return out
}

func (h *Handler) getRoleMapping(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	m, err := h.SP.RoleMappings().Get(r.Context(), o)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, roleMappingOut(m))
	return nil
}

func (h *Handler) putRoleMapping(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	var in roleMappingJSON
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.SP.RoleMappings().Save(r.Context(), actor(r).Email, o, in.Attribute, in.DefaultRole, in.Rules)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, roleMappingOut(m))
	return nil
}
