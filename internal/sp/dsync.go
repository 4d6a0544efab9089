// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/scim"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// DirectorySync is directory sync into the Workspace: an org's IdP pushes
// its people and groups over SCIM 2.0 (with the org's bearer token), and
// they become the org's members, with roles from the org's group mapping.
// Deactivating or deleting a user at the IdP deactivates the member: their
// sessions end in the same transaction and they cannot sign in again.
type DirectorySync struct{ svc *Service }

// DirectorySync returns the org directory-sync service.
func (s *Service) DirectorySync() DirectorySync { return DirectorySync{s} }

// scimTokenPrefix marks Signet's SCIM tokens (for secret scanners).
const scimTokenPrefix = "signet_scim_"

// maxSCIMValue bounds a SCIM string attribute, in characters.
const maxSCIMValue = 256

// NewToken makes the org's SCIM bearer token, replacing the old one, and
// returns it: it is shown once and stored hashed.
func (d DirectorySync) NewToken(ctx context.Context, actor string, o store.Org) (string, error) {
	if !SSOAvailable(o.Plan) {
		return "", ErrNotOnPlan
	}
	token := scimTokenPrefix + newToken(d.svc.rand())
	if err := d.svc.Store.SetSCIMToken(ctx, o.ID, web.HashToken(token), d.svc.now()); err != nil {
		return "", err
	}
	d.svc.Audit(ctx, o, actor, "scim.token", "made a new SCIM token; the previous one no longer works")
	return token, nil
}

// TokenCreated is when the org's SCIM token was made (zero: none).
func (d DirectorySync) TokenCreated(ctx context.Context, o store.Org) (time.Time, error) {
	return d.svc.Store.SCIMTokenCreated(ctx, o.ID)
}

// Authenticate returns the org the bearer token belongs to, if it is the
// org named in the URL and the org's plan has SSO.
func (d DirectorySync) Authenticate(ctx context.Context, slug, token string) (store.Org, error) {
	unauthorized := scim.NewError(401, "", "a valid SCIM bearer token for this organization is required")
	if !strings.HasPrefix(token, scimTokenPrefix) || len(token) > 200 {
		return store.Org{}, unauthorized
	}
	orgID, err := d.svc.Store.SCIMTokenOrg(ctx, web.HashToken(token), d.svc.now())
	if errors.Is(err, store.ErrNotFound) {
		return store.Org{}, unauthorized
	}
	if err != nil {
		return store.Org{}, err
	}
	o, err := d.svc.Store.GetOrg(ctx, orgID)
	if err != nil {
		return o, err
	}
	if o.Slug != slug && o.ID != slug {
		return store.Org{}, unauthorized // another org's token: never this org's data
	}
	if !SSOAvailable(o.Plan) {
		return store.Org{}, scim.NewError(403, "", "directory sync is not included in this organization's plan")
	}
	return o, nil
}

// userIn checks a User from the IdP and makes it a stored user.
func userIn(o store.Org, in scim.User) (store.SCIMUser, error) {
	u := store.SCIMUser{OrgID: o.ID, UserName: strings.TrimSpace(in.UserName), ExternalID: in.ExternalID,
		DisplayName: in.DisplayName, Active: in.Active == nil || bool(*in.Active)}
	if in.Name != nil {
		u.GivenName, u.FamilyName = in.Name.GivenName, in.Name.FamilyName
	}
	if u.UserName == "" {
		return u, scim.InvalidValue("userName is required")
	}
	for _, v := range []string{u.UserName, u.ExternalID, u.DisplayName, u.GivenName, u.FamilyName} {
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxSCIMValue || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return u, scim.InvalidValue(fmt.Sprintf("attribute values are at most %d characters, without control characters", maxSCIMValue))
		}
	}
	email, err := ident.Email(in.PrimaryEmail())
	if err != nil {
		return u, scim.InvalidValue("the user needs a valid email (emails, or a userName that is an email): " + err.Error())
	}
	u.Email = normEmail(email)
	return u, nil
}

// userOut is a stored user as the IdP reads it; groups are the org's
// groups of each user (groupRefs), nil to read them.
func (d DirectorySync) userOut(ctx context.Context, o store.Org, u store.SCIMUser, groups map[string][]scim.Ref) (scim.User, error) {
	active := scim.Bool(u.Active)
	out := scim.User{Schemas: []string{scim.SchemaUser}, ID: u.ID, ExternalID: u.ExternalID, UserName: u.UserName,
		DisplayName: u.DisplayName, Active: &active, Emails: []scim.Email{{Value: u.Email, Type: "work", Primary: true}},
		Meta: d.meta(o, "User", u.ID, u.CreatedAt, u.UpdatedAt, u.Version)}
	if u.GivenName != "" || u.FamilyName != "" {
		out.Name = &scim.Name{GivenName: u.GivenName, FamilyName: u.FamilyName}
	}
	if groups == nil {
		var err error
		if groups, err = d.groupRefs(ctx, o); err != nil {
			return out, err
		}
	}
	out.Groups = groups[u.ID]
	return out, nil
}

// groupRefs lists each user's groups, by user ID.
func (d DirectorySync) groupRefs(ctx context.Context, o store.Org) (map[string][]scim.Ref, error) {
	groups, err := d.svc.Store.ListSCIMGroups(ctx, o.ID)
	refs := map[string][]scim.Ref{}
	for _, g := range groups {
		for _, m := range g.Members {
			refs[m] = append(refs[m], scim.Ref{Value: g.ID, Display: g.DisplayName, Ref: d.location(o, "Groups", g.ID)})
		}
	}
	return refs, err
}

func (d DirectorySync) meta(o store.Org, kind, id string, created, updated time.Time, version int64) *scim.Meta {
	return &scim.Meta{ResourceType: kind, Created: created.UTC().Format(time.RFC3339), LastModified: updated.UTC().Format(time.RFC3339),
		Location: d.location(o, kind+"s", id), Version: `W/"` + strconv.FormatInt(version, 10) + `"`}
}

func (d DirectorySync) location(o store.Org, kind, id string) string {
	return d.svc.BaseURL + "/scim/v2/" + o.Slug + "/" + kind + "/" + id
}

// saveUser stores a user with its member and says what changed.
func (d DirectorySync) saveUser(ctx context.Context, o store.Org, u store.SCIMUser, old *store.SCIMUser) (scim.User, error) {
	if old != nil && sameUser(*old, u) {
		return d.userOut(ctx, o, *old, nil) // nothing changed: no new version, no event
	}
	role, err := d.newMemberRole(ctx, o)
	if err != nil {
		return scim.User{}, err
	}
	saved, err := d.svc.Store.PutSCIMUser(ctx, u, role)
	if errors.Is(err, store.ErrConflict) {
		return scim.User{}, scim.Uniqueness("another user of this organization has this userName or email")
	}
	if err != nil {
		return scim.User{}, err
	}
	d.auditUser(ctx, o, saved, old)
	return d.userOut(ctx, o, saved, nil)
}

// sameUser reports whether u says nothing that old did not.
func sameUser(old, u store.SCIMUser) bool {
	return old.UserName == u.UserName && old.ExternalID == u.ExternalID && old.Email == u.Email && old.GivenName == u.GivenName &&
		old.FamilyName == u.FamilyName && old.DisplayName == u.DisplayName && old.Active == u.Active
}

func (d DirectorySync) auditUser(ctx context.Context, o store.Org, u store.SCIMUser, old *store.SCIMUser) {
	switch {
	case old == nil:
		d.svc.Audit(ctx, o, "scim", "dsync.user.created", fmt.Sprintf("the IdP provisioned %s (active %v)", u.Email, u.Active))
	case old.Active && !u.Active:
		d.svc.Audit(ctx, o, "scim", "dsync.user.deactivated", u.Email+" was deactivated by the IdP: their sessions ended")
	case !old.Active && u.Active:
		d.svc.Audit(ctx, o, "scim", "dsync.user.reactivated", u.Email+" was reactivated by the IdP")
	default:
		detail := u.Email + " was updated by the IdP"
		if old.Email != u.Email {
			detail = fmt.Sprintf("the IdP changed %s's email to %s", old.Email, u.Email)
		}
		d.svc.Audit(ctx, o, "scim", "dsync.user.updated", detail)
	}
}

// newMemberRole is the role a provisioned person gets when they are not a
// member yet: the group mapping's default when the org maps groups to
// roles, else member. Their groups then set it (applyGroupRoles).
func (d DirectorySync) newMemberRole(ctx context.Context, o store.Org) (string, error) {
	m, err := d.svc.RoleMappings().Get(ctx, o)
	if err != nil || len(m.Rules) == 0 {
		return "member", err
	}
	return m.DefaultRole, nil
}

// CreateUser provisions a user (POST /Users).
func (d DirectorySync) CreateUser(ctx context.Context, o store.Org, in scim.User) (scim.User, error) {
	u, err := userIn(o, in)
	if err != nil {
		return scim.User{}, err
	}
	return d.saveUser(ctx, o, u, nil)
}

// GetUser reads one user.
func (d DirectorySync) GetUser(ctx context.Context, o store.Org, id string) (scim.User, error) {
	u, err := d.svc.Store.GetSCIMUser(ctx, o.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return scim.User{}, scim.NotFound("no user " + id + " in this organization")
	}
	if err != nil {
		return scim.User{}, err
	}
	return d.userOut(ctx, o, u, nil)
}

// ReplaceUser replaces a user (PUT).
func (d DirectorySync) ReplaceUser(ctx context.Context, o store.Org, id string, in scim.User) (scim.User, error) {
	old, err := d.svc.Store.GetSCIMUser(ctx, o.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return scim.User{}, scim.NotFound("no user " + id + " in this organization")
	}
	if err != nil {
		return scim.User{}, err
	}
	u, err := userIn(o, in)
	if err != nil {
		return scim.User{}, err
	}
	u.ID = id
	return d.saveUser(ctx, o, u, &old)
}

// PatchUser changes a user with PATCH operations.
func (d DirectorySync) PatchUser(ctx context.Context, o store.Org, id string, ops []scim.Operation) (scim.User, error) {
	old, err := d.svc.Store.GetSCIMUser(ctx, o.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return scim.User{}, scim.NotFound("no user " + id + " in this organization")
	}
	if err != nil {
		return scim.User{}, err
	}
	cur, err := d.userOut(ctx, o, old, map[string][]scim.Ref{}) // groups are not patched through a user
	if err != nil {
		return scim.User{}, err
	}
	if err := scim.PatchUser(&cur, ops); err != nil {
		return scim.User{}, err
	}
	u, err := userIn(o, cur)
	if err != nil {
		return scim.User{}, err
	}
	u.ID = id
	return d.saveUser(ctx, o, u, &old)
}

// DeleteUser deprovisions a user: the member stays, deactivated.
func (d DirectorySync) DeleteUser(ctx context.Context, o store.Org, id string) error {
	old, err := d.svc.Store.GetSCIMUser(ctx, o.ID, id)
	if err == nil {
		err = d.svc.Store.DeleteSCIMUser(ctx, o.ID, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return scim.NotFound("no user " + id + " in this organization")
	}
	if err != nil {
		return err
	}
	d.svc.Audit(ctx, o, "scim", "dsync.user.deleted", old.Email+" was removed by the IdP: deactivated, their sessions ended")
	return nil
}

// ListUsers lists the users a filter selects, one page (startIndex from 1).
func (d DirectorySync) ListUsers(ctx context.Context, o store.Org, f *scim.Filter, start, count int) (scim.ListResponse, error) {
	users, err := d.svc.Store.ListSCIMUsers(ctx, o.ID)
	if err != nil {
		return scim.ListResponse{}, err
	}
	groups, err := d.groupRefs(ctx, o)
	if err != nil {
		return scim.ListResponse{}, err
	}
	var matched []store.SCIMUser
	for _, u := range users {
		attrs := scim.Attrs{Single: map[string]string{"id": u.ID, "username": u.UserName, "externalid": u.ExternalID,
			"displayname": u.DisplayName, "active": strconv.FormatBool(u.Active), "name.givenname": u.GivenName, "name.familyname": u.FamilyName},
			Multi: map[string][]map[string]string{"emails": {{"value": u.Email, "type": "work", "primary": "true"}}}}
		if f.Match(attrs) {
			matched = append(matched, u)
		}
	}
	return listPage(matched, start, count, func(u store.SCIMUser) (any, error) { return d.userOut(ctx, o, u, groups) })
}

// listPage is one page of a list response.
func listPage[T any](items []T, start, count int, out func(T) (any, error)) (scim.ListResponse, error) {
	resp := scim.ListResponse{Schemas: []string{scim.SchemaList}, TotalResults: len(items), StartIndex: start, Resources: []any{}}
	for i := start - 1; i < len(items) && len(resp.Resources) < count; i++ {
		r, err := out(items[i])
		if err != nil {
			return resp, err
		}
		resp.Resources = append(resp.Resources, r)
	}
	resp.ItemsPerPage = len(resp.Resources)
	return resp, nil
}
