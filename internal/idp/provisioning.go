// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/scim"
	"github.com/signet-sso/signet/internal/store"
)

// Provisioning out of the Identity Center: the users assigned to an
// application (directly or through groups) and the assigned groups are
// pushed to the application's SCIM 2.0 service. Each run compares what
// the directory says with what was last pushed (a fingerprint per
// resource) and sends only the differences: new people are created (or,
// when the application knows the userName already, adopted), changes
// replace the resource, people no longer assigned are set active false,
// people deleted from the directory are deleted, groups follow with their
// provisioned members. One replica at a time runs (a lease); a failed
// push is retried with backoff and shown on the Provisioning tab.

// ProvisioningLease names the lease of the push worker.
const ProvisioningLease = "idp-provisioning"

// SetProvisioning turns provisioning on for the app, to the SCIM base URL
// with the bearer token (sealed at rest).
func (s *Service) SetProvisioning(ctx context.Context, actor string, a store.App, scimURL, token string) error {
	u, err := url.Parse(strings.TrimSpace(scimURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return FieldErrors{"scim_url": "Enter the application's SCIM base URL, such as https://app.example.com/scim/v2."}
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 4096 || strings.ContainsAny(token, "\r\n") {
		return FieldErrors{"token": "Enter the bearer token the application gave you for SCIM."}
	}
	if s.Sealer == nil {
		return errors.New("provisioning needs the server's secret key to seal the token")
	}
	base := strings.TrimRight(u.String(), "/")
	if err := s.Store.PutProvisioning(ctx, store.Provisioning{AppID: a.ID, SCIMURL: base, Token: s.Sealer.Seal([]byte(token)),
		Enabled: true, UpdatedAt: s.now()}); err != nil {
		return err
	}
	s.Audit(ctx, actor, "app.provisioning", a.Name, "automatic provisioning on, to "+base)
	return nil
}

// DisableProvisioning turns provisioning off; what was pushed stays at the
// application.
func (s *Service) DisableProvisioning(ctx context.Context, actor string, a store.App) error {
	p, err := s.Store.GetProvisioning(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	p.Enabled = false
	if err := s.Store.PutProvisioning(ctx, p); err != nil {
		return err
	}
	s.Audit(ctx, actor, "app.provisioning", a.Name, "automatic provisioning off")
	return nil
}

// PushNow has the next run push the user to the app again.
func (s *Service) PushNow(ctx context.Context, actor string, a store.App, userID string) error {
	if err := s.Store.RepushProvisioned(ctx, a.ID, store.ProvisionedUserKind, userID); err != nil {
		return err
	}
	s.Audit(ctx, actor, "app.provisioning.push", a.Name, "push now: user "+userID)
	return nil
}

// ProvisionAll runs provisioning for every app it is on for, if this
// replica (holder) holds the worker's lease.
func (s *Service) ProvisionAll(ctx context.Context, holder string) error {
	list, err := s.Store.EnabledProvisionings(ctx)
	if err != nil || len(list) == 0 {
		return err // nothing to push: no lease taken, nothing written
	}
	now := s.now()
	ok, err := s.Store.TryLease(ctx, ProvisioningLease, holder, now, now.Add(time.Minute))
	if err != nil || !ok {
		return err
	}
	for _, p := range list {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		runErr := s.provisionApp(ctx, p)
		msg := ""
		if runErr != nil {
			msg = runErr.Error()
			if s.Log != nil {
				s.Log.WarnContext(ctx, "provisioning run failed", "app", p.AppID, "err", runErr)
			}
		}
		if err := s.Store.RecordProvisioningRun(ctx, p.AppID, s.now(), msg); err != nil {
			return err
		}
	}
	return nil
}

// desired is what the directory says the app should have.
type desired struct {
	users  map[string]store.User  // assigned, directly or through a group
	groups map[string]store.Group // assigned groups
	member map[string][]string    // group ID → its users' IDs
}

func (s *Service) desiredFor(ctx context.Context, appID string) (desired, error) {
	d := desired{users: map[string]store.User{}, groups: map[string]store.Group{}, member: map[string][]string{}}
	assignments, err := s.Store.ListAssignments(ctx, appID)
	if err != nil {
		return d, err
	}
	for _, a := range assignments {
		switch a.PrincipalKind {
		case store.PrincipalUser:
			u, err := s.Store.GetUser(ctx, a.PrincipalID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return d, err
			}
			if err == nil {
				d.users[u.ID] = u
			}
		case store.PrincipalGroup:
			g, err := s.Store.GetGroup(ctx, a.PrincipalID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return d, err
			}
			members, err := s.Store.ListGroupMembers(ctx, g.ID)
			if err != nil {
				return d, err
			}
			d.groups[g.ID] = g
			for _, u := range members {
				d.users[u.ID] = u
				d.member[g.ID] = append(d.member[g.ID], u.ID)
			}
		}
	}
	return d, nil
}

// provisionApp brings the app in line with the directory.
func (s *Service) provisionApp(ctx context.Context, p store.Provisioning) error {
	if s.Sealer == nil || s.SCIMClient == nil {
		return errors.New("provisioning is not set up on this server (secret key or HTTP client missing)")
	}
	token, err := s.Sealer.Open(p.Token)
	if err != nil {
		return errors.New("the stored SCIM token cannot be opened (was the server's secret key changed?): enter it again")
	}
	t := scimTarget{base: p.SCIMURL, token: string(token), client: s.SCIMClient}
	d, err := s.desiredFor(ctx, p.AppID)
	if err != nil {
		return err
	}
	pushed, err := s.Store.ListProvisioned(ctx, p.AppID, store.ProvisionedUserKind)
	if err != nil {
		return err
	}
	rows := map[string]store.Provisioned{}
	for _, r := range pushed {
		rows[r.LocalID] = r
	}
	for _, u := range d.users {
		r, ok := rows[u.ID]
		if !ok {
			r = store.Provisioned{AppID: p.AppID, Kind: store.ProvisionedUserKind, LocalID: u.ID}
		}
		if err := s.pushUser(ctx, t, r, u); err != nil {
			return err
		}
	}
	for id, r := range rows {
		if _, ok := d.users[id]; !ok {
			if err := s.withdrawUser(ctx, t, r); err != nil {
				return err
			}
		}
	}
	return s.pushGroups(ctx, t, p.AppID, d)
}

// userResource is the user as the app receives it.
func userResource(u store.User) scim.User {
	active := scim.Bool(u.Active)
	out := scim.User{Schemas: []string{scim.SchemaUser}, ExternalID: u.ID, UserName: cmp.Or(u.Email, u.Username),
		DisplayName: u.DisplayName, Active: &active}
	if u.GivenName != "" || u.FamilyName != "" {
		out.Name = &scim.Name{GivenName: u.GivenName, FamilyName: u.FamilyName}
	}
	if u.Email != "" {
		out.Emails = []scim.Email{{Value: u.Email, Type: "work", Primary: true}}
	}
	return out
}

func fingerprint(v any) string {
	b, _ := json.Marshal(v) // our own resource types always marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// pushUser creates or replaces the user at the app when it changed since
// the last push, or when a failed push is due again. A refusal of this
// user is recorded on its row; an error that stops the run is returned.
func (s *Service) pushUser(ctx context.Context, t scimTarget, r store.Provisioned, u store.User) error {
	res := userResource(u)
	fp := fingerprint(res)
	now := s.now()
	if r.RemoteID != "" && r.Fingerprint == fp && r.Error == "" {
		return nil
	}
	if r.Error != "" && now.Before(r.RetryAt) {
		return nil
	}
	var out scim.User
	var err error
	if r.RemoteID != "" {
		err = t.call(ctx, http.MethodPut, "/Users/"+url.PathEscape(r.RemoteID), res, &out)
		if statusOf(err) == http.StatusNotFound {
			r.RemoteID, err = "", nil // removed at the app: create it again
		}
	}
	if r.RemoteID == "" && err == nil {
		err = t.call(ctx, http.MethodPost, "/Users", res, &out)
		if statusOf(err) == http.StatusConflict { // the app knows the person already: adopt them
			var id string
			if id, err = t.findUser(ctx, res.UserName); err == nil && id != "" {
				err = t.call(ctx, http.MethodPut, "/Users/"+url.PathEscape(id), res, &out)
			}
		}
	}
	return s.recordPush(ctx, r, out.ID, fp, u.Active, err)
}

// recordPush stores a push's outcome. Errors of the app's answer are the
// row's; a refused token or an unreachable app stops the whole run.
func (s *Service) recordPush(ctx context.Context, r store.Provisioned, remoteID, fp string, active bool, err error) error {
	now := s.now()
	if err == nil {
		r.RemoteID = cmp.Or(remoteID, r.RemoteID)
		r.Fingerprint, r.Active, r.Error, r.Attempts, r.RetryAt, r.PushedAt = fp, active, "", 0, time.Time{}, now
		return s.Store.PutProvisioned(ctx, r)
	}
	if st := statusOf(err); st == 0 || st == http.StatusUnauthorized || st == http.StatusForbidden {
		return fmt.Errorf("the application's SCIM service refused or could not be reached: %w", err)
	}
	r.Attempts++
	r.Error, r.RetryAt = err.Error(), now.Add(backoff(r.Attempts))
	return s.Store.PutProvisioned(ctx, r)
}

// backoff is how long after its nth failure in a row a push is retried:
// 5 s doubling, at most an hour.
func backoff(n int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// withdrawUser handles a user no longer assigned: set active false at the
// app, or, when deleted from the directory, delete them there.
func (s *Service) withdrawUser(ctx context.Context, t scimTarget, r store.Provisioned) error {
	_, err := s.Store.GetUser(ctx, r.LocalID)
	gone := errors.Is(err, store.ErrNotFound)
	if err != nil && !gone {
		return err
	}
	if r.RemoteID == "" {
		return s.Store.DeleteProvisioned(ctx, r.AppID, r.Kind, r.LocalID)
	}
	if gone {
		err := t.call(ctx, http.MethodDelete, "/Users/"+url.PathEscape(r.RemoteID), nil, nil)
		if err == nil || statusOf(err) == http.StatusNotFound {
			return s.Store.DeleteProvisioned(ctx, r.AppID, r.Kind, r.LocalID)
		}
		return s.recordPush(ctx, r, "", r.Fingerprint, r.Active, err)
	}
	if !r.Active && r.Error == "" {
		return nil
	}
	if r.Error != "" && s.now().Before(r.RetryAt) {
		return nil
	}
	patch := scim.PatchRequest{Schemas: []string{scim.SchemaPatch},
		Operations: []scim.Operation{{Op: "replace", Path: "active", Value: json.RawMessage("false")}}}
	err = t.call(ctx, http.MethodPatch, "/Users/"+url.PathEscape(r.RemoteID), patch, nil)
	if statusOf(err) == http.StatusNotFound {
		return s.Store.DeleteProvisioned(ctx, r.AppID, r.Kind, r.LocalID)
	}
	// Unassigned: the fingerprint is cleared so a new assignment pushes
	// the user again, active.
	return s.recordPush(ctx, r, "", "", false, err)
}

// pushGroups creates or replaces each assigned group with its members
// that the app has (as the app's IDs), and deletes the groups no longer
// assigned.
func (s *Service) pushGroups(ctx context.Context, t scimTarget, appID string, d desired) error {
	users, err := s.Store.ListProvisioned(ctx, appID, store.ProvisionedUserKind)
	if err != nil {
		return err
	}
	remote := map[string]string{}
	for _, u := range users {
		if u.Active && u.RemoteID != "" {
			remote[u.LocalID] = u.RemoteID
		}
	}
	pushed, err := s.Store.ListProvisioned(ctx, appID, store.ProvisionedGroupKind)
	if err != nil {
		return err
	}
	rows := map[string]store.Provisioned{}
	for _, r := range pushed {
		rows[r.LocalID] = r
	}
	for id, g := range d.groups {
		res := scim.Group{Schemas: []string{scim.SchemaGroup}, DisplayName: g.Name, ExternalID: g.ID, Members: []scim.Ref{}}
		for _, uid := range d.member[id] {
			if rid, ok := remote[uid]; ok {
				res.Members = append(res.Members, scim.Ref{Value: rid})
			}
		}
		r, ok := rows[id]
		if !ok {
			r = store.Provisioned{AppID: appID, Kind: store.ProvisionedGroupKind, LocalID: id, Active: true}
		}
		if err := s.pushGroup(ctx, t, r, res); err != nil {
			return err
		}
	}
	for id, r := range rows {
		if _, ok := d.groups[id]; ok {
			continue
		}
		err := t.call(ctx, http.MethodDelete, "/Groups/"+url.PathEscape(r.RemoteID), nil, nil)
		if r.RemoteID == "" || err == nil || statusOf(err) == http.StatusNotFound {
			if err := s.Store.DeleteProvisioned(ctx, appID, r.Kind, id); err != nil {
				return err
			}
			continue
		}
		if err := s.recordPush(ctx, r, "", r.Fingerprint, true, err); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) pushGroup(ctx context.Context, t scimTarget, r store.Provisioned, res scim.Group) error {
	fp := fingerprint(res)
	if r.RemoteID != "" && r.Fingerprint == fp && r.Error == "" {
		return nil
	}
	if r.Error != "" && s.now().Before(r.RetryAt) {
		return nil
	}
	var out scim.Group
	var err error
	if r.RemoteID != "" {
		err = t.call(ctx, http.MethodPut, "/Groups/"+url.PathEscape(r.RemoteID), res, &out)
		if statusOf(err) == http.StatusNotFound {
			r.RemoteID, err = "", nil
		}
	}
	if r.RemoteID == "" && err == nil {
		err = t.call(ctx, http.MethodPost, "/Groups", res, &out)
	}
	return s.recordPush(ctx, r, out.ID, fp, true, err)
}
