// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/store"
)

// UserInput is the user form (and the CLI's user flags).
type UserInput struct {
	Username, Email                    string
	GivenName, FamilyName, DisplayName string
	Password                           string // empty: keep (edit) or none (create)
	Active, Admin                      bool
}

func (in *UserInput) validate() FieldErrors {
	fe := FieldErrors{}
	in.Username, in.Email = strings.TrimSpace(in.Username), strings.TrimSpace(in.Email)
	if u, err := ident.Clean(in.Username, ident.MaxName); err == nil {
		in.Username = u
	} else if in.Username != "" {
		fe["username"] = "Not accepted: " + err.Error() + "."
	}
	switch {
	case fe["username"] != "":
	case in.Username == "":
		fe["username"] = "Enter a username."
	case utf8.RuneCountInString(in.Username) > 128 || strings.ContainsAny(in.Username, " \t\r\n<>\"'&/\\"):
		fe["username"] = "Use at most 128 characters, without spaces, quotes, slashes or angle brackets."
	}
	if in.Email != "" {
		if e, err := ident.Email(in.Email); err != nil {
			fe["email"] = "Enter an email address such as pat@example.com, or leave it empty: " + err.Error() + "."
		} else {
			in.Email = e
		}
	}
	for field, v := range map[string]*string{"given_name": &in.GivenName, "family_name": &in.FamilyName, "display_name": &in.DisplayName} {
		if *v == "" {
			continue
		}
		if c, err := ident.Clean(*v, ident.MaxName); err != nil {
			fe[field] = "Not accepted: " + err.Error() + "."
		} else {
			*v = c
		}
	}
	if in.Password != "" {
		if err := password.Validate(in.Password, in.Username, in.Email, in.GivenName, in.FamilyName, in.DisplayName); err != nil {
			fe["password"] = "Password: " + err.Error() + "."
		}
	}
	return fe
}

// Directory owns the Identity Center's rules for its users and groups:
// creating, editing and deleting them, group membership, and password
// sign-in. Get one from Service.Directory.
type Directory struct{ svc *Service }

// Directory is the user and group rules over this service's store.
func (s *Service) Directory() Directory { return Directory{s} }

// CreateUser adds a directory user.
func (d Directory) CreateUser(ctx context.Context, actor string, in UserInput) (store.User, error) {
	if fe := in.validate(); len(fe) > 0 {
		return store.User{}, fe
	}
	u := store.User{Username: in.Username, Email: in.Email, GivenName: strings.TrimSpace(in.GivenName),
		FamilyName: strings.TrimSpace(in.FamilyName), DisplayName: strings.TrimSpace(in.DisplayName),
		Active: true, Admin: in.Admin, CreatedAt: d.svc.now()}
	if in.Password != "" {
		h, err := password.Hash(in.Password, d.svc.Password)
		if err != nil {
			return store.User{}, err
		}
		u.PasswordHash = h
	}
	u, err := d.svc.Store.CreateUser(ctx, u)
	if errors.Is(err, store.ErrConflict) {
		return store.User{}, FieldErrors{"username": "A user with this username already exists."}
	}
	if err != nil {
		return store.User{}, err
	}
	detail := "primary email " + orNone(u.Email)
	if u.Admin {
		detail += "; Identity Center admin"
	}
	d.svc.Audit(ctx, actor, "user.create", u.Username, detail)
	return u, nil
}

// UpdateUser edits a user; an empty password keeps the current one.
func (d Directory) UpdateUser(ctx context.Context, actor, id string, in UserInput) (store.User, error) {
	if fe := in.validate(); len(fe) > 0 {
		return store.User{}, fe
	}
	var hash string
	if in.Password != "" {
		h, err := password.Hash(in.Password, d.svc.Password)
		if err != nil {
			return store.User{}, err
		}
		hash = h
	}
	u, err := d.svc.Store.UpdateUser(ctx, id, func(u *store.User) error {
		u.Username, u.Email, u.GivenName, u.FamilyName, u.DisplayName = in.Username, in.Email,
			strings.TrimSpace(in.GivenName), strings.TrimSpace(in.FamilyName), strings.TrimSpace(in.DisplayName)
		u.Active, u.Admin = in.Active, in.Admin
		if hash != "" {
			u.PasswordHash = hash
		}
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return store.User{}, FieldErrors{"username": "A user with this username already exists."}
	}
	if err != nil {
		return store.User{}, err
	}
	if !u.Active { // a deactivated user's sessions end with it, or the change fails
		for _, realm := range []string{store.RealmPortal, store.RealmAdmin} {
			if err := d.svc.Store.DeleteUserSessions(ctx, realm, u.ID); err != nil {
				return store.User{}, err
			}
		}
	}
	d.svc.Audit(ctx, actor, "user.update", u.Username, fmt.Sprintf("primary email %s, active %v, admin %v", orNone(u.Email), u.Active, u.Admin))
	return u, nil
}

// DeleteUser removes a user, their memberships, assignments and sessions.
func (d Directory) DeleteUser(ctx context.Context, actor string, u store.User) error {
	if err := d.svc.Store.DeleteUser(ctx, u.ID); err != nil {
		return err
	}
	d.svc.Audit(ctx, actor, "user.delete", u.Username, "")
	return nil
}

// CreateGroup adds a group.
func (d Directory) CreateGroup(ctx context.Context, actor, name, description string) (store.Group, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return store.Group{}, FieldErrors{"name": "Enter a group name."}
	case utf8.RuneCountInString(name) > 128 || strings.ContainsAny(name, "<>\"&"):
		return store.Group{}, FieldErrors{"name": "Use at most 128 characters, without <, >, & or quotes."}
	case utf8.RuneCountInString(description) > 1024:
		return store.Group{}, FieldErrors{"description": "Use at most 1024 characters."}
	}
	g, err := d.svc.Store.CreateGroup(ctx, store.Group{Name: name, Description: strings.TrimSpace(description), CreatedAt: d.svc.now()})
	if errors.Is(err, store.ErrConflict) {
		return store.Group{}, FieldErrors{"name": "A group with this name already exists."}
	}
	if err != nil {
		return store.Group{}, err
	}
	d.svc.Audit(ctx, actor, "group.create", g.Name, "")
	return g, nil
}

// AddMember puts a user in a group.
func (d Directory) AddMember(ctx context.Context, actor string, g store.Group, u store.User) error {
	if err := d.svc.Store.AddGroupMember(ctx, g.ID, u.ID); err != nil {
		return err
	}
	d.svc.Audit(ctx, actor, "group.add_member", g.Name, "added "+u.Username)
	return nil
}

// RemoveMember takes a user out of a group.
func (d Directory) RemoveMember(ctx context.Context, actor string, g store.Group, u store.User) error {
	if err := d.svc.Store.RemoveGroupMember(ctx, g.ID, u.ID); err != nil {
		return err
	}
	d.svc.Audit(ctx, actor, "group.remove_member", g.Name, "removed "+u.Username)
	return nil
}

// DeleteGroup removes a group and its assignments.
func (d Directory) DeleteGroup(ctx context.Context, actor string, g store.Group) error {
	if err := d.svc.Store.DeleteGroup(ctx, g.ID); err != nil {
		return err
	}
	d.svc.Audit(ctx, actor, "group.delete", g.Name, "")
	return nil
}

// Authenticate checks a directory user's password. Every failure returns
// the same error, so usernames cannot be probed.
func (d Directory) Authenticate(ctx context.Context, username, pw string) (store.User, error) {
	u, err := d.svc.Store.GetUserByUsername(ctx, strings.TrimSpace(username))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, err // an outage is not a wrong password
	}
	hash := u.PasswordHash
	if err != nil || hash == "" {
		// Unknown users and users without a password spend the same time
		// as a real check, and get the same answer (SECURITY-CASES 93).
		_ = password.Check(dummyHash(), pw) // for the time it takes, never the answer
		return store.User{}, ErrBadCredentials
	}
	if password.Check(hash, pw) != nil || !u.Active {
		return store.User{}, ErrBadCredentials
	}
	return u, nil
}

// ErrBadCredentials is the one sign-in failure people see.
var ErrBadCredentials = errors.New("the username or password is incorrect, or the account is deactivated")

// dummyHash is checked against when the user does not exist.
var dummyHash = sync.OnceValue(func() string {
	h, _ := password.Hash("signet-timing-equalizer", password.Default())
	return h
})

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newAppID is a short, URL-safe, random application ID.
func newAppID() string {
	var b [10]byte
	rand.Read(b[:])
	return "app_" + idEncoding.EncodeToString(b[:])
}
