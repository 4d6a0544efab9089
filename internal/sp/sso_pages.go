// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// ssoPages is the Single Sign-On Settings page and its forms; Test
// sign-in starts through the SAML endpoints.
type ssoPages struct {
	*base
	saml *samlEndpoints
}

func (h *ssoPages) mount(mux *http.ServeMux) {
	mux.Handle("GET /orgs/{org}/settings/sso", h.ssoAdmin(h.ssoSettings))
	mux.Handle("POST /orgs/{org}/settings/sso", h.ssoAdmin(h.ssoSave))
	mux.Handle("POST /orgs/{org}/settings/sso/options", h.ssoAdmin(h.ssoOptions))
	mux.Handle("POST /orgs/{org}/settings/sso/delete", h.ssoAdmin(h.ssoDelete))
	mux.Handle("POST /orgs/{org}/settings/sso/jit", h.ssoAdmin(h.ssoJIT))
	mux.Handle("GET /orgs/{org}/settings/sso/test", h.ssoAdmin(h.saml.testSignIn))
	h.mountDomains(mux)
	h.mountConnections(mux)
	h.mountDirectorySync(mux)
	h.mountRoleMapping(mux)
}

type attemptRow struct {
	store.SignInAttempt
	Summary *saml.Summary
	// Fix offers the admin a one-click fix for user_not_member: "offer"
	// (invite, or turn on JIT), or says it is done ("invited", "member").
	Fix string
	// Connection names the connection it went through, when the org has
	// several.
	Connection string
}

// providerGuide is one provider's setup guide, filled with the org's values.
type providerGuide struct {
	Provider, Name string
	Steps          []string
}

type ssoPage struct {
	page
	SSOAvailable           bool
	EntityID, ACSURL       string
	Providers              []ProviderChoice
	Provider, Source       string
	PastedXML, MetadataURL string
	// OfferLegacy shows the "accept legacy crypto" box on the upload form,
	// after metadata was refused for a 1024-bit key or SHA-1.
	OfferLegacy bool
	// OfferHTTP shows the "fetch over plain http" acknowledgement.
	OfferHTTP bool
	Conn      *Connection
	// Connections are all the org's connections (Conn is one of them);
	// Adding is set while the admin adds another one.
	Connections []*Connection
	Adding      bool
	CanAdd      bool
	JITChoices  []string
	Roles       []string
	// Guides holds every provider's guide; the page shows Provider's and
	// switches as the dropdown changes.
	Guides   []providerGuide
	Attempts []attemptRow
	Latest   *attemptRow      // the newest attempt since the connection was saved
	SignedBy string           // fingerprint of the certificate of the latest successful sign-in
	SPCert   *CertificateInfo // the org's SP certificate, if it has a key
	// SetupLink is set for an IT admin who came through a setup link:
	// no links to the org's other pages, no invitations.
	SetupLink bool
	Domains   []domainRow
	// RoleMapping is the org's roles-from-groups mapping.
	RoleMapping store.RoleMapping
	// DirectorySync is the SCIM card.
	DirectorySync directorySync
}

func (h *ssoPages) ssoData(r *http.Request, o store.Org, m store.Member) (ssoPage, error) {
	p := ssoPage{page: orgPage("Single Sign-On Settings", "settings", o, m), SSOAvailable: SSOAvailable(o.Plan),
		EntityID: h.Svc.EntityID(o), ACSURL: h.Svc.ACSURL(o), Providers: Providers(), Provider: "other", Source: "file",
		JITChoices: jitRoles[1:], Roles: Roles()}
	if m.ID == "" { // a setup link's holder: this page, and nothing else of the org
		p.SetupLink, p.Member = true, nil
	}
	if SSOAvailable(o.Plan) {
		kp, ok, err := h.Svc.OrgKey(r.Context(), o)
		if err != nil {
			h.Log.ErrorContext(r.Context(), "the org's SP key cannot be used", "org", o.Slug, "err", err)
			p.Warnings = append(p.Warnings, "This organization's SP key cannot be read (was the server's secret key changed?). Sign-ins work, except with IdPs that encrypt assertions; ask your Signet operator.")
		}
		if ok && err == nil {
			info := certificateInfo(kp.Certificate, h.Svc.now())
			p.SPCert = &info
		}
	}
	conn, adding, err := h.selectConnection(r, o)
	if err != nil {
		return p, err
	}
	p.Adding = adding
	if conn != nil {
		p.Conn, p.Provider = conn, conn.Provider.String()
		if conn.SSOConnection.Provider != "" {
			p.Provider = conn.SSOConnection.Provider
		}
	}
	if p.Connections, err = h.Svc.LoadConnections(r.Context(), o); err != nil {
		return p, err
	}
	p.CanAdd = len(p.Connections) > 0 && len(p.Connections) < MaxConnections
	if v := r.URL.Query().Get("provider"); v != "" {
		p.Provider = v
	}
	for _, pr := range providers {
		p.Guides = append(p.Guides, providerGuide{Provider: pr.Value, Name: pr.Label, Steps: guide(pr.Value, o, p.EntityID, p.ACSURL)})
	}
	if p.Domains, err = h.domainRows(r, o); err != nil {
		return p, err
	}
	if p.RoleMapping, err = h.Svc.RoleMappings().Get(r.Context(), o); err != nil {
		return p, err
	}
	if p.SSOAvailable {
		if p.DirectorySync, err = h.directorySync(r, o); err != nil {
			return p, err
		}
	}
	attempts, err := h.recentAttempts(r, o)
	if err != nil {
		return p, err
	}
	fixes, err := h.notMemberFixes(r, o, attempts)
	if err != nil {
		return p, err
	}
	names := map[string]string{}
	for _, c := range p.Connections {
		if len(p.Connections) > 1 {
			names[c.ID] = c.Name
		}
	}
	for _, a := range attempts {
		if p.Conn != nil && a.ConnectionID != "" && a.ConnectionID != p.Conn.ID {
			continue // another connection's: shown on its own page
		}
		row := attemptRow{SignInAttempt: a, Fix: fixes[a.ID], Connection: names[a.ConnectionID]}
		if a.Assertion != "" {
			var s saml.Summary
			if json.Unmarshal([]byte(a.Assertion), &s) == nil {
				row.Summary = &s
			}
		}
		p.Attempts = append(p.Attempts, row)
	}
	if p.Conn != nil {
		p.Latest, p.SignedBy = latestAttempts(p.Attempts, p.Conn.UpdatedAt)
	}
	return p, nil
}

// recentAttempts are the org's newest 50 attempts whose message verified
// (or that failed before verification for the org's own reasons) and its
// newest 10 unverified ones, newest first: a flood of anonymous posts
// cannot push real attempts out of view.
func (h *ssoPages) recentAttempts(r *http.Request, o store.Org) ([]store.SignInAttempt, error) {
	real, err := h.Svc.Store.RecentSignInAttempts(r.Context(), o.ID, false, 50)
	if err != nil {
		return nil, err
	}
	noise, err := h.Svc.Store.RecentSignInAttempts(r.Context(), o.ID, true, 10)
	if err != nil {
		return nil, err
	}
	all := append(real, noise...)
	slices.SortFunc(all, func(a, b store.SignInAttempt) int { return strings.Compare(b.ID, a.ID) })
	return all, nil
}

// latestAttempts returns the newest attempt since the connection was saved
// and the certificate that signed the newest successful one.
func latestAttempts(rows []attemptRow, since time.Time) (*attemptRow, string) {
	var latest *attemptRow
	signedBy := ""
	for i := range rows { // newest first
		if rows[i].At.Before(since) {
			break
		}
		if rows[i].Unverified {
			continue // anyone can post those: they say nothing of the connection
		}
		if latest == nil {
			latest = &rows[i]
		}
		if rows[i].OK && signedBy == "" {
			signedBy = rows[i].Certificate
		}
	}
	return latest, signedBy
}

// notMemberFixes decides, for each user_not_member attempt, whether the
// one-click fixes are still needed: keyed by attempt ID.
func (h *ssoPages) notMemberFixes(r *http.Request, o store.Org, attempts []store.SignInAttempt) (map[string]string, error) {
	fixes := map[string]string{}
	var invites []store.Invite
	for _, a := range attempts {
		if a.Code != string(signin.CodeUserNotMember) || a.Email == "" {
			continue
		}
		if invites == nil {
			var err error
			if invites, err = h.Svc.Store.ListInvites(r.Context(), o.ID, h.Svc.now()); err != nil {
				return nil, err
			}
		}
		switch _, err := h.Svc.Store.GetMemberByEmail(r.Context(), o.ID, a.Email); {
		case err == nil:
			fixes[a.ID] = "member"
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		case slices.ContainsFunc(invites, func(inv store.Invite) bool { return strings.EqualFold(inv.Email, a.Email) }):
			fixes[a.ID] = "invited"
		default:
			fixes[a.ID] = "offer"
		}
	}
	return fixes, nil
}

func (h *ssoPages) ssoSettings(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	p, err := h.ssoData(r, o, m)
	if err != nil {
		return err
	}
	p.Flash = map[string]string{"saved": "Identity provider saved. Next: give it this organization's Entity ID and ACS URL, then use Test sign-in.",
		"options": "Options saved.", "deleted": "SSO connection removed.", "renamed": "Connection renamed.",
		"primary": "This is now the primary connection: it holds Require SSO, and answers when nothing else chooses one.",
		"jit":     "Just-in-time provisioning is on: people your identity provider signs in become members.",
		"invited": "Invitation created. Their next SSO sign-in accepts it.",
		"roles":   "Role mapping saved. It applies at each person's next SSO sign-in."}[r.URL.Query().Get("done")]
	if p.Flash == "" {
		p.Flash = domainFlash(r.URL.Query().Get("done"), r.URL.Query().Get("domain"))
	}
	h.view.sso(w, r, http.StatusOK, p)
	return nil
}

// maxSettingsForm bounds the settings form with its metadata file.
const maxSettingsForm = 1 << 20

func (h *ssoPages) ssoSave(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	if !SSOAvailable(o.Plan) {
		return ErrNotOnPlan
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSettingsForm)
	if err := r.ParseMultipartForm(maxSettingsForm); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	in := h.readMetadata(r)
	var conn *Connection
	var warnings []string
	err := in.err
	if err == nil {
		target := r.FormValue("connection")
		opt := SaveOptions{AllowLegacyCrypto: r.FormValue("allow_legacy_crypto") == "1", MetadataURL: in.url,
			Name: r.FormValue("connection_name"), Add: target == newConnection}
		if !opt.Add {
			opt.Connection = target
		}
		conn, warnings, err = h.Svc.SaveMetadata(r.Context(), m, o, in.provider, in.md, opt)
	}
	if err != nil {
		return h.metadataRefused(w, r, o, m, in, err)
	}
	if len(warnings) > 0 {
		p, derr := h.ssoData(r, o, m)
		if derr != nil {
			return derr
		}
		p.Conn, p.Adding, p.Flash, p.Warnings = conn, false, "Identity provider saved.", warnings
		h.view.sso(w, r, http.StatusOK, p)
		return nil
	}
	return web.Redirect(w, r, connectionURL(o, conn.ID, "saved"))
}

// metadataForm is what the settings form gave: the IdP's metadata from a
// file, pasted XML or a URL, or why there is none.
type metadataForm struct {
	provider, source string
	md               []byte
	url              string // the URL it came from, if any
	err              error
}

// readMetadata reads the metadata the form names, fetching a URL through
// the SSRF-safe client (and an http one only when acknowledged).
func (h *ssoPages) readMetadata(r *http.Request) metadataForm {
	in := metadataForm{provider: r.FormValue("provider"), source: r.FormValue("idp_source")}
	switch in.source {
	case "xml":
		in.md = []byte(r.FormValue("metadata_xml"))
	case "url":
		in.url = strings.TrimSpace(r.FormValue("metadata_url"))
		if strings.HasPrefix(strings.ToLower(in.url), "http://") && r.FormValue("allow_http") != "1" {
			// Anyone on the network path can change metadata fetched over
			// plain http: only with the admin's explicit acknowledgement.
			in.err = errHTTPMetadataURL
		} else {
			in.md, in.err = h.Svc.FetchMetadata(r.Context(), in.url)
		}
	default:
		in.source = "file"
		if f, _, err := r.FormFile("metadata_file"); err == nil {
			in.md, _ = io.ReadAll(io.LimitReader(f, maxSettingsForm))
			f.Close()
		}
	}
	if in.err == nil && len(bytes.TrimSpace(in.md)) == 0 {
		in.err = errors.New("choose the metadata file from your identity provider (or paste its XML, or give its URL)")
	}
	return in
}

// metadataRefused shows the settings page again with why the metadata was
// not saved, what was entered, and the acknowledgement it may need.
func (h *ssoPages) metadataRefused(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, in metadataForm, err error) error {
	p, derr := h.ssoData(r, o, m)
	if derr != nil {
		return derr
	}
	p.Provider, p.Source, p.MetadataURL = in.provider, in.source, r.FormValue("metadata_url")
	if in.source == "xml" {
		p.PastedXML = string(in.md)
	}
	p.Error = "The identity provider was not saved: " + metadataProblem(err)
	if se := saml.AsError(err); se.Code == saml.CodeKeyTooWeak && (p.Conn == nil || !p.Conn.AllowLegacyCrypto) {
		p.OfferLegacy = true
	}
	p.OfferHTTP = errors.Is(err, errHTTPMetadataURL)
	h.view.sso(w, r, http.StatusUnprocessableEntity, p)
	return nil
}

// errHTTPMetadataURL asks for the acknowledgement an http metadata URL needs.
var errHTTPMetadataURL = errors.New("this metadata URL is not https, so anyone between Signet and the identity provider could change the metadata. " +
	"Use the https URL, or tick “Fetch it over plain http anyway” and Save again")

// metadataProblem explains a refused upload in plain words.
func metadataProblem(err error) string {
	var e *saml.Error
	if errors.As(err, &e) {
		msg := e.Message
		if e.Code == saml.CodeMalformed || e.Code == saml.CodeXMLForbidden {
			msg += " Upload the metadata file exactly as the identity provider gives it."
		}
		return msg
	}
	s := err.Error()
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (h *ssoPages) ssoOptions(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	opt := Options{AllowIdPInitiated: r.PostFormValue("allow_idp_initiated") == "1", JITRole: r.PostFormValue("jit_role"),
		RequireSSO: r.PostFormValue("require_sso") == "1", AllowLegacyCrypto: r.PostFormValue("allow_legacy_crypto") == "1",
		DomainsOnly: r.PostFormValue("domains_only") == "1", JITDomainsOnly: r.PostFormValue("jit_domains_only") == "1"}
	id := r.PostFormValue("connection")
	err := h.Svc.SaveOptions(r.Context(), m, o, id, opt)
	if errors.Is(err, ErrRequireSSOUnverified) || errors.Is(err, ErrDomainsOnlyUnverified) || errors.Is(err, store.ErrNotFound) {
		p, derr := h.ssoData(r, o, m)
		if derr != nil {
			return derr
		}
		p.Error = "The options were not saved: " + err.Error() + "."
		if errors.Is(err, store.ErrNotFound) {
			p.Error = "Save an identity provider first."
		}
		h.view.sso(w, r, http.StatusConflict, p)
		return nil
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, connectionURL(o, id, "options"))
}

// ssoJIT is the attempts log's one-click fix: turn on just-in-time
// provisioning with a role, leaving the other options as they are.
func (h *ssoPages) ssoJIT(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	conn, err := h.Svc.Store.GetSSOConnection(r.Context(), o.ID, r.PostFormValue("connection"))
	if err != nil {
		return err
	}
	role := r.PostFormValue("jit_role")
	if !slices.Contains(jitRoles[1:], role) {
		return badRequest("Choose the role new people get: viewer, member or manager.")
	}
	opt := OptionsOf(conn)
	opt.JITRole = role
	if err := h.Svc.SaveOptions(r.Context(), m, o, conn.ID, opt); err != nil {
		return err
	}
	return web.Redirect(w, r, connectionURL(o, conn.ID, "jit")+"#attempts")
}

func (h *ssoPages) ssoDelete(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	if err := h.Svc.DeleteConnection(r.Context(), m, o, r.PostFormValue("connection")); err != nil {
		return notFoundConnection(err)
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug+"/settings/sso?done=deleted")
}
