// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import "net/http"

// scimTokenJSON is a new SCIM token with where the IdP sends its requests.
type scimTokenJSON struct {
	SCIMURL string `json:"scim_url"`
	Token   string `json:"token"`
}

// newSCIMToken makes the org's SCIM token (the old one stops working) and
// returns it once, for the customer's IdP.
func (h *Handler) newSCIMToken(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	token, err := h.SP.DirectorySync().NewToken(r.Context(), actor(r).Email, o)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, scimTokenJSON{SCIMURL: h.SP.BaseURL + "/scim/v2/" + o.Slug, Token: token})
	return nil
}
