// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/oidc"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

type memberJSON struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// Deactivated: directory sync deactivated the member (no sign-in).
	Deactivated bool `json:"deactivated"`
}

func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	n, err := limit(r)
	if err != nil {
		return err
	}
	after, err := cursorKey(r)
	if err != nil {
		return err
	}
	// An org's members are listed whole and paged by email here: orgs are
	// a company's people, not a crowd.
	all, _, err := h.Store.ListMembers(r.Context(), o.ID, store.ListOptions{Limit: 100000})
	if err != nil {
		return err
	}
	slices.SortFunc(all, func(a, b store.Member) int { return strings.Compare(a.Email, b.Email) })
	out := page[memberJSON]{Data: []memberJSON{}}
	for _, m := range all {
		if m.Email <= after {
			continue
		}
		if len(out.Data) == n {
			out.NextCursor = cursorOf(out.Data[n-1].Email)
			break
		}
		out.Data = append(out.Data, memberJSON{ID: m.ID, Email: m.Email, Role: m.Role, CreatedAt: m.CreatedAt, Deactivated: m.Deactivated})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type addMemberJSON struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

func (h *Handler) addMember(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	var in addMemberJSON
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.SP.Accounts().AddMember(r.Context(), callerOf(r).actor(), o, in.Email, in.Role, "")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, memberJSON{ID: m.ID, Email: m.Email, Role: m.Role, CreatedAt: m.CreatedAt, Deactivated: m.Deactivated})
	return nil
}

type setupLinkJSON struct {
	ID        string    `json:"id"`
	URL       string    `json:"url,omitempty"` // only when created
	ExpiresAt time.Time `json:"expires_at"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	Revoked   bool      `json:"revoked"`
}

type createSetupLinkJSON struct {
	ExpiresIn int `json:"expires_in"` // seconds; 0: 72 hours
}

func (h *Handler) createSetupLink(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	var in createSetupLinkJSON
	if r.ContentLength != 0 {
		if err := readJSON(w, r, &in); err != nil {
			return err
		}
	}
	link, l, err := h.SP.Accounts().NewSetupLink(r.Context(), callerOf(r).actor(), o, time.Duration(in.ExpiresIn)*time.Second)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, setupLinkJSON{ID: l.ID, URL: link, ExpiresAt: l.ExpiresAt, CreatedAt: l.CreatedAt, CreatedBy: l.CreatedBy})
	return nil
}

func (h *Handler) listSetupLinks(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	links, err := h.Store.ListSetupLinks(r.Context(), o.ID)
	if err != nil {
		return err
	}
	out := page[setupLinkJSON]{Data: []setupLinkJSON{}}
	for _, l := range links {
		out.Data = append(out.Data, setupLinkJSON{ID: l.ID, ExpiresAt: l.ExpiresAt, CreatedAt: l.CreatedAt, CreatedBy: l.CreatedBy, Revoked: !l.RevokedAt.IsZero()})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) revokeSetupLink(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	if err := h.SP.Accounts().RevokeSetupLink(r.Context(), callerOf(r).actor(), o, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type attemptJSON struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	OK      bool      `json:"ok"`
	Code    *string   `json:"code"`
	Email   string    `json:"email"`
	Flow    string    `json:"flow"`
	Message string    `json:"message"`
	Hint    string    `json:"hint"`
	Test    bool      `json:"test"`
	// Connection is the ID of the SSO connection the attempt went
	// through ("" when none could be told).
	Connection string `json:"connection_id"`
}

// maxAttempts is how far back the API lists attempts.
const maxAttempts = 1000

// listAttempts lists the org's newest sign-in attempts that a trusted IdP
// signed (unverified noise stays on the settings page), newest first.
func (h *Handler) listAttempts(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	n, err := limit(r)
	if err != nil {
		return err
	}
	before, err := cursorKey(r)
	if err != nil {
		return err
	}
	conn := ""
	if ref := r.URL.Query().Get("connection"); ref != "" {
		c, err := sp.FindConnection(r.Context(), h.Store, o, ref)
		if err != nil {
			return err
		}
		conn = c.ID
	}
	list, err := h.Store.RecentSignInAttempts(r.Context(), o.ID, false, maxAttempts)
	if err != nil {
		return err
	}
	list = slices.DeleteFunc(list, func(a store.SignInAttempt) bool { return conn != "" && a.ConnectionID != conn })
	out := page[attemptJSON]{Data: []attemptJSON{}}
	for _, a := range list { // newest first; IDs are time-ordered
		if before != "" && a.ID >= before {
			continue
		}
		if len(out.Data) == n {
			out.NextCursor = cursorOf(out.Data[n-1].ID)
			break
		}
		row := attemptJSON{ID: a.ID, At: a.At, OK: a.OK, Email: a.Email, Flow: a.Flow, Message: a.Message, Hint: a.Hint, Test: a.Test,
			Connection: a.ConnectionID}
		if a.Code != "" {
			row.Code = &a.Code
		}
		out.Data = append(out.Data, row)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type clientJSON struct {
	ClientID     string    `json:"client_id"`
	Name         string    `json:"name"`
	RedirectURIs []string  `json:"redirect_uris"`
	Public       bool      `json:"public"`
	CreatedAt    time.Time `json:"created_at"`
	ClientSecret string    `json:"client_secret,omitempty"` // only when created
}

func (h *Handler) listClients(w http.ResponseWriter, r *http.Request) error {
	clients, err := h.Store.ListOAuthClients(r.Context())
	if err != nil {
		return err
	}
	out := page[clientJSON]{Data: []clientJSON{}}
	for _, c := range clients {
		out.Data = append(out.Data, clientJSON{ClientID: c.ID, Name: c.Name, RedirectURIs: c.RedirectURIs, Public: c.Public, CreatedAt: c.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type createClientJSON struct {
	Name         string   `json:"name"`
	RedirectURIs []string `json:"redirect_uris"`
	Public       bool     `json:"public"`
}

func (h *Handler) createClient(w http.ResponseWriter, r *http.Request) error {
	var in createClientJSON
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	reg, err := oidc.RegisterClient(r.Context(), h.Store, oidc.NewClient{Name: in.Name, RedirectURIs: in.RedirectURIs, Public: in.Public}, h.now())
	if err != nil {
		return err
	}
	audit(r.Context(), h.Store, h.now(), callerOf(r).actor(), "client.create", reg.ClientID, "host app "+in.Name+" registered")
	c, err := h.Store.GetOAuthClient(r.Context(), reg.ClientID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, clientJSON{ClientID: c.ID, Name: c.Name, RedirectURIs: c.RedirectURIs, Public: c.Public,
		CreatedAt: c.CreatedAt, ClientSecret: reg.ClientSecret})
	return nil
}
