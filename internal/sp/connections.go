// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// An org may connect several IdPs (employees on one, contractors on
// another). They share the org's SP Entity ID and ACS URL, so an IdP's
// setup never depends on which connection it is: a response is routed to
// the connection whose IdP entity ID is its Issuer, and then verified with
// that connection's certificates and options only.

// MaxConnections is how many SSO connections an org may have.
const MaxConnections = 10

// maxConnectionName is the longest connection name, in characters.
const maxConnectionName = 60

// roomForConnection refuses an eleventh connection.
func (s *Service) roomForConnection(ctx context.Context, o store.Org) error {
	list, err := s.Store.ListSSOConnections(ctx, o.ID)
	if err != nil {
		return err
	}
	if len(list) >= MaxConnections {
		return badRequest(fmt.Sprintf("An organization can have at most %d SSO connections: remove one first.", MaxConnections))
	}
	return nil
}

// connectionName is the name a saved connection gets: the one asked for,
// else the one it had, else its provider's.
func connectionName(asked, had, provider string) (string, error) {
	name := strings.Join(strings.Fields(asked), " ")
	if name == "" {
		name = had
	}
	if name == "" {
		name = providerOf(provider, "").Name()
		if provider == "" || provider == "other" {
			name = "Identity provider"
		}
	}
	if utf8.RuneCountInString(name) > maxConnectionName || !utf8.ValidString(name) {
		return "", badRequest(fmt.Sprintf("A connection name is at most %d characters.", maxConnectionName))
	}
	return name, nil
}

// errConnectionTaken explains a name or IdP the org uses already.
func errConnectionTaken(name, entityID string) error {
	return web.Conflict("This organization already has a connection named “" + name + "” or a connection to the identity provider " +
		entityID + ". Choose another name, or replace that connection's metadata instead of adding it again.")
}

// anyVerified reports whether any of the org's connections has signed
// someone in (the guard of Require SSO).
func (s *Service) anyVerified(ctx context.Context, o store.Org) (bool, error) {
	list, err := s.Store.ListSSOConnections(ctx, o.ID)
	return slices.ContainsFunc(list, func(c store.SSOConnection) bool { return !c.VerifiedAt.IsZero() }), err
}

// RenameConnection names one of the org's connections.
func (s *Service) RenameConnection(ctx context.Context, actor store.Member, o store.Org, id, name string) error {
	name, err := connectionName(name, "", "")
	if err != nil {
		return err
	}
	var old string
	c, err := s.Store.UpdateSSOConnection(ctx, o.ID, id, func(c *store.SSOConnection) error {
		old, c.Name = c.Name, name
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return web.Conflict("Another connection of this organization is named “" + name + "”.")
	}
	if err != nil {
		return err
	}
	s.Audit(ctx, o, actor.Email, "sso.rename", "renamed the SSO connection “"+old+"” to “"+c.Name+"”")
	return nil
}

// MakePrimary makes one of the org's connections its primary one, which
// takes over Require SSO.
func (s *Service) MakePrimary(ctx context.Context, actor store.Member, o store.Org, id string) error {
	c, err := s.Store.GetSSOConnection(ctx, o.ID, id)
	if err != nil {
		return err
	}
	if err := s.Store.SetPrimarySSOConnection(ctx, o.ID, c.ID); err != nil {
		return err
	}
	s.Audit(ctx, o, actor.Email, "sso.primary", "made “"+c.Name+"” the primary SSO connection")
	return nil
}

// FindConnection finds one of the org's connections by ID, by name
// (case-insensitive) or by its IdP's entity ID; store.ErrNotFound if none.
func FindConnection(ctx context.Context, st store.Workspace, o store.Org, ref string) (store.SSOConnection, error) {
	list, err := st.ListSSOConnections(ctx, o.ID)
	if err != nil {
		return store.SSOConnection{}, err
	}
	ref = strings.TrimSpace(ref)
	for _, match := range []func(store.SSOConnection) bool{
		func(c store.SSOConnection) bool { return c.ID == ref },
		func(c store.SSOConnection) bool { return strings.EqualFold(c.Name, ref) },
		func(c store.SSOConnection) bool { return c.IdPEntityID == ref },
	} {
		if i := slices.IndexFunc(list, match); i >= 0 && ref != "" {
			return list[i], nil
		}
	}
	return store.SSOConnection{}, fmt.Errorf("connection %q of org %s: %w", ref, o.Slug, store.ErrNotFound)
}

// ConnectionForEmail is the connection a person with this email signs in
// through when the org has routed their verified domain to one; ""
// otherwise (the org's only connection serves, or the picker asks).
func ConnectionForEmail(ctx context.Context, st store.Domains, o store.Org, email string) (string, error) {
	d := EmailDomain(email)
	if d == "" {
		return "", nil
	}
	claim, err := st.GetDomain(ctx, o.ID, d)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	case claim.Verified():
		return claim.ConnectionID, nil
	}
	return "", nil
}

// connectionFor picks the connection a message is for: the org's only
// one, or the one whose IdP entity ID is the message's Issuer (read only
// when the org has several), or else the primary one (whose verification
// then refuses it, saying why).
func (s *Service) connectionFor(ctx context.Context, o store.Org, issuer func() string) (*Connection, error) {
	conns, err := s.LoadConnections(ctx, o)
	if err != nil {
		return nil, err
	}
	return pickConnection(o, conns, issuer)
}

// pickConnection is connectionFor's choice among the org's connections.
func pickConnection(o store.Org, conns []*Connection, issuer func() string) (*Connection, error) {
	if len(conns) == 0 {
		return nil, noConnection(o)
	}
	if len(conns) == 1 {
		return conns[0], nil
	}
	iss := issuer()
	i := slices.IndexFunc(conns, func(c *Connection) bool { return c.IdPEntityID == iss })
	return conns[max(i, 0)], nil
}

// issuerOf reads the Issuer of a base64 SAML message without trusting it:
// it only picks which connection's checks the message must then pass.
func (s *Service) issuerOf(b64 []byte) func() string {
	return func() string {
		xml, err := saml.DecodeBase64(b64, s.Limits.WithDefaults().MaxMessageBytes)
		if err != nil {
			return ""
		}
		return saml.PeekIssuer(xml, s.Limits)
	}
}

// ConnectionChoice is one connection in the picker.
type ConnectionChoice struct{ ID, Name, ProviderName string }

// ConnectionChoices lists the org's connections for the picker.
func (s *Service) ConnectionChoices(ctx context.Context, o store.Org) ([]ConnectionChoice, error) {
	conns, err := s.LoadConnections(ctx, o)
	if err != nil {
		return nil, err
	}
	out := make([]ConnectionChoice, 0, len(conns))
	for _, c := range conns {
		provider := c.ProviderName
		if c.Provider == signin.ProviderOther && c.Recognized == signin.ProviderOther {
			provider = "" // "Other" tells a person nothing
		}
		out = append(out, ConnectionChoice{ID: c.ID, Name: cmp.Or(c.Name, c.ProviderName), ProviderName: provider})
	}
	return out, nil
}
