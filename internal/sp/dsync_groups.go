// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/signet-sso/signet/internal/scim"
	"github.com/signet-sso/signet/internal/store"
)

// groupIn checks a Group from the IdP and makes it a stored group.
func groupIn(o store.Org, in scim.Group) (store.SCIMGroup, error) {
	g := store.SCIMGroup{OrgID: o.ID, DisplayName: strings.TrimSpace(in.DisplayName), ExternalID: in.ExternalID}
	if g.DisplayName == "" {
		return g, scim.InvalidValue("displayName is required")
	}
	if utf8.RuneCountInString(g.DisplayName) > maxSCIMValue || utf8.RuneCountInString(g.ExternalID) > maxSCIMValue {
		return g, scim.InvalidValue(fmt.Sprintf("attribute values are at most %d characters", maxSCIMValue))
	}
	for _, m := range in.Members {
		g.Members = append(g.Members, m.Value)
	}
	return g, nil
}

func (d DirectorySync) groupOut(ctx context.Context, o store.Org, g store.SCIMGroup, names map[string]string) (scim.Group, error) {
	out := scim.Group{Schemas: []string{scim.SchemaGroup}, ID: g.ID, ExternalID: g.ExternalID, DisplayName: g.DisplayName,
		Members: []scim.Ref{}, Meta: d.meta(o, "Group", g.ID, g.CreatedAt, g.UpdatedAt, g.Version)}
	if names == nil && len(g.Members) > 0 {
		var err error
		if names, err = d.userNames(ctx, o); err != nil {
			return out, err
		}
	}
	for _, m := range g.Members {
		out.Members = append(out.Members, scim.Ref{Value: m, Display: names[m], Ref: d.location(o, "Users", m)})
	}
	return out, nil
}

// userNames maps the org's SCIM user IDs to their userNames.
func (d DirectorySync) userNames(ctx context.Context, o store.Org) (map[string]string, error) {
	users, err := d.svc.Store.ListSCIMUsers(ctx, o.ID)
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.UserName
	}
	return names, err
}

// saveGroup stores a group, then sets the roles of the people it gained
// or lost from the org's group mapping.
func (d DirectorySync) saveGroup(ctx context.Context, o store.Org, g store.SCIMGroup, old *store.SCIMGroup) (scim.Group, error) {
	saved, err := d.svc.Store.PutSCIMGroup(ctx, g)
	switch {
	case errors.Is(err, store.ErrConflict):
		return scim.Group{}, scim.Uniqueness("another group of this organization has this displayName")
	case errors.Is(err, store.ErrNotFound):
		return scim.Group{}, scim.InvalidValue("a member is not a user of this organization")
	case err != nil:
		return scim.Group{}, err
	}
	affected := saved.Members
	action, detail := "dsync.group.created", fmt.Sprintf("the IdP provisioned group %s with %d member(s)", saved.DisplayName, len(saved.Members))
	if old != nil {
		affected = append(slices.Clone(old.Members), saved.Members...)
		action, detail = "dsync.group.updated", fmt.Sprintf("the IdP updated group %s: %d member(s)", saved.DisplayName, len(saved.Members))
	}
	d.svc.Audit(ctx, o, "scim", action, detail)
	if err := d.applyGroupRoles(ctx, o, affected); err != nil {
		return scim.Group{}, err
	}
	return d.groupOut(ctx, o, saved, nil)
}

// applyGroupRoles gives each of these SCIM users' members the role the
// org's group mapping gives their groups (names or external IDs), when the
// org maps groups to roles. The last admin keeps the role.
func (d DirectorySync) applyGroupRoles(ctx context.Context, o store.Org, userIDs []string) error {
	m, err := d.svc.RoleMappings().Get(ctx, o)
	if err != nil || len(m.Rules) == 0 {
		return err
	}
	groups, err := d.svc.Store.ListSCIMGroups(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(userIDs))) {
		var values []string
		for _, g := range groups {
			if slices.Contains(g.Members, id) {
				values = append(values, g.DisplayName, g.ExternalID)
			}
		}
		role, _, _ := roleForGroups(m, values)
		if err := d.setRole(ctx, o, id, role); err != nil {
			return err
		}
	}
	return nil
}

func (d DirectorySync) setRole(ctx context.Context, o store.Org, userID, role string) error {
	u, err := d.svc.Store.GetSCIMUser(ctx, o.ID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	was := ""
	mem, err := d.svc.Store.UpdateMember(ctx, u.MemberID, func(x *store.Member) error { was, x.Role = x.Role, role; return nil })
	if errors.Is(err, store.ErrLastAdmin) || errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if was != role {
		d.svc.Audit(ctx, o, "scim", "member.role", fmt.Sprintf("%s is now %s (was %s) by the group mapping, after a directory sync", mem.Email, role, was))
	}
	return nil
}

// CreateGroup provisions a group (POST /Groups).
func (d DirectorySync) CreateGroup(ctx context.Context, o store.Org, in scim.Group) (scim.Group, error) {
	g, err := groupIn(o, in)
	if err != nil {
		return scim.Group{}, err
	}
	return d.saveGroup(ctx, o, g, nil)
}

func (d DirectorySync) storedGroup(ctx context.Context, o store.Org, id string) (store.SCIMGroup, error) {
	g, err := d.svc.Store.GetSCIMGroup(ctx, o.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return g, scim.NotFound("no group " + id + " in this organization")
	}
	return g, err
}

// GetGroup reads one group.
func (d DirectorySync) GetGroup(ctx context.Context, o store.Org, id string) (scim.Group, error) {
	g, err := d.storedGroup(ctx, o, id)
	if err != nil {
		return scim.Group{}, err
	}
	return d.groupOut(ctx, o, g, nil)
}

// ReplaceGroup replaces a group (PUT).
func (d DirectorySync) ReplaceGroup(ctx context.Context, o store.Org, id string, in scim.Group) (scim.Group, error) {
	old, err := d.storedGroup(ctx, o, id)
	if err != nil {
		return scim.Group{}, err
	}
	g, err := groupIn(o, in)
	if err != nil {
		return scim.Group{}, err
	}
	g.ID = id
	return d.saveGroup(ctx, o, g, &old)
}

// PatchGroup changes a group with PATCH operations (members added and
// removed, a new name).
func (d DirectorySync) PatchGroup(ctx context.Context, o store.Org, id string, ops []scim.Operation) (scim.Group, error) {
	old, err := d.storedGroup(ctx, o, id)
	if err != nil {
		return scim.Group{}, err
	}
	cur, err := d.groupOut(ctx, o, old, map[string]string{})
	if err != nil {
		return scim.Group{}, err
	}
	if err := scim.PatchGroup(&cur, ops); err != nil {
		return scim.Group{}, err
	}
	g, err := groupIn(o, cur)
	if err != nil {
		return scim.Group{}, err
	}
	g.ID = id
	return d.saveGroup(ctx, o, g, &old)
}

// DeleteGroup removes a group; its people's roles follow.
func (d DirectorySync) DeleteGroup(ctx context.Context, o store.Org, id string) error {
	old, err := d.storedGroup(ctx, o, id)
	if err != nil {
		return err
	}
	if err := d.svc.Store.DeleteSCIMGroup(ctx, o.ID, id); err != nil {
		return err
	}
	d.svc.Audit(ctx, o, "scim", "dsync.group.deleted", "the IdP removed group "+old.DisplayName)
	return d.applyGroupRoles(ctx, o, old.Members)
}

// ListGroups lists the groups a filter selects, one page.
func (d DirectorySync) ListGroups(ctx context.Context, o store.Org, f *scim.Filter, start, count int) (scim.ListResponse, error) {
	groups, err := d.svc.Store.ListSCIMGroups(ctx, o.ID)
	if err != nil {
		return scim.ListResponse{}, err
	}
	names, err := d.userNames(ctx, o)
	if err != nil {
		return scim.ListResponse{}, err
	}
	var matched []store.SCIMGroup
	for _, g := range groups {
		members := make([]map[string]string, 0, len(g.Members))
		for _, m := range g.Members {
			members = append(members, map[string]string{"value": m, "display": names[m]})
		}
		attrs := scim.Attrs{Single: map[string]string{"id": g.ID, "displayname": g.DisplayName, "externalid": g.ExternalID},
			Multi: map[string][]map[string]string{"members": members}}
		if f.Match(attrs) {
			matched = append(matched, g)
		}
	}
	return listPage(matched, start, count, func(g store.SCIMGroup) (any, error) { return d.groupOut(ctx, o, g, names) })
}
