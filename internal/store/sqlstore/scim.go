// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

// SetSCIMToken implements store.SCIM.
func (s *scimStore) SetSCIMToken(ctx context.Context, orgID, tokenHash string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO sp_scim_tokens (org_id, token_hash, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, last_used_at = 0`,
		orgID, tokenHash, ms(at))
	if err != nil {
		return fmt.Errorf("save SCIM token: %w", mapErr(err))
	}
	return nil
}

// SCIMTokenOrg implements store.SCIM.
func (s *scimStore) SCIMTokenOrg(ctx context.Context, tokenHash string, at time.Time) (string, error) {
	var orgID string
	err := s.writeRow(ctx, func(r *sql.Row) error { return r.Scan(&orgID) },
		`UPDATE sp_scim_tokens SET last_used_at = $2 WHERE token_hash = $1 RETURNING org_id`, tokenHash, ms(at))
	return orgID, rowErr("SCIM token", "", err)
}

// SCIMTokenCreated implements store.SCIM.
func (s *scimStore) SCIMTokenCreated(ctx context.Context, orgID string) (time.Time, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT created_at FROM sp_scim_tokens WHERE org_id = $1`, orgID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return fromMS(at), err
}

const scimUserColumns = `id, org_id, member_id, user_name, external_id, email, given_name, family_name, display_name,
	active, created_at, updated_at, version`

func scanSCIMUser(r interface{ Scan(...any) error }) (store.SCIMUser, error) {
	var u store.SCIMUser
	var created, updated int64
	err := r.Scan(&u.ID, &u.OrgID, &u.MemberID, &u.UserName, &u.ExternalID, &u.Email, &u.GivenName, &u.FamilyName,
		&u.DisplayName, &u.Active, &created, &updated, &u.Version)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, err
}

// PutSCIMUser implements store.SCIM.
func (s *scimStore) PutSCIMUser(ctx context.Context, u store.SCIMUser, role string) (store.SCIMUser, error) {
	u.UpdatedAt = stamp(u.UpdatedAt)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var old *store.SCIMUser
		if u.ID == "" {
			u.ID, u.CreatedAt, u.Version = newID("scu_"), u.UpdatedAt, 1
		} else {
			o, err := scanSCIMUser(tx.QueryRowContext(ctx, `SELECT `+scimUserColumns+` FROM sp_scim_users
				WHERE org_id = $1 AND id = $2`+s.fl.forUpdate, u.OrgID, u.ID))
			if err != nil {
				return rowErr("SCIM user", u.ID, err)
			}
			u.MemberID, u.CreatedAt, u.Version, old = o.MemberID, o.CreatedAt, o.Version+1, &o
		}
		m, err := s.scimMember(ctx, tx, u, role)
		if err != nil {
			return err
		}
		u.MemberID = m.ID
		_, err = tx.ExecContext(ctx, `INSERT INTO sp_scim_users (`+scimUserColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (id) DO UPDATE SET member_id = excluded.member_id, user_name = excluded.user_name,
			external_id = excluded.external_id, email = excluded.email, given_name = excluded.given_name,
			family_name = excluded.family_name, display_name = excluded.display_name, active = excluded.active,
			updated_at = excluded.updated_at, version = excluded.version`,
			u.ID, u.OrgID, u.MemberID, u.UserName, u.ExternalID, u.Email, u.GivenName, u.FamilyName, u.DisplayName,
			u.Active, ms(u.CreatedAt), ms(u.UpdatedAt), u.Version)
		if err != nil {
			return fmt.Errorf("save SCIM user: %w", mapErr(err))
		}
		return userEvent(ctx, tx, u, old)
	})
	return u, err
}

// userEvent appends the event a user's change makes; none when nothing
// the payload shows changed.
func userEvent(ctx context.Context, tx *sql.Tx, u store.SCIMUser, old *store.SCIMUser) error {
	typ, data := store.EventUserUpdated, eventUser(u)
	switch {
	case old == nil:
		typ = store.EventUserCreated
	case old.Active && !u.Active:
		typ = store.EventUserDeactivated
	case eventUser(*old) == data:
		return nil
	}
	if old != nil && old.Email != u.Email {
		data.PreviousEmail = old.Email
	}
	return insertEvent(ctx, tx, u.OrgID, typ, data, u.UpdatedAt)
}

func eventUser(u store.SCIMUser) store.EventUser {
	return store.EventUser{ID: u.ID, MemberID: u.MemberID, UserName: u.UserName, ExternalID: u.ExternalID, Email: u.Email,
		GivenName: u.GivenName, FamilyName: u.FamilyName, DisplayName: u.DisplayName, Active: u.Active}
}

// scimMember finds or makes the member of a SCIM user and brings its
// email and state in line with it, ending a deactivated member's sessions.
func (s *scimStore) scimMember(ctx context.Context, tx *sql.Tx, u store.SCIMUser, role string) (store.Member, error) {
	m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM sp_members WHERE org_id = $1 AND id = $2`+s.fl.forUpdate,
		u.OrgID, u.MemberID))
	if errors.Is(err, sql.ErrNoRows) {
		m, err = scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM sp_members
			WHERE org_id = $1 AND lower(email) = lower($2)`+s.fl.forUpdate, u.OrgID, u.Email))
	}
	if errors.Is(err, sql.ErrNoRows) {
		m, err = insertMember(ctx, tx, store.Member{OrgID: u.OrgID, Email: u.Email, Role: role, CreatedAt: u.UpdatedAt, Deactivated: !u.Active})
		if err == nil {
			err = closeInvites(ctx, tx, m.OrgID, m.Email)
		}
		return m, err
	}
	if err != nil {
		return m, fmt.Errorf("SCIM user's member: %w", err)
	}
	m.Email, m.Deactivated = u.Email, !u.Active
	if _, err := tx.ExecContext(ctx, `UPDATE sp_members SET email = $2, deactivated = $3 WHERE id = $1`, m.ID, m.Email, m.Deactivated); err != nil {
		return m, fmt.Errorf("update the SCIM user's member: %w", mapErr(err))
	}
	if m.Deactivated {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE realm = 'workspace' AND user_id = $1`, m.ID); err != nil {
			return m, fmt.Errorf("end the deactivated member's sessions: %w", err)
		}
	}
	return m, nil
}

// GetSCIMUser implements store.SCIM.
func (s *scimStore) GetSCIMUser(ctx context.Context, orgID, id string) (store.SCIMUser, error) {
	u, err := scanSCIMUser(s.db.QueryRowContext(ctx, `SELECT `+scimUserColumns+` FROM sp_scim_users WHERE org_id = $1 AND id = $2`, orgID, id))
	return u, rowErr("SCIM user", id, err)
}

// ListSCIMUsers implements store.SCIM.
func (s *scimStore) ListSCIMUsers(ctx context.Context, orgID string) ([]store.SCIMUser, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+scimUserColumns+` FROM sp_scim_users WHERE org_id = $1 ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list SCIM users: %w", err)
	}
	return collect(rows, scanSCIMUser)
}

// DeleteSCIMUser implements store.SCIM.
func (s *scimStore) DeleteSCIMUser(ctx context.Context, orgID, id string) error {
	at := now()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		u, err := scanSCIMUser(tx.QueryRowContext(ctx, `SELECT `+scimUserColumns+` FROM sp_scim_users
			WHERE org_id = $1 AND id = $2`+s.fl.forUpdate, orgID, id))
		if err != nil {
			return rowErr("SCIM user", id, err)
		}
		groups, err := queryAll(ctx, tx, scanSCIMGroup, `SELECT g.id, g.org_id, g.display_name, g.external_id, g.created_at,
			g.updated_at, g.version FROM sp_scim_groups g JOIN sp_scim_group_members m ON m.group_id = g.id
			WHERE m.user_id = $1 ORDER BY g.id`, id)
		if err != nil {
			return fmt.Errorf("the deleted SCIM user's groups: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sp_scim_users WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete SCIM user: %w", mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sp_members SET deactivated = TRUE WHERE org_id = $1 AND id = $2`, orgID, u.MemberID); err != nil {
			return fmt.Errorf("deactivate the deleted SCIM user's member: %w", mapErr(err))
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE realm = 'workspace' AND user_id = $1`, u.MemberID); err != nil {
			return fmt.Errorf("end the deleted SCIM user's sessions: %w", err)
		}
		user := eventUser(u)
		user.Active = false
		for _, g := range groups {
			if err := insertEvent(ctx, tx, orgID, store.EventGroupUserRemoved, groupEvent(g, &user), at); err != nil {
				return err
			}
		}
		return insertEvent(ctx, tx, orgID, store.EventUserDeleted, user, at)
	})
}

const scimGroupColumns = `id, org_id, display_name, external_id, created_at, updated_at, version`

func scanSCIMGroup(r interface{ Scan(...any) error }) (store.SCIMGroup, error) {
	var g store.SCIMGroup
	var created, updated int64
	err := r.Scan(&g.ID, &g.OrgID, &g.DisplayName, &g.ExternalID, &created, &updated, &g.Version)
	g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
	return g, err
}

// PutSCIMGroup implements store.SCIM.
func (s *scimStore) PutSCIMGroup(ctx context.Context, g store.SCIMGroup) (store.SCIMGroup, error) {
	g.UpdatedAt = stamp(g.UpdatedAt)
	g.Members = slices.Compact(slices.Sorted(slices.Values(g.Members)))
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var old *store.SCIMGroup
		if g.ID == "" {
			g.ID, g.CreatedAt, g.Version = newID("scg_"), g.UpdatedAt, 1
		} else {
			o, err := scanSCIMGroup(tx.QueryRowContext(ctx, `SELECT `+scimGroupColumns+` FROM sp_scim_groups
				WHERE org_id = $1 AND id = $2`+s.fl.forUpdate, g.OrgID, g.ID))
			if err != nil {
				return rowErr("SCIM group", g.ID, err)
			}
			if o.Members, err = queryAll(ctx, tx, scanString, `SELECT user_id FROM sp_scim_group_members
				WHERE group_id = $1 ORDER BY user_id`, g.ID); err != nil {
				return fmt.Errorf("SCIM group members: %w", err)
			}
			g.CreatedAt, g.Version, old = o.CreatedAt, o.Version+1, &o
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sp_scim_groups (`+scimGroupColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, external_id = excluded.external_id,
			updated_at = excluded.updated_at, version = excluded.version`,
			g.ID, g.OrgID, g.DisplayName, g.ExternalID, ms(g.CreatedAt), ms(g.UpdatedAt), g.Version)
		if err != nil {
			return fmt.Errorf("save SCIM group: %w", mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sp_scim_group_members WHERE group_id = $1`, g.ID); err != nil {
			return fmt.Errorf("replace SCIM group members: %w", err)
		}
		for _, uid := range g.Members {
			res, err := tx.ExecContext(ctx, `INSERT INTO sp_scim_group_members (group_id, user_id)
				SELECT $1, id FROM sp_scim_users WHERE org_id = $2 AND id = $3`, g.ID, g.OrgID, uid)
			if err != nil {
				return fmt.Errorf("add SCIM group member: %w", mapErr(err))
			}
			if err := checkAffected(res, "SCIM user", uid); err != nil {
				return err
			}
		}
		return groupEvents(ctx, tx, g, old)
	})
	return g, err
}

// groupEvents appends the events a group's change makes: created or
// updated (when its name or external ID changed), and one per member
// added or removed.
func groupEvents(ctx context.Context, tx *sql.Tx, g store.SCIMGroup, old *store.SCIMGroup) error {
	var before []string
	switch {
	case old == nil:
		if err := insertEvent(ctx, tx, g.OrgID, store.EventGroupCreated, groupEvent(g, nil), g.UpdatedAt); err != nil {
			return err
		}
	case old.DisplayName != g.DisplayName || old.ExternalID != g.ExternalID:
		if err := insertEvent(ctx, tx, g.OrgID, store.EventGroupUpdated, groupEvent(g, nil), g.UpdatedAt); err != nil {
			return err
		}
	}
	if old != nil {
		before = old.Members
	}
	change := func(typ string, from, to []string) error {
		for _, id := range from {
			if _, found := slices.BinarySearch(to, id); found {
				continue
			}
			u, err := scanSCIMUser(tx.QueryRowContext(ctx, `SELECT `+scimUserColumns+` FROM sp_scim_users WHERE id = $1`, id))
			if err != nil {
				return rowErr("SCIM user", id, err)
			}
			user := eventUser(u)
			if err := insertEvent(ctx, tx, g.OrgID, typ, groupEvent(g, &user), g.UpdatedAt); err != nil {
				return err
			}
		}
		return nil
	}
	if err := change(store.EventGroupUserAdded, g.Members, before); err != nil {
		return err
	}
	return change(store.EventGroupUserRemoved, before, g.Members)
}

func groupEvent(g store.SCIMGroup, u *store.EventUser) store.EventGroup {
	return store.EventGroup{ID: g.ID, DisplayName: g.DisplayName, ExternalID: g.ExternalID, User: u}
}

// GetSCIMGroup implements store.SCIM.
func (s *scimStore) GetSCIMGroup(ctx context.Context, orgID, id string) (store.SCIMGroup, error) {
	g, err := scanSCIMGroup(s.db.QueryRowContext(ctx, `SELECT `+scimGroupColumns+` FROM sp_scim_groups WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return g, rowErr("SCIM group", id, err)
	}
	g.Members, err = s.groupMembers(ctx, g.ID)
	return g, err
}

func (s *scimStore) groupMembers(ctx context.Context, groupID string) ([]string, error) {
	ids, err := queryAll(ctx, s.db, scanString, `SELECT user_id FROM sp_scim_group_members WHERE group_id = $1 ORDER BY user_id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("SCIM group members: %w", err)
	}
	return ids, nil
}

func scanString(r interface{ Scan(...any) error }) (string, error) {
	var v string
	return v, r.Scan(&v)
}

// ListSCIMGroups implements store.SCIM.
func (s *scimStore) ListSCIMGroups(ctx context.Context, orgID string) ([]store.SCIMGroup, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+scimGroupColumns+` FROM sp_scim_groups WHERE org_id = $1 ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list SCIM groups: %w", err)
	}
	groups, err := collect(rows, scanSCIMGroup)
	for i := range groups {
		if err != nil {
			break
		}
		groups[i].Members, err = s.groupMembers(ctx, groups[i].ID)
	}
	return groups, err
}

// DeleteSCIMGroup implements store.SCIM.
func (s *scimStore) DeleteSCIMGroup(ctx context.Context, orgID, id string) error {
	at := now()
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		g, err := scanSCIMGroup(tx.QueryRowContext(ctx, `DELETE FROM sp_scim_groups WHERE org_id = $1 AND id = $2
			RETURNING `+scimGroupColumns, orgID, id))
		if err != nil {
			return rowErr("SCIM group", id, err)
		}
		return insertEvent(ctx, tx, orgID, store.EventGroupDeleted, groupEvent(g, nil), at)
	})
}

// SCIMUserGroups implements store.SCIM.
func (s *scimStore) SCIMUserGroups(ctx context.Context, orgID, userID string) ([]string, error) {
	names, err := queryAll(ctx, s.db, scanString, `SELECT g.display_name FROM sp_scim_group_members m
		JOIN sp_scim_groups g ON g.id = m.group_id WHERE g.org_id = $1 AND m.user_id = $2 ORDER BY g.display_name`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("SCIM user's groups: %w", err)
	}
	return names, nil
}
