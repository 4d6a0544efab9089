// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// InviteTTL is how long an invite link works.
const InviteTTL = 7 * 24 * time.Hour

// ErrBadCredentials is the one password sign-in failure people see.
var ErrBadCredentials = errors.New("the email or password is incorrect")

var dummyHash = sync.OnceValue(func() string {
	h, _ := password.Hash("signet-timing-equalizer", password.Default())
	return h
})

// ChooseOrgError asks which org to sign in to: the email and password
// match members of several orgs and none was named.
type ChooseOrgError struct{ Orgs []store.Org }

func (e *ChooseOrgError) Error() string {
	return "this email belongs to several organizations: choose one"
}

// Accounts owns the Workspace's rules for orgs and their people: creating
// orgs, adding members and changing their roles, invitations, and password
// sign-in. Get one from Service.Accounts.
type Accounts struct{ svc *Service }

// Accounts is the org and member rules over this service's store.
func (s *Service) Accounts() Accounts { return Accounts{s} }

// Authenticate checks a member's password. With orgSlug it signs in to that
// org only; without, to the one org whose member has this email and
// password, or it returns a *ChooseOrgError listing them.
//
// Every failure is the same ErrBadCredentials after the same work: an
// unknown email, a member without a password, a wrong password, and a
// member whose org requires SSO (right password or not) are told apart by
// nothing (SECURITY-CASES 92, 93). Admins of such orgs may still use their
// password (break-glass); the sign-in says so.
func (a Accounts) Authenticate(ctx context.Context, email, pw, orgSlug string) (store.Member, store.Org, error) {
	ms, err := a.svc.Store.MembershipsByEmail(ctx, normEmail(email))
	if err != nil {
		return store.Member{}, store.Org{}, err
	}
	type match struct {
		m store.Member
		o store.Org
	}
	var matches []match
	checks := 0
	for _, m := range ms {
		if m.PasswordHash == "" {
			continue
		}
		o, err := a.svc.Store.GetOrg(ctx, m.OrgID)
		if err != nil {
			return store.Member{}, store.Org{}, err
		}
		if orgSlug != "" && o.Slug != orgSlug {
			continue
		}
		checks++
		if password.Check(m.PasswordHash, pw) != nil {
			continue
		}
		if allowed, err := a.svc.SessionAllowed(ctx, o, m, store.Session{Method: "password"}); err != nil {
			return store.Member{}, store.Org{}, err
		} else if allowed {
			matches = append(matches, match{m, o})
		}
	}
	if checks == 0 {
		_ = password.Check(dummyHash(), pw) // the same time whether or not the email exists
	}
	switch len(matches) {
	case 0:
		return store.Member{}, store.Org{}, ErrBadCredentials
	case 1:
		return matches[0].m, matches[0].o, nil
	}
	choose := &ChooseOrgError{}
	for _, m := range matches {
		choose.Orgs = append(choose.Orgs, m.o)
	}
	return store.Member{}, store.Org{}, choose
}

// BreakGlass reports whether a password sign-in of m to o bypassed Require
// SSO (an admin's way in when SSO breaks): it is audited as such.
func (a Accounts) BreakGlass(ctx context.Context, o store.Org, m store.Member) bool {
	if m.Role != "admin" || !SSOAvailable(o.Plan) {
		return false
	}
	c, err := a.svc.Store.GetSSOConnection(ctx, o.ID, "")
	return err == nil && c.RequireSSO
}

// NewInvite creates an invite and returns the token for the link.
func (a Accounts) NewInvite(ctx context.Context, actor store.Member, o store.Org, email, role string) (string, error) {
	email = normEmail(email)
	if _, err := ident.Email(email); err != nil {
		return "", badRequest("Enter an email address such as pat@example.com: " + err.Error() + ".")
	}
	if !slices.Contains(roles, role) {
		return "", badRequest("Choose a role: viewer, member, manager or admin.")
	}
	if _, err := a.svc.Store.GetMemberByEmail(ctx, o.ID, email); err == nil {
		return "", badRequest(email + " is already a member.")
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	tok := newToken(a.svc.rand())
	err := a.svc.Store.CreateInvite(ctx, store.Invite{ID: web.HashToken(tok), OrgID: o.ID, Email: email, Role: role,
		CreatedBy: actor.Email, CreatedAt: a.svc.now(), ExpiresAt: a.svc.now().Add(InviteTTL)})
	if err != nil {
		return "", err
	}
	a.svc.Audit(ctx, o, actor.Email, "member.invite", fmt.Sprintf("invited %s as %s", email, role))
	if a.EmailsInvites() {
		link := a.svc.BaseURL + "/invite/" + tok
		text := fmt.Sprintf("Hello,\n\n%s invited you to join %s as %s.\n\nAccept the invitation here (the link works once, for 7 days):\n%s\n\n"+
			"If %s signs in with single sign-on, the link takes you to \u201cSign in with SSO\u201d with your work account.\n",
			cmp.Or(actor.Email, "An administrator"), o.Name, role, link, o.Name)
		if err := a.svc.Mail.Queue(ctx, email, "You are invited to join "+o.Name, text, "workspace_invitation"); err != nil {
			return "", err
		}
	}
	return tok, nil
}

// EmailsInvites reports whether invitations are emailed to the invited
// address (then the link is not shown to the admin: accepting proves the
// email).
func (a Accounts) EmailsInvites() bool { return a.svc.Mail != nil && a.svc.Mail.Sender != nil }

// errInviteBySSO refuses a password for an invitation to an org with SSO:
// its people join by signing in with SSO.
var errInviteBySSO = web.BadRequest("This organization signs people in with single sign-on: use “Sign in with SSO to join”, no password needed.")

// RevokeInvite withdraws one of the org's open invitations; its link and
// an SSO sign-in with its email stop accepting it.
func (a Accounts) RevokeInvite(ctx context.Context, actor store.Member, o store.Org, id string) error {
	inv, err := a.svc.Store.GetInvite(ctx, id, a.svc.now())
	if err != nil || inv.OrgID != o.ID {
		return store.ErrNotFound
	}
	if err := a.svc.Store.DeleteInvite(ctx, o.ID, id); err != nil {
		return err
	}
	a.svc.Audit(ctx, o, actor.Email, "member.invite.revoke", fmt.Sprintf("revoked the invitation of %s (%s)", inv.Email, inv.Role))
	return nil
}

// AcceptInvite turns an invite into a member with a password. An org that
// signs people in with SSO refuses: there the first SSO sign-in with the
// invitation's email accepts it (ConsumeResponse).
func (a Accounts) AcceptInvite(ctx context.Context, tok, pw string) (store.Member, store.Org, error) {
	pending, err := a.svc.Store.GetInvite(ctx, web.HashToken(tok), a.svc.now())
	if err != nil {
		return store.Member{}, store.Org{}, err
	}
	o, err := a.svc.Store.GetOrg(ctx, pending.OrgID)
	if err != nil {
		return store.Member{}, o, err
	}
	if sso, err := a.svc.HasConnection(ctx, o); err != nil || sso {
		return store.Member{}, o, cmp.Or(err, error(errInviteBySSO))
	}
	if err := password.Validate(pw, pending.Email); err != nil {
		return store.Member{}, store.Org{}, badRequest("Password: " + err.Error() + ".")
	}
	// Hash before consuming, so a failure cannot lose the invitation.
	h, err := password.Hash(pw, a.svc.Password)
	if err != nil {
		return store.Member{}, o, err
	}
	inv, err := a.svc.Store.ConsumeInvite(ctx, web.HashToken(tok), a.svc.now())
	if err != nil {
		return store.Member{}, o, err
	}
	m, err := a.svc.Store.CreateMember(ctx, store.Member{OrgID: o.ID, Email: inv.Email, Role: inv.Role, PasswordHash: h, CreatedAt: a.svc.now()})
	if err != nil {
		return m, o, err
	}
	a.svc.Audit(ctx, o, m.Email, "member.join", "accepted the invite as "+m.Role)
	return m, o, nil
}

// ErrLastAdmin keeps an org from losing its last admin.
var ErrLastAdmin = store.ErrLastAdmin

// SetRole changes a member's role.
func (a Accounts) SetRole(ctx context.Context, actor store.Member, o store.Org, memberID, role string) error {
	if !slices.Contains(roles, role) {
		return badRequest("Choose a role: viewer, member, manager or admin.")
	}
	m, err := a.svc.Store.GetMember(ctx, memberID)
	if err != nil || m.OrgID != o.ID {
		return store.ErrNotFound
	}
	if _, err := a.svc.Store.UpdateMember(ctx, m.ID, func(x *store.Member) error { x.Role = role; return nil }); err != nil {
		return err
	}
	a.svc.Audit(ctx, o, actor.Email, "member.role", fmt.Sprintf("%s is now %s (was %s)", m.Email, role, m.Role))
	return nil
}

// RemoveMember takes a member out of the org; their sessions end with it
// (a session whose member is gone opens nothing). The last admin stays.
func (a Accounts) RemoveMember(ctx context.Context, actor store.Member, o store.Org, memberID string) error {
	m, err := a.svc.Store.GetMember(ctx, memberID)
	if err != nil || m.OrgID != o.ID {
		return store.ErrNotFound
	}
	if err := a.svc.Store.DeleteMember(ctx, m.ID); err != nil {
		return err
	}
	a.svc.Audit(ctx, o, actor.Email, "member.remove", fmt.Sprintf("removed %s (%s)", m.Email, m.Role))
	return nil
}

// slugPattern is an org ID: what URLs carry ({sp}/saml/{org}/…).
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$`)

// CreateOrg creates an org on a plan with its first admin (password hash
// optional), checking the name, the ID, the plan and the email by the
// Workspace's rules, and audits it. Refusals are *web.PublicError.
func (a Accounts) CreateOrg(ctx context.Context, actor string, o store.Org, adminEmail, passwordHash string) (store.Org, error) {
	name, err := ident.Clean(o.Name, ident.MaxName)
	if err != nil {
		return store.Org{}, badRequest("The organization name is not accepted: " + err.Error() + ".")
	}
	email := normEmail(adminEmail)
	switch {
	case !slugPattern.MatchString(o.Slug):
		return store.Org{}, badRequest("The organization ID " + strconv.Quote(o.Slug) + " is not accepted: use 3-40 lower-case letters, digits and dashes.")
	case !slices.Contains(plans, o.Plan):
		return store.Org{}, badRequest("The plan " + strconv.Quote(o.Plan) + " does not exist: use one of " + strings.Join(plans, ", ") + ".")
	}
	if _, err := ident.Email(email); err != nil {
		return store.Org{}, badRequest("The admin's email is not accepted: " + err.Error() + ".")
	}
	if o.ExternalID != "" {
		if o.ExternalID, err = ident.Clean(o.ExternalID, ident.MaxName); err != nil {
			return store.Org{}, badRequest("The external ID is not accepted: " + err.Error() + ".")
		}
	}
	o.Name = name
	created, err := a.svc.Store.CreateOrg(ctx, o, &store.Member{Email: email, Role: "admin", PasswordHash: passwordHash, CreatedAt: a.svc.now()})
	if errors.Is(err, store.ErrConflict) {
		if _, taken := a.svc.Store.GetOrgByExternalID(ctx, o.ExternalID); taken == nil {
			return store.Org{}, web.Conflict("An organization with the external ID " + strconv.Quote(o.ExternalID) + " already exists.")
		}
		return store.Org{}, web.Conflict("An organization with the ID " + strconv.Quote(o.Slug) + " already exists.")
	}
	if err != nil {
		return store.Org{}, err
	}
	a.svc.Audit(ctx, created, actor, "org.create", fmt.Sprintf("plan %s, admin %s", created.Plan, email))
	return created, nil
}

// AddMember adds a member with a role (password hash optional) by the
// Workspace's rules, and audits it. Refusals are *web.PublicError.
func (a Accounts) AddMember(ctx context.Context, actor string, o store.Org, email, role, passwordHash string) (store.Member, error) {
	email = normEmail(email)
	if _, err := ident.Email(email); err != nil {
		return store.Member{}, badRequest("The email is not accepted: " + err.Error() + ".")
	}
	if !slices.Contains(roles, role) {
		return store.Member{}, badRequest("Choose a role: viewer, member, manager or admin.")
	}
	m, err := a.svc.Store.CreateMember(ctx, store.Member{OrgID: o.ID, Email: email, Role: role, PasswordHash: passwordHash, CreatedAt: a.svc.now()})
	if errors.Is(err, store.ErrConflict) {
		return store.Member{}, web.Conflict(email + " is already a member of " + o.Slug + ".")
	}
	if err != nil {
		return store.Member{}, err
	}
	a.svc.Audit(ctx, o, actor, "member.add", fmt.Sprintf("added %s as %s", m.Email, m.Role))
	return m, nil
}

// OrgChanges are the fields of an org that may change (nil: unchanged).
type OrgChanges struct {
	Name, Plan, ExternalID *string
}

// UpdateOrg changes an org's name, plan or external ID by the Workspace's
// rules, and audits it. Refusals are *web.PublicError.
func (a Accounts) UpdateOrg(ctx context.Context, actor string, o store.Org, ch OrgChanges) (store.Org, error) {
	next := o
	if ch.Name != nil {
		name, err := ident.Clean(*ch.Name, ident.MaxName)
		if err != nil || name == "" {
			return o, badRequest("The organization name is not accepted: " + fmt.Sprint(cmp.Or(err, errors.New("it is empty"))) + ".")
		}
		next.Name = name
	}
	if ch.Plan != nil {
		if !slices.Contains(plans, *ch.Plan) {
			return o, badRequest("The plan " + strconv.Quote(*ch.Plan) + " does not exist: use one of " + strings.Join(plans, ", ") + ".")
		}
		next.Plan = *ch.Plan
	}
	if ch.ExternalID != nil {
		next.ExternalID = *ch.ExternalID
		if next.ExternalID != "" {
			id, err := ident.Clean(next.ExternalID, ident.MaxName)
			if err != nil {
				return o, badRequest("The external ID is not accepted: " + err.Error() + ".")
			}
			next.ExternalID = id
		}
	}
	updated, err := a.svc.Store.UpdateOrg(ctx, o.ID, func(x *store.Org) error {
		x.Name, x.Plan, x.ExternalID = next.Name, next.Plan, next.ExternalID
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return o, web.Conflict("An organization with the external ID " + strconv.Quote(next.ExternalID) + " already exists.")
	}
	if err != nil {
		return o, err
	}
	a.svc.Audit(ctx, updated, actor, "org.update", fmt.Sprintf("name %q, plan %s, external ID %q", updated.Name, updated.Plan, updated.ExternalID))
	return updated, nil
}

// DeleteOrg deletes an org with its members, connection and sessions; its
// audit log stays, ending with the deletion.
func (a Accounts) DeleteOrg(ctx context.Context, actor string, o store.Org) error {
	if err := a.svc.Store.DeleteOrg(ctx, o.ID); err != nil {
		return err
	}
	a.svc.Audit(ctx, o, actor, "org.delete", "deleted the organization "+o.Slug)
	return nil
}
