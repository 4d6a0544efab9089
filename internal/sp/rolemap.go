// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// Roles from IdP groups: an org admin maps values of one attribute of the
// IdP's assertions to Workspace roles, in priority order. The mapping is
// applied at every SSO sign-in, so a role removed at the IdP is removed
// here at the person's next sign-in; people who match no rule get the
// mapping's default role.

// Limits of a role mapping.
const (
	MaxRoleRules    = 100
	maxRoleValueLen = 1024
)

// DefaultGroupAttribute is the attribute a new mapping reads.
const DefaultGroupAttribute = "groups"

// RoleMappings owns the rules for roles from IdP groups. Get one from
// Service.RoleMappings.
type RoleMappings struct{ svc *Service }

// RoleMappings is the role-mapping rules over this service's store.
func (s *Service) RoleMappings() RoleMappings { return RoleMappings{s} }

// Get returns o's mapping, with the default attribute and role filled in
// when none was saved.
func (rm RoleMappings) Get(ctx context.Context, o store.Org) (store.RoleMapping, error) {
	m, err := rm.svc.Store.GetRoleMapping(ctx, o.ID)
	if m.Attribute == "" {
		m.Attribute = DefaultGroupAttribute
	}
	if m.DefaultRole == "" {
		m.DefaultRole = "viewer"
	}
	return m, err
}

// Save replaces o's mapping after checking it.
func (rm RoleMappings) Save(ctx context.Context, actor string, o store.Org, attribute, defaultRole string, rules []store.RoleRule) (store.RoleMapping, error) {
	return rm.update(ctx, actor, o, func(m *store.RoleMapping) error {
		m.Attribute, m.DefaultRole, m.Rules = attribute, defaultRole, rules
		return nil
	})
}

// AddRule appends a rule (the lowest priority); SetDefaults changes the
// attribute and default role; RemoveRule and RaiseRule edit by position.
func (rm RoleMappings) AddRule(ctx context.Context, actor string, o store.Org, r store.RoleRule) (store.RoleMapping, error) {
	return rm.update(ctx, actor, o, func(m *store.RoleMapping) error { m.Rules = append(m.Rules, r); return nil })
}

// SetDefaults changes which attribute is read and the role of people
// who match no rule.
func (rm RoleMappings) SetDefaults(ctx context.Context, actor string, o store.Org, attribute, defaultRole string) (store.RoleMapping, error) {
	return rm.update(ctx, actor, o, func(m *store.RoleMapping) error { m.Attribute, m.DefaultRole = attribute, defaultRole; return nil })
}

// RemoveRule deletes the rule at position i (0-based).
func (rm RoleMappings) RemoveRule(ctx context.Context, actor string, o store.Org, i int) (store.RoleMapping, error) {
	return rm.update(ctx, actor, o, func(m *store.RoleMapping) error {
		if i < 0 || i >= len(m.Rules) {
			return store.ErrNotFound
		}
		m.Rules = slices.Delete(m.Rules, i, i+1)
		return nil
	})
}

// RaiseRule moves the rule at position i one place up (higher priority).
func (rm RoleMappings) RaiseRule(ctx context.Context, actor string, o store.Org, i int) (store.RoleMapping, error) {
	return rm.update(ctx, actor, o, func(m *store.RoleMapping) error {
		if i <= 0 || i >= len(m.Rules) {
			return store.ErrNotFound
		}
		m.Rules[i-1], m.Rules[i] = m.Rules[i], m.Rules[i-1]
		return nil
	})
}

// update changes o's mapping with fn, checks the result, stores it in one
// transaction and audits it.
func (rm RoleMappings) update(ctx context.Context, actor string, o store.Org, fn func(*store.RoleMapping) error) (store.RoleMapping, error) {
	if !SSOAvailable(o.Plan) {
		return store.RoleMapping{}, ErrNotOnPlan
	}
	m, err := rm.svc.Store.UpdateRoleMapping(ctx, o.ID, func(m *store.RoleMapping) error {
		if m.Attribute == "" {
			m.Attribute = DefaultGroupAttribute
		}
		if m.DefaultRole == "" {
			m.DefaultRole = "viewer"
		}
		if err := fn(m); err != nil {
			return err
		}
		return checkRoleMapping(m)
	})
	if err != nil {
		return m, err
	}
	rm.svc.Audit(ctx, o, actor, "sso.role_mapping", describeRoleMapping(m))
	return m, nil
}

// checkRoleMapping normalises m in place and refuses what cannot work.
func checkRoleMapping(m *store.RoleMapping) error {
	attr, err := ident.Clean(m.Attribute, 256)
	if err != nil || attr == "" {
		return badRequest("Enter the name of the attribute that carries the groups, such as groups or memberOf.")
	}
	m.Attribute = attr
	if !slices.Contains(roles, m.DefaultRole) {
		return badRequest("Choose the role of people who match no rule: viewer, member, manager or admin.")
	}
	if len(m.Rules) > MaxRoleRules {
		return badRequest(fmt.Sprintf("A mapping has at most %d rules.", MaxRoleRules))
	}
	for i := range m.Rules {
		r := &m.Rules[i]
		// The value is kept as typed (trimmed), not normalised: it is
		// compared with what the IdP sends, byte for byte.
		if _, err := ident.Clean(r.Value, maxRoleValueLen); err != nil {
			return badRequest("Enter the group's value exactly as the identity provider sends it (a name, or an ID such as Entra ID's group object ID), without hidden characters.")
		}
		v := strings.TrimSpace(r.Value)
		label, err := ident.Clean(r.Label, 200)
		if errors.Is(err, ident.ErrEmpty) {
			label, err = "", nil
		}
		if err != nil {
			return badRequest("The label is too long or has characters that are not allowed.")
		}
		if !slices.Contains(roles, r.Role) {
			return badRequest("Choose the role the group gives: viewer, member, manager or admin.")
		}
		for _, earlier := range m.Rules[:i] {
			if earlier.Value == v {
				return badRequest("The group " + v + " has a rule already: remove it first.")
			}
		}
		r.Value, r.Label = v, label
	}
	return nil
}

func describeRoleMapping(m store.RoleMapping) string {
	parts := make([]string, len(m.Rules))
	for i, r := range m.Rules {
		parts[i] = ruleName(r) + " → " + r.Role
	}
	if len(parts) == 0 {
		return "roles from IdP groups turned off (no rules)"
	}
	return fmt.Sprintf("roles from attribute %s: %s; otherwise %s", m.Attribute, strings.Join(parts, ", "), m.DefaultRole)
}

// ruleName is how a rule's group is shown: its label and value.
func ruleName(r store.RoleRule) string {
	if r.Label != "" {
		return "“" + r.Label + "” (" + r.Value + ")"
	}
	return "“" + r.Value + "”"
}

// roleFor is the role the mapping gives the assertion's person, and the
// rule that gave it (nil: no rule matched, the default role). ok is false
// when the mapping has no rules: roles are not managed by the IdP.
func roleFor(m store.RoleMapping, a *saml.Assertion) (role string, rule *store.RoleRule, ok bool) {
	var values []string
	for _, at := range a.Attributes {
		if strings.EqualFold(at.Name, m.Attribute) || (at.FriendlyName != "" && strings.EqualFold(at.FriendlyName, m.Attribute)) {
			values = append(values, at.Values...)
		}
	}
	return roleForGroups(m, values)
}

// roleForGroups is the role the mapping gives a person in these groups
// (names or IDs), as roleFor.
func roleForGroups(m store.RoleMapping, values []string) (role string, rule *store.RoleRule, ok bool) {
	if len(m.Rules) == 0 {
		return "", nil, false
	}
	for i, r := range m.Rules {
		if slices.Contains(values, r.Value) {
			return r.Role, &m.Rules[i], true
		}
	}
	return m.DefaultRole, nil, true
}

// applyRoleMapping sets the signed-in member's role from the org's
// mapping m (only reporting it for a Test sign-in) and notes on in which
// rule applied. The org's last admin keeps the role: an org is never
// left without one.
func (s *Service) applyRoleMapping(ctx context.Context, o store.Org, m store.RoleMapping, in *SignIn, dryRun bool) error {
	role, rule, ok := roleFor(m, in.Assertion)
	if !ok {
		return nil
	}
	why := "no group rule matched, so the default role"
	if rule != nil {
		why = "group " + ruleName(*rule)
	}
	if role == in.Member.Role {
		in.RoleNote = fmt.Sprintf("Role %s from %s.", role, why)
		return nil
	}
	if dryRun {
		in.RoleNote = fmt.Sprintf("Role would change from %s to %s (%s).", in.Member.Role, role, why)
		in.Member.Role = role
		return nil
	}
	was := in.Member.Role
	updated, err := s.Store.UpdateMember(ctx, in.Member.ID, func(x *store.Member) error { x.Role = role; return nil })
	if errors.Is(err, store.ErrLastAdmin) {
		in.RoleNote = fmt.Sprintf("Role stays %s: %s gives %s, but the organization needs an admin.", was, why, role)
		return nil
	}
	if err != nil {
		return err
	}
	in.Member = updated
	in.RoleNote = fmt.Sprintf("Role changed from %s to %s (%s).", was, role, why)
	s.Audit(ctx, o, "sso", "member.role", fmt.Sprintf("%s is now %s (was %s) by the IdP group mapping: %s", updated.Email, role, was, why))
	return nil
}
