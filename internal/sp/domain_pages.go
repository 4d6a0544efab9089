// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// domainRow is one claimed domain on the settings page, with the record
// that verifies it.
type domainRow struct {
	store.Domain
	Record DomainRecord
}

func (h *ssoPages) mountDomains(mux *http.ServeMux) {
	mux.Handle("POST /orgs/{org}/settings/sso/domains", h.ssoAdmin(h.domainAdd))
	mux.Handle("POST /orgs/{org}/settings/sso/domains/{domain}/verify", h.ssoAdmin(h.domainVerify))
	mux.Handle("POST /orgs/{org}/settings/sso/domains/{domain}/delete", h.ssoAdmin(h.domainRemove))
}

// domainRows lists the org's claims for the page.
func (h *ssoPages) domainRows(r *http.Request, o store.Org) ([]domainRow, error) {
	claims, err := h.Svc.Store.ListDomains(r.Context(), o.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]domainRow, len(claims))
	for i, c := range claims {
		rows[i] = domainRow{Domain: c, Record: RecordFor(c)}
	}
	return rows, nil
}

func (h *ssoPages) domainAdd(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	claim, err := h.Svc.Domains().Add(r.Context(), o, m.Email, r.PostFormValue("domain"))
	if err != nil {
		return h.domainRefused(w, r, o, m, "The domain was not added: ", err)
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug+"/settings/sso?done=domain_added&domain="+url.QueryEscape(claim.Domain)+"#domains")
}

func (h *ssoPages) domainVerify(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	claim, err := h.Svc.Domains().Verify(r.Context(), o, m.Email, r.PathValue("domain"))
	if err != nil {
		return h.domainRefused(w, r, o, m, "The domain was not verified: ", err)
	}
	done := "domain_verified"
	if !claim.Verified() {
		done = "domain_pending"
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug+"/settings/sso?done="+done+"&domain="+url.QueryEscape(claim.Domain)+"#domains")
}

func (h *ssoPages) domainRemove(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, _ store.Session) error {
	if err := h.Svc.Domains().Remove(r.Context(), o, m.Email, r.PathValue("domain")); err != nil {
		return h.domainRefused(w, r, o, m, "The domain was not removed: ", err)
	}
	return web.Redirect(w, r, "/orgs/"+o.Slug+"/settings/sso?done=domain_removed#domains")
}

// domainRefused shows the settings page again with why a domain change
// was refused; an unknown domain is a 404 saying so.
func (h *ssoPages) domainRefused(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, prefix string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		err = &web.PublicError{Status: http.StatusNotFound, Code: "not_found", Message: "this organization has not added that domain."}
	}
	return h.settingsRefused(w, r, o, m, prefix, err)
}

// settingsRefused shows the Single Sign-On Settings page again with why a
// change was refused (a *web.PublicError); other errors go to the error
// page.
func (h *ssoPages) settingsRefused(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, prefix string, err error) error {
	var pub *web.PublicError
	if !errors.As(err, &pub) {
		return err
	}
	p, derr := h.ssoData(r, o, m)
	if derr != nil {
		return derr
	}
	p.Error = prefix + pub.Message
	h.view.sso(w, r, pub.Status, p)
	return nil
}

// domainFlash is the message after a domain change, naming the domain.
func domainFlash(done, domain string) string {
	switch done {
	case "domain_added":
		return "Domain " + domain + " added. Publish its DNS TXT record below, then choose Verify."
	case "domain_verified":
		return "Domain " + domain + " is verified."
	case "domain_pending":
		return "Domain " + domain + " is not verified yet: see its status below. DNS changes can take a few minutes to appear."
	case "domain_removed":
		return "Domain removed."
	case "domain_routed":
		return "People at " + domain + " now sign in through the connection chosen below."
	}
	return ""
}
