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
	org store.Org
	err error
}

// chooseOrg picks the customer org from organization (its slug or ID) and
// checks connection (the IdP entity ID of the org's connection) if given.
// Unknown, missing or unusable → an error for the host app, never a guess.
func (p *Provider) chooseOrg(ctx context.Context, q url.Values) orgChoice {
	name := strings.TrimSpace(q.Get("organization"))
	if name == "" {
		desc := "organization is required: name the customer's org (your external ID for it, its ID or its slug)"
		if q.Get("login_hint") != "" || q.Get("domain_hint") != "" {
			desc = "no verified domain routes this login_hint or domain_hint to an org: name the organization"
		}
		return orgChoice{err: oidc.ErrInvalidRequest().WithDescription("%s", desc)}
	}
	// The host app's own ID first (it is what the app knows), then
	// Signet's ID, then the slug.
	o, err := p.Store.GetOrgByExternalID(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		o, err = p.Store.GetOrg(ctx, name)
	}
	if errors.Is(err, store.ErrNotFound) {
		o, err = p.Store.GetOrgBySlug(ctx, strings.ToLower(name))
	}
	if errors.Is(err, store.ErrNotFound) {
		return orgChoice{err: oidc.ErrInvalidRequest().WithDescription("unknown organization %q", name)}
	}
	if err != nil {
		return orgChoice{err: err}
	}
	if !sp.SSOAvailable(o.Plan) {
		return orgChoice{err: oidc.ErrAccessDenied().WithDescription("sso_not_on_plan: the org's plan does not include single sign-on")}
	}
	c, err := p.Store.GetSSOConnection(ctx, o.ID)
	if errors.Is(err, store.ErrNotFound) {
		return orgChoice{err: oidc.ErrAccessDenied().WithDescription("no_connection: single sign-on is not set up for this org yet")}
	}
	if err != nil {
		return orgChoice{err: err}
	}
	if conn := q.Get("connection"); conn != "" && conn != c.IdPEntityID {
		return orgChoice{err: oidc.ErrInvalidRequest().WithDescription("unknown connection %q for this organization", conn)}
	}
	return orgChoice{org: o}
}

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
