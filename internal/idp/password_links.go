// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Password links: single-use, stored hashed; an invitation lasts a week,
// a reset an hour.
const (
	InviteTTL = 7 * 24 * time.Hour
	ResetTTL  = time.Hour

	purposeInvite = "invite"
	purposeReset  = "reset"
)

// ErrNoEmail is a user without an email address: no link can reach them.
var ErrNoEmail = errors.New("the user has no email address")

// ErrNoMail means this server cannot send email.
var ErrNoMail = errors.New("this server sends no email: start it with --smtp-url (or run the demo)")

// SendInvitation emails u a link to set their password (an invitation to
// the access portal), audited.
func (s *Service) SendInvitation(ctx context.Context, actor string, u store.User) error {
	return s.sendPasswordLink(ctx, actor, u, purposeInvite, InviteTTL, "Your Signet access portal account",
		"Hello %s,\n\nYour organization gave you an account in its Signet access portal, where you sign in to your work applications.\n\n"+
			"Set your password here (the link works once, for 7 days):\n%s\n\nYour username is %s.\n")
}

// SendPasswordReset emails u a link to choose a new password, audited.
// Using it ends u's other sessions.
func (s *Service) SendPasswordReset(ctx context.Context, actor string, u store.User) error {
	return s.sendPasswordLink(ctx, actor, u, purposeReset, ResetTTL, "Reset your Signet access portal password",
		"Hello %s,\n\nSomeone (we hope you) asked to reset the password of your Signet access portal account.\n\n"+
			"Choose a new password here (the link works once, for an hour):\n%s\n\nYour username is %s. If you did not ask for this, ignore this email: your password stays as it is.\n")
}

func (s *Service) sendPasswordLink(ctx context.Context, actor string, u store.User, purpose string, ttl time.Duration, subject, body string) error {
	if s.Mail == nil {
		return ErrNoMail
	}
	if u.Email == "" {
		return ErrNoEmail
	}
	token := s.newToken()
	if err := s.Store.CreatePasswordToken(ctx, store.PasswordToken{TokenHash: web.HashToken(token), UserID: u.ID,
		Purpose: purpose, ExpiresAt: s.now().Add(ttl)}); err != nil {
		return err
	}
	link := s.BaseURL + "/portal/password/" + token
	if err := s.Mail.Queue(ctx, u.Email, subject, fmt.Sprintf(body, cmpName(u), link, u.Username), "password_"+purpose); err != nil {
		return err
	}
	s.Audit(ctx, actor, "user.password_"+purpose, u.Username, "emailed a password link to "+u.Email)
	return nil
}

func cmpName(u store.User) string {
	switch {
	case u.GivenName != "":
		return u.GivenName
	case u.DisplayName != "":
		return u.DisplayName
	}
	return u.Username
}

// ErrLinkUsed is a password link that is unknown, used or expired.
var ErrLinkUsed = errors.New("this link has been used or has expired")

// PasswordLinkUser returns whom a link is for, without using it.
func (s *Service) PasswordLinkUser(ctx context.Context, token string) (store.User, error) {
	t, err := s.Store.PeekPasswordToken(ctx, web.HashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, ErrLinkUsed
	}
	if err != nil {
		return store.User{}, err
	}
	u, err := s.Store.GetUser(ctx, t.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !u.Active) {
		return store.User{}, ErrLinkUsed
	}
	return u, err
}

// SetPasswordWithLink uses a link (once) to set the user's password, and
// ends every session they have: whoever knew the old password is out.
func (s *Service) SetPasswordWithLink(ctx context.Context, token, pw string) (store.User, error) {
	u, err := s.PasswordLinkUser(ctx, token)
	if err != nil {
		return u, err
	}
	if err := password.Validate(pw, u.Username, u.Email, u.GivenName, u.FamilyName, u.DisplayName); err != nil {
		return u, FieldErrors{"password": "Password: " + err.Error() + "."}
	}
	t, err := s.Store.ConsumePasswordToken(ctx, web.HashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return u, ErrLinkUsed // used a moment ago by a concurrent request
	}
	if err != nil {
		return u, err
	}
	hash, err := password.Hash(pw, s.Password)
	if err != nil {
		return u, err
	}
	u, err = s.Store.UpdateUser(ctx, t.UserID, func(u *store.User) error { u.PasswordHash = hash; return nil })
	if err != nil {
		return u, err
	}
	for _, realm := range []string{store.RealmPortal, store.RealmAdmin} {
		if err := s.Store.DeleteUserSessions(ctx, realm, u.ID); err != nil {
			return u, err
		}
	}
	s.Audit(ctx, u.Username, "user.password_set", u.Username, "set a password with an emailed "+t.Purpose+" link; other sessions ended")
	return u, nil
}

// RequirePasswordChange makes u choose a new password at their next
// sign-in (after the password and any second factor), audited.
func (s *Service) RequirePasswordChange(ctx context.Context, actor string, u store.User) error {
	if _, err := s.Store.UpdateUser(ctx, u.ID, func(x *store.User) error { x.MustChangePassword = true; return nil }); err != nil {
		return err
	}
	s.Audit(ctx, actor, "user.require_password_change", u.Username, "must choose a new password at the next sign-in")
	return nil
}

// ChangeRequiredPassword sets the new password u was asked to choose: it
// must pass the password rules and differ from the old one. Other
// sessions end.
func (s *Service) ChangeRequiredPassword(ctx context.Context, u store.User, pw string) (store.User, error) {
	if err := password.Validate(pw, u.Username, u.Email, u.GivenName, u.FamilyName, u.DisplayName); err != nil {
		return u, FieldErrors{"password": "Password: " + err.Error() + "."}
	}
	if u.PasswordHash != "" && password.Check(u.PasswordHash, pw) == nil {
		return u, FieldErrors{"password": "Choose a password you have not used here before."}
	}
	hash, err := password.Hash(pw, s.Password)
	if err != nil {
		return u, err
	}
	u, err = s.Store.UpdateUser(ctx, u.ID, func(x *store.User) error { x.PasswordHash, x.MustChangePassword = hash, false; return nil })
	if err != nil {
		return u, err
	}
	for _, realm := range []string{store.RealmPortal, store.RealmAdmin} {
		if err := s.Store.DeleteUserSessions(ctx, realm, u.ID); err != nil {
			return u, err
		}
	}
	s.Audit(ctx, u.Username, "user.password_set", u.Username, "chose a new password at sign-in, as an admin required; other sessions ended")
	return u, nil
}
