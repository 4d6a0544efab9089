// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package oidc

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

// StartUnsolicited makes the authorization request of an IdP-initiated
// sign-in for a host app (a tile click at the org's IdP): no state, nonce
// or PKCE, since the host app did not start it; signed in already; its
// code goes only to the browser that holds sp.HostAppCookie and confirms.
func (p *Provider) StartUnsolicited(ctx context.Context, o store.Org, to sp.HostAppTarget, in *sp.SignIn) (string, string, error) {
	c, err := p.Store.GetOAuthClient(ctx, to.ClientID)
	if err != nil {
		return "", "", err
	}
	pr, err := p.profileFor(ctx, o, in.Provider, in)
	if err != nil {
		return "", "", err
	}
	prof, err := jsonMarshal(pr)
	if err != nil {
		return "", "", err
	}
	now := p.now()
	q := store.OAuthRequest{ID: newSecret(), ClientID: c.ID, OrgID: o.ID, RedirectURI: to.RedirectURI,
		Scopes: []string{oidc.ScopeOpenID, oidc.ScopeEmail, oidc.ScopeProfile, scopeGroups}, Unsolicited: true,
		CreatedAt: now, ExpiresAt: now.Add(requestTTL), Subject: subject(o.ID, in.IdP, in.Assertion, in.Email),
		Profile: prof, AuthTime: now, Done: true}
	if err := p.Store.SaveOAuthRequest(ctx, q); err != nil {
		return "", "", err
	}
	return q.ID, c.Name, nil
}

// heldBy reports whether the browser holds the cookie of the unsolicited
// request id.
func heldBy(r *http.Request, id string) bool {
	c, err := r.Cookie(sp.HostAppCookie)
	return err == nil && id != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(id)) == 1
}

// continueToHostApp is the confirmation of an IdP-initiated sign-in: a
// same-origin POST (cross-origin protection) from the browser holding the
// request's cookie sends it on to collect the code.
func (p *Provider) continueToHostApp(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("id")
	q, err := p.Store.GetOAuthRequest(r.Context(), id, p.now())
	if err != nil || !q.Unsolicited || !heldBy(r, id) {
		http.Error(w, "This sign-in has expired or was started in another browser: click the app in your identity provider's portal again.", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/oauth/authorize/callback?id="+url.QueryEscape(id), http.StatusSeeOther)
}

// callback guards the library's authorize callback: an unsolicited
// request's code is issued only to the browser that holds its cookie (the
// one the IdP's response arrived in, which confirmed); the cookie ends.
func (p *Provider) callback(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if q, err := p.Store.GetOAuthRequest(r.Context(), id, p.now()); err == nil && q.Unsolicited {
		if !heldBy(r, id) {
			http.Error(w, "This sign-in was started in another browser: click the app in your identity provider's portal again.", http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: sp.HostAppCookie, Path: "/oauth/", MaxAge: -1, HttpOnly: true})
	}
	p.handler.ServeHTTP(w, r)
}
