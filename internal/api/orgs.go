// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// orgJSON is an org in the API.
type orgJSON struct {
	ID           string    `json:"id"`
	Slug         string    `json:"slug"`
	Name         string    `json:"name"`
	Plan         string    `json:"plan"`
	ExternalID   *string   `json:"external_id"`
	SSOAvailable bool      `json:"sso_available"`
	CreatedAt    time.Time `json:"created_at"`
}

func orgOut(o store.Org) orgJSON {
	out := orgJSON{ID: o.ID, Slug: o.Slug, Name: o.Name, Plan: o.Plan, SSOAvailable: sp.SSOAvailable(o.Plan), CreatedAt: o.CreatedAt}
	if o.ExternalID != "" {
		out.ExternalID = &o.ExternalID
	}
	return out
}

// page is one page of a list; NextCursor fetches the next (null: none).
type page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// limit reads ?limit= (1–100, default 50).
func limit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, web.BadRequest("limit must be a number from 1 to 100.")
	}
	return n, nil
}

func cursorOf(key string) *string {
	c := base64.RawURLEncoding.EncodeToString([]byte(key))
	return &c
}

func cursorKey(r *http.Request) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(r.URL.Query().Get("cursor"))
	if err != nil {
		return "", web.BadRequest("cursor is not one this API gave out: pass next_cursor as it is.")
	}
	return string(b), nil
}

func (h *Handler) listOrgs(w http.ResponseWriter, r *http.Request) error {
	if ext := r.URL.Query().Get("external_id"); ext != "" {
		out := page[orgJSON]{Data: []orgJSON{}}
		o, err := h.Store.GetOrgByExternalID(r.Context(), ext)
		if err == nil {
			out.Data = append(out.Data, orgOut(o))
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	n, err := limit(r)
	if err != nil {
		return err
	}
	after, err := cursorKey(r)
	if err != nil {
		return err
	}
	orgs, err := h.Store.ListOrgsAfter(r.Context(), after, n+1)
	if err != nil {
		return err
	}
	out := page[orgJSON]{Data: []orgJSON{}}
	for i, o := range orgs {
		if i == n {
			out.NextCursor = cursorOf(orgs[n-1].Slug)
			break
		}
		out.Data = append(out.Data, orgOut(o))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type createOrgJSON struct {
	Name       string `json:"name"`
	Slug       string `json:"slug"`
	Plan       string `json:"plan"`
	ExternalID string `json:"external_id"`
	AdminEmail string `json:"admin_email"`
}

func (h *Handler) createOrg(w http.ResponseWriter, r *http.Request) error {
	var in createOrgJSON
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.SP.Accounts().CreateOrg(r.Context(), callerOf(r).actor(),
		store.Org{Name: in.Name, Slug: in.Slug, Plan: in.Plan, ExternalID: in.ExternalID}, in.AdminEmail, "")
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/orgs/"+o.ID)
	writeJSON(w, http.StatusCreated, orgOut(o))
	return nil
}

func (h *Handler) getOrg(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, orgOut(o))
	return nil
}

type updateOrgJSON struct {
	Name       *string `json:"name"`
	Plan       *string `json:"plan"`
	ExternalID *string `json:"external_id"`
}

func (h *Handler) updateOrg(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	var in updateOrgJSON
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	o, err = h.SP.Accounts().UpdateOrg(r.Context(), callerOf(r).actor(), o, sp.OrgChanges{Name: in.Name, Plan: in.Plan, ExternalID: in.ExternalID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, orgOut(o))
	return nil
}

func (h *Handler) deleteOrg(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	if err := h.SP.Accounts().DeleteOrg(r.Context(), callerOf(r).actor(), o); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
