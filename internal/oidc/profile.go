// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"slices"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

// profile is what one sign-in tells the host app, kept with the request
// (and the access token) as JSON.
type profile struct {
	Email string `json:"email"`
	// EmailVerified: the org holds the email's domain verified, so its
	// IdP is authoritative for the email.
	EmailVerified bool            `json:"email_verified"`
	GivenName     string          `json:"given_name,omitempty"`
	FamilyName    string          `json:"family_name,omitempty"`
	Name          string          `json:"name,omitempty"`
	Groups        []string        `json:"groups,omitempty"`
	Org           orgClaim        `json:"org"`
	Connection    connectionClaim `json:"connection"`
	SAML          samlClaim       `json:"saml"`
}

// orgClaim names the customer org the person signed in through.
type orgClaim struct {
	ID         string `json:"id"`
	Slug       string `json:"slug"`
	ExternalID string `json:"external_id,omitempty"`
}

// connectionClaim names the org's IdP.
type connectionClaim struct {
	IdPEntityID string `json:"idp_entity_id"`
	Provider    string `json:"provider,omitempty"`
}

// samlClaim is the raw assertion, under one claim: the host app can read
// any attribute the IdP sent without Signet knowing of it.
type samlClaim struct {
	NameID       string              `json:"name_id"`
	NameIDFormat string              `json:"name_id_format,omitempty"`
	SessionIndex string              `json:"session_index,omitempty"`
	Attributes   map[string][]string `json:"attributes"`
}

// Attribute names IdPs use for the profile's parts, compared without case.
var (
	givenNames  = []string{"givenName", "firstName", "first_name", "given_name", "urn:oid:2.5.4.42", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"}
	familyNames = []string{"sn", "surname", "lastName", "last_name", "family_name", "urn:oid:2.5.4.4", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"}
	fullNames   = []string{"displayName", "name", "cn", "urn:oid:2.16.840.1.113730.3.1.241", "urn:oid:2.5.4.3", "http://schemas.microsoft.com/identity/claims/displayname"}
	groupNames  = []string{"groups", "memberOf", "isMemberOf", "urn:oid:1.3.6.1.4.1.5923.1.5.1.1", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"}
)

// newProfile reads the profile out of a verified sign-in.
func newProfile(o store.Org, provider string, in *sp.SignIn) profile {
	a := in.Assertion
	p := profile{Email: in.Email, Org: orgClaim{ID: o.ID, Slug: o.Slug, ExternalID: o.ExternalID},
		Connection: connectionClaim{IdPEntityID: in.IdP, Provider: provider},
		SAML:       samlClaim{NameID: a.NameID, NameIDFormat: a.NameIDFormat, SessionIndex: a.SessionIndex, Attributes: map[string][]string{}}}
	for _, at := range a.Attributes {
		p.SAML.Attributes[at.Name] = append(p.SAML.Attributes[at.Name], at.Values...)
	}
	p.GivenName = first(a, givenNames)
	p.FamilyName = first(a, familyNames)
	p.Name = first(a, fullNames)
	if p.Name == "" && (p.GivenName != "" || p.FamilyName != "") {
		p.Name = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
	}
	for _, at := range a.Attributes {
		if matches(at, groupNames) {
			p.Groups = append(p.Groups, at.Values...)
		}
	}
	return p
}

// profileFor is newProfile with email_verified decided by the org's
// verified domains.
func (p *Provider) profileFor(ctx context.Context, o store.Org, provider string, in *sp.SignIn) (profile, error) {
	prof := newProfile(o, provider, in)
	ok, err := sp.EmailAuthoritative(ctx, p.Store, o, in.Email)
	prof.EmailVerified = ok
	return prof, err
}

func matches(at saml.Attribute, names []string) bool {
	return slices.ContainsFunc(names, func(n string) bool {
		return strings.EqualFold(at.Name, n) || (at.FriendlyName != "" && strings.EqualFold(at.FriendlyName, n))
	})
}

func first(a *saml.Assertion, names []string) string {
	for _, n := range names { // in the order of preference
		for _, at := range a.Attributes {
			if matches(at, []string{n}) && len(at.Values) > 0 && at.Values[0] != "" {
				return at.Values[0]
			}
		}
	}
	return ""
}

var subjectEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// subject is the person's stable ID for host apps: the same for the same
// org, IdP and IdP user at every sign-in, never the email (which changes),
// and different across orgs. A transient NameID changes at every sign-in,
// so there the email stands in for it.
func subject(orgID, idpEntityID string, a *saml.Assertion, email string) string {
	user := a.NameID
	if a.NameIDFormat == saml.NameIDTransient || user == "" {
		user = "email:" + strings.ToLower(email)
	}
	sum := sha256.Sum256([]byte(orgID + "\x00" + idpEntityID + "\x00" + user))
	return "u_" + strings.ToLower(subjectEncoding.EncodeToString(sum[:20]))
}

// fillUserinfo puts the profile's claims that the scopes allow into info.
func fillUserinfo(info *oidc.UserInfo, sub, profileJSON string, scopes []string) error {
	var p profile
	if err := json.Unmarshal([]byte(profileJSON), &p); err != nil {
		return err
	}
	info.Subject = sub
	if slices.Contains(scopes, oidc.ScopeEmail) {
		info.Email = p.Email
		// True only for an email at one of the org's verified domains:
		// otherwise the org's IdP could assert anyone's address, and the
		// host app must not treat it as proven (nor link accounts by it).
		info.AppendClaims("email_verified", p.EmailVerified) // explicit: absent would read as "unknown"
	}
	if slices.Contains(scopes, oidc.ScopeProfile) {
		info.GivenName, info.FamilyName, info.Name = p.GivenName, p.FamilyName, p.Name
	}
	if slices.Contains(scopes, oidc.ScopeProfile) || slices.Contains(scopes, scopeGroups) {
		info.AppendClaims("groups", append([]string{}, p.Groups...))
	}
	info.AppendClaims("org", p.Org)
	info.AppendClaims("connection", p.Connection)
	info.AppendClaims("saml", p.SAML)
	return nil
}
