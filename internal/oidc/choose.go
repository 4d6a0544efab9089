// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

// choiceKey carries the org chosen at /oauth/authorize to CreateAuthRequest.
type choiceKey struct{}

// orgChoice is the org a request signs in to, or why there is none.
type orgChoice struct {
	org        store.Org
	connection string // the connection's ID; "" lets the person choose
	err        error
}

// chooseOrg picks the customer org from organization (its external ID, ID
// or slug), else from domain_hint or login_hint by a verified domain; and
// the org's SSO connection from connection (its ID, name or IdP entity
// ID), else from the hint's domain (sp.ConnectionForEmail).
// Unknown, missing, conflicting or unusable → an error for the host app,
// never a guess.
func (p *Provider) chooseOrg(ctx context.Context, q url.Values) orgChoice {
	name := strings.TrimSpace(q.Get("organization"))
	byHint, hinted, err := p.orgByHint(ctx, q)
	if err != nil {
		return orgChoice{err: err}
	}
	var o store.Org
	switch {
	case name != "":
		if o, err = p.findOrg(ctx, name); err != nil {
			return orgChoice{err: err}
		}
		// A domain_hint is the host app's statement of the person's
		// domain: one that another org has verified contradicts organization.
		if hinted && q.Get("domain_hint") != "" && byHint.ID != o.ID {
			return orgChoice{err: oidc.ErrInvalidRequest().WithDescription(
				"domain_hint %q is verified by another org than organization %q: send one or the other", q.Get("domain_hint"), name)}
		}
	case hinted:
		o = byHint
	case q.Get("login_hint") != "" || q.Get("domain_hint") != "":
		return orgChoice{err: oidc.ErrInvalidRequest().WithDescription(
			"no org has verified the domain of this login_hint or domain_hint: name the organization")}
	default:
		return orgChoice{err: oidc.ErrInvalidRequest().WithDescription(
			"organization is required: name the customer's org (your external ID for it, its ID or its slug), or send login_hint or domain_hint")}
	}
	if !sp.SSOAvailable(o.Plan) {
		return orgChoice{err: oidc.ErrAccessDenied().WithDescription("sso_not_on_plan: the org's plan does not include single sign-on")}
	}
	_, err = p.Store.GetSSOConnection(ctx, o.ID, "")
	if errors.Is(err, store.ErrNotFound) {
		return orgChoice{err: oidc.ErrAccessDenied().WithDescription("no_connection: single sign-on is not set up for this org yet")}
	}
	if err != nil {
		return orgChoice{err: err}
	}
	if ref := q.Get("connection"); ref != "" {
		c, err := sp.FindConnection(ctx, p.Store, o, ref)
		if errors.Is(err, store.ErrNotFound) {
			return orgChoice{err: oidc.ErrInvalidRequest().WithDescription("unknown connection %q for this organization", ref)}
		}
		return orgChoice{org: o, connection: c.ID, err: err}
	}
	hint := q.Get("login_hint")
	if d := strings.TrimSpace(q.Get("domain_hint")); d != "" {
		hint = "someone@" + d
	}
	connID, err := sp.ConnectionForEmail(ctx, p.Store, o, hint)
	return orgChoice{org: o, connection: connID, err: err}
}

// orgByHint finds the org holding verified the domain of domain_hint, or
// else of login_hint's email. hinted is false when neither names a
// verified domain.
func (p *Provider) orgByHint(ctx context.Context, q url.Values) (o store.Org, hinted bool, err error) {
	domain := strings.TrimSpace(q.Get("domain_hint"))
	if domain == "" {
		domain = sp.EmailDomain(q.Get("login_hint"))
	}
	if domain == "" {
		return store.Org{}, false, nil
	}
	id, err := sp.DomainHolder(ctx, p.Store, domain)
	if errors.Is(err, store.ErrNotFound) {
		return store.Org{}, false, nil
	}
	if err == nil {
		o, err = p.Store.GetOrg(ctx, id)
	}
	return o, err == nil, err
}

// findOrg reads name as the host app's external ID, Signet's org ID and
// the org's slug. A name that fits no org is unknown; one that fits two
// different orgs (one's external ID is another's slug) is ambiguous: the
// request is refused rather than sent to either.
func (p *Provider) findOrg(ctx context.Context, name string) (store.Org, error) {
	lookups := []func(context.Context, string) (store.Org, error){
		p.Store.GetOrgByExternalID, p.Store.GetOrg,
		func(ctx context.Context, s string) (store.Org, error) {
			return p.Store.GetOrgBySlug(ctx, strings.ToLower(s))
		},
	}
	var found store.Org
	for _, lookup := range lookups {
		o, err := lookup(ctx, name)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return store.Org{}, err
		case found.ID != "" && found.ID != o.ID:
			return store.Org{}, oidc.ErrInvalidRequest().WithDescription(
				"organization %q names more than one org (one's external ID, another's slug): pass the org's ID", name)
		}
		found = o
	}
	if found.ID == "" {
		return store.Org{}, oidc.ErrInvalidRequest().WithDescription("unknown organization %q", name)
	}
	return found, nil
}

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
