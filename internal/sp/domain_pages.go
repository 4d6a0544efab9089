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
// was refused; other errors go to the error page.
func (h *ssoPages) domainRefused(w http.ResponseWriter, r *http.Request, o store.Org, m store.Member, prefix string, err error) error {
	var pub *web.PublicError
	status := http.StatusNotFound
	msg := "this organization has not added that domain."
	switch {
	case errors.As(err, &pub):
		status, msg = pub.Status, pub.Message
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	p, derr := h.ssoData(r, o, m)
	if derr != nil {
		return derr
	}
	p.Error = prefix + msg
	h.view.sso(w, r, status, p)
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
	}
	return ""
}
