// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// connectionJSON is one of an org's SSO connections: what to give the IdP
// (Entity ID, ACS URL, metadata URL: the same for all the org's
// connections) and what the IdP gave (its summary).
type connectionJSON struct {
	Org         string       `json:"org"`
	Configured  bool         `json:"configured"`
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Primary     bool         `json:"primary"`
	EntityID    string       `json:"entity_id"`
	ACSURL      string       `json:"acs_url"`
	MetadataURL string       `json:"metadata_url"`
	LoginURL    string       `json:"login_url"`
	IdP         *idpJSON     `json:"idp"`
	Options     *sp.Options  `json:"options"`
	HostApp     *hostAppJSON `json:"host_app"`
	Warnings    []string     `json:"warnings"`
}

// hostAppJSON is where the org's IdP-initiated sign-ins go.
type hostAppJSON struct {
	ClientID    string `json:"client_id"`
	RedirectURI string `json:"redirect_uri"`
}

type idpJSON struct {
	EntityID     string     `json:"entity_id"`
	Provider     string     `json:"provider"`
	SignInURL    string     `json:"sign_in_url"`
	Verified     bool       `json:"verified"`
	MetadataURL  string     `json:"metadata_url,omitempty"`
	Certificates []certJSON `json:"certificates"`
}

type certJSON struct {
	Subject  string    `json:"subject"`
	SHA256   string    `json:"sha256"`
	NotAfter time.Time `json:"not_after"`
	Status   string    `json:"status"`
}

// connectionRef is the connection the URL names: {connection} (its ID,
// name or IdP entity ID), or the primary one on /connection.
func (h *Handler) connectionRef(r *http.Request, o store.Org) (string, error) {
	ref := r.PathValue("connection")
	if ref == "" {
		return "", nil
	}
	c, err := sp.FindConnection(r.Context(), h.Store, o, ref)
	return c.ID, err
}

func (h *Handler) connectionOut(r *http.Request, o store.Org, id string, warnings []string) (connectionJSON, error) {
	out := h.emptyConnection(o, warnings)
	c, err := h.SP.LoadConnection(r.Context(), o, id)
	if errors.Is(err, store.ErrNotFound) && r.PathValue("connection") == "" {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	return h.connectionJSON(o, c, warnings), nil
}

func (h *Handler) emptyConnection(o store.Org, warnings []string) connectionJSON {
	return connectionJSON{Org: o.ID, EntityID: h.SP.EntityID(o), ACSURL: h.SP.ACSURL(o), MetadataURL: h.SP.EntityID(o),
		LoginURL: h.SP.LoginURL(o), Warnings: append([]string{}, warnings...)}
}

func (h *Handler) connectionJSON(o store.Org, c *sp.Connection, warnings []string) connectionJSON {
	out := h.emptyConnection(o, warnings)
	out.Configured, out.ID, out.Name, out.Primary = true, c.ID, c.Name, c.Primary
	out.IdP = &idpJSON{EntityID: c.IdPEntityID, Provider: string(c.Provider), SignInURL: c.SignInURL,
		Verified: !c.VerifiedAt.IsZero(), MetadataURL: c.MetadataURL, Certificates: []certJSON{}}
	for _, ci := range c.Certificates {
		out.IdP.Certificates = append(out.IdP.Certificates, certJSON{Subject: ci.Subject, SHA256: ci.Fingerprint, NotAfter: ci.NotAfter, Status: ci.Status})
	}
	opt := sp.OptionsOf(c.SSOConnection)
	out.Options = &opt
	if c.HostAppClientID != "" {
		out.HostApp = &hostAppJSON{ClientID: c.HostAppClientID, RedirectURI: c.HostAppRedirectURI}
	}
	return out
}

// listConnections lists the org's connections, primary first.
func (h *Handler) listConnections(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	conns, err := h.SP.LoadConnections(r.Context(), o)
	if err != nil {
		return err
	}
	out := struct {
		Connections []connectionJSON `json:"connections"`
	}{Connections: []connectionJSON{}}
	for _, c := range conns {
		out.Connections = append(out.Connections, h.connectionJSON(o, c, nil))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// orgAndConnection resolves the URL's org and connection.
func (h *Handler) orgAndConnection(r *http.Request) (store.Org, string, error) {
	o, err := h.org(r)
	if err != nil {
		return o, "", err
	}
	id, err := h.connectionRef(r, o)
	return o, id, err
}

func (h *Handler) getConnection(w http.ResponseWriter, r *http.Request) error {
	o, id, err := h.orgAndConnection(r)
	if err != nil {
		return err
	}
	out, err := h.connectionOut(r, o, id, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type putConnectionJSON struct {
	MetadataXML       string `json:"metadata_xml"`
	MetadataURL       string `json:"metadata_url"`
	Provider          string `json:"provider"`
	AllowLegacyCrypto bool   `json:"allow_legacy_crypto"`
	Name              string `json:"name"`
}

// putConnection sets a connection's IdP (the primary one's on
// /connection, made if the org has none) from metadata XML or a metadata
// URL, by the same rules as the Single Sign-On Settings page.
func (h *Handler) putConnection(w http.ResponseWriter, r *http.Request) error {
	o, id, err := h.orgAndConnection(r)
	if err != nil {
		return err
	}
	return h.saveConnection(w, r, o, sp.SaveOptions{Connection: id}, http.StatusOK)
}

// addConnection adds another connection to the org.
func (h *Handler) addConnection(w http.ResponseWriter, r *http.Request) error {
	o, err := h.org(r)
	if err != nil {
		return err
	}
	return h.saveConnection(w, r, o, sp.SaveOptions{Add: true}, http.StatusCreated)
}

func (h *Handler) saveConnection(w http.ResponseWriter, r *http.Request, o store.Org, opt sp.SaveOptions, status int) error {
	var in putConnectionJSON
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	md := []byte(in.MetadataXML)
	var err error
	switch {
	case (in.MetadataXML == "") == (in.MetadataURL == ""):
		return web.BadRequest("Give the IdP's metadata as metadata_xml or metadata_url (one of them).")
	case in.MetadataURL != "":
		if md, err = h.SP.FetchMetadata(r.Context(), in.MetadataURL); err != nil {
			return web.BadRequest("The metadata URL could not be read: " + err.Error() + ".")
		}
	}
	opt.AllowLegacyCrypto, opt.MetadataURL, opt.Name = in.AllowLegacyCrypto, in.MetadataURL, in.Name
	c, warnings, err := h.SP.SaveMetadata(r.Context(), actor(r), o, in.Provider, md, opt)
	if err != nil {
		return err
	}
	writeJSON(w, status, h.connectionJSON(o, c, warnings))
	return nil
}

type patchConnectionJSON struct {
	AllowIdPInitiated *bool        `json:"allow_idp_initiated"`
	JITRole           *string      `json:"jit_role"`
	RequireSSO        *bool        `json:"require_sso"`
	AllowLegacyCrypto *bool        `json:"allow_legacy_crypto"`
	DomainsOnly       *bool        `json:"domains_only"`
	JITDomainsOnly    *bool        `json:"jit_domains_only"`
	HostApp           *hostAppJSON `json:"host_app"`
	Name              *string      `json:"name"`
	Primary           *bool        `json:"primary"`
}

// patchConnection changes the connection's options and where its
// IdP-initiated sign-ins go (host_app; an empty client_id: the Workspace).
func (h *Handler) patchConnection(w http.ResponseWriter, r *http.Request) error {
	o, id, err := h.orgAndConnection(r)
	if err != nil {
		return err
	}
	var in patchConnectionJSON
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.SP.LoadConnection(r.Context(), o, id)
	if err != nil {
		return err
	}
	if in.Primary != nil && !*in.Primary && c.Primary {
		return web.BadRequest("An org always has a primary connection: make another one primary instead.")
	}
	if in.Name != nil {
		if err := h.SP.RenameConnection(r.Context(), actor(r), o, c.ID, *in.Name); err != nil {
			return err
		}
	}
	if in.Primary != nil && *in.Primary && !c.Primary {
		if err := h.SP.MakePrimary(r.Context(), actor(r), o, c.ID); err != nil {
			return err
		}
	}
	// Read again: a new primary holds the org's Require SSO now.
	if c, err = h.SP.LoadConnection(r.Context(), o, c.ID); err != nil {
		return err
	}
	opt := sp.OptionsOf(c.SSOConnection)
	setIf(&opt.AllowIdPInitiated, in.AllowIdPInitiated)
	setIf(&opt.JITRole, in.JITRole)
	setIf(&opt.RequireSSO, in.RequireSSO)
	setIf(&opt.AllowLegacyCrypto, in.AllowLegacyCrypto)
	setIf(&opt.DomainsOnly, in.DomainsOnly)
	setIf(&opt.JITDomainsOnly, in.JITDomainsOnly)
	if err := h.SP.SaveOptions(r.Context(), actor(r), o, c.ID, opt); err != nil {
		return err
	}
	if in.HostApp != nil {
		if err := h.SP.SetHostApp(r.Context(), actor(r), o, c.ID, in.HostApp.ClientID, in.HostApp.RedirectURI); err != nil {
			return err
		}
	}
	out, err := h.connectionOut(r, o, c.ID, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (h *Handler) deleteConnection(w http.ResponseWriter, r *http.Request) error {
	o, id, err := h.orgAndConnection(r)
	if err != nil {
		return err
	}
	if err := h.SP.DeleteConnection(r.Context(), actor(r), o, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
