// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/signet-sso/signet/internal/store"
)

const userColumns = `id, username, email, given_name, family_name, display_name, password_hash, active, admin, created_at, updated_at,
	must_change_password`

func scanUser(row interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var created, updated int64
	err := row.Scan(&u.ID, &u.Username, &u.Email, &u.GivenName, &u.FamilyName, &u.DisplayName,
		&u.PasswordHash, &u.Active, &u.Admin, &created, &updated, &u.MustChangePassword)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, err
}

// CreateUser implements store.Directory.
func (s *directoryStore) CreateUser(ctx context.Context, u store.User) (store.User, error) {
	if u.ID == "" {
		u.ID = newID("usr_")
	}
	u.CreatedAt = stamp(u.CreatedAt)
	u.UpdatedAt = u.CreatedAt
	_, err := s.exec(ctx, `INSERT INTO idp_users (`+userColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		u.ID, u.Username, u.Email, u.GivenName, u.FamilyName, u.DisplayName, u.PasswordHash,
		u.Active, u.Admin, ms(u.CreatedAt), ms(u.UpdatedAt), u.MustChangePassword)
	if err != nil {
		return store.User{}, fmt.Errorf("create user %q: %w", u.Username, mapErr(err))
	}
	return u, nil
}

// GetUser implements store.Directory.
func (s *directoryStore) GetUser(ctx context.Context, id string) (store.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM idp_users WHERE id = $1`, id))
	return u, rowErr("user", id, err)
}

// GetUserByUsername implements store.Directory.
func (s *directoryStore) GetUserByUsername(ctx context.Context, username string) (store.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM idp_users WHERE lower(username) = lower($1)`, username))
	return u, rowErr("user", username, err)
}

// UpdateUser implements store.Directory.
func (s *directoryStore) UpdateUser(ctx context.Context, id string, fn func(*store.User) error) (store.User, error) {
	var u store.User
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM idp_users WHERE id = $1`+s.fl.forUpdate, id))
		if err != nil {
			return rowErr("user", id, err)
		}
		if err := fn(&u); err != nil {
			return err
		}
		u.ID = id
		u.UpdatedAt = now()
		_, err = tx.ExecContext(ctx, `UPDATE idp_users SET username = $2, email = $3, given_name = $4,
			family_name = $5, display_name = $6, password_hash = $7, active = $8, admin = $9, updated_at = $10,
			must_change_password = $11 WHERE id = $1`, id, u.Username, u.Email, u.GivenName, u.FamilyName, u.DisplayName,
			u.PasswordHash, u.Active, u.Admin, ms(u.UpdatedAt), u.MustChangePassword)
		if err != nil {
			return fmt.Errorf("update user %q: %w", id, mapErr(err))
		}
		return nil
	})
	return u, err
}

// DeleteUser implements store.Directory. Direct assignments of the user go too.
func (s *directoryStore) DeleteUser(ctx context.Context, id string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idp_users WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete user %q: %w", id, mapErr(err))
		}
		if err := checkAffected(res, "user", id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM idp_assignments WHERE principal_kind = 'user' AND principal_id = $1`, id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE realm IN ('admin', 'portal') AND user_id = $1`, id)
		return err
	})
}

// ListUsers implements store.Directory.
func (s *directoryStore) ListUsers(ctx context.Context, opt store.ListOptions) ([]store.User, int, error) {
	limit, offset := limits(opt)
	where := ` WHERE lower(username) LIKE $1 ESCAPE '\' OR lower(email) LIKE $1 ESCAPE '\' OR lower(display_name) LIKE $1 ESCAPE '\'`
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM idp_users`+where, like(opt.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM idp_users`+where+
		` ORDER BY lower(username) LIMIT $2 OFFSET $3`, like(opt.Query), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	users, err := collect(rows, scanUser)
	return users, total, err
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// queryAll runs a query and scans every row it returns.
func queryAll[T any](ctx context.Context, q queryer, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scan)
}

const groupColumns = `id, name, description, created_at`

func scanGroup(row interface{ Scan(...any) error }) (store.Group, error) {
	var g store.Group
	var created int64
	err := row.Scan(&g.ID, &g.Name, &g.Description, &created)
	g.CreatedAt = fromMS(created)
	return g, err
}

// CreateGroup implements store.Directory.
func (s *directoryStore) CreateGroup(ctx context.Context, g store.Group) (store.Group, error) {
	if g.ID == "" {
		g.ID = newID("grp_")
	}
	g.CreatedAt = stamp(g.CreatedAt)
	_, err := s.exec(ctx, `INSERT INTO idp_groups (`+groupColumns+`) VALUES ($1, $2, $3, $4)`,
		g.ID, g.Name, g.Description, ms(g.CreatedAt))
	if err != nil {
		return store.Group{}, fmt.Errorf("create group %q: %w", g.Name, mapErr(err))
	}
	return g, nil
}

// GetGroup implements store.Directory.
func (s *directoryStore) GetGroup(ctx context.Context, id string) (store.Group, error) {
	g, err := scanGroup(s.db.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM idp_groups WHERE id = $1`, id))
	return g, rowErr("group", id, err)
}

// GetGroupByName implements store.Directory.
func (s *directoryStore) GetGroupByName(ctx context.Context, name string) (store.Group, error) {
	g, err := scanGroup(s.db.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM idp_groups WHERE lower(name) = lower($1)`, name))
	return g, rowErr("group", name, err)
}

// rowErr maps a single-row lookup error.
func rowErr(what, key string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what, key)
	}
	return fmt.Errorf("get %s %q: %w", what, key, mapErr(err))
}

// DeleteGroup implements store.Directory. The group's assignments go too.
func (s *directoryStore) DeleteGroup(ctx context.Context, id string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idp_groups WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete group %q: %w", id, mapErr(err))
		}
		if err := checkAffected(res, "group", id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM idp_assignments WHERE principal_kind = 'group' AND principal_id = $1`, id)
		return err
	})
}

// ListGroups implements store.Directory.
func (s *directoryStore) ListGroups(ctx context.Context, opt store.ListOptions) ([]store.Group, int, error) {
	limit, offset := limits(opt)
	where := ` WHERE lower(name) LIKE $1 ESCAPE '\'`
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM idp_groups`+where, like(opt.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count groups: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+groupColumns+` FROM idp_groups`+where+
		` ORDER BY lower(name) LIMIT $2 OFFSET $3`, like(opt.Query), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list groups: %w", err)
	}
	groups, err := collect(rows, scanGroup)
	return groups, total, err
}

// AddGroupMember implements store.Directory.
func (s *directoryStore) AddGroupMember(ctx context.Context, groupID, userID string) error {
	_, err := s.exec(ctx, `INSERT INTO idp_group_members (group_id, user_id) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, groupID, userID)
	if err != nil {
		return fmt.Errorf("add user %q to group %q: %w", userID, groupID, mapErr(err))
	}
	return nil
}

// RemoveGroupMember implements store.Directory.
func (s *directoryStore) RemoveGroupMember(ctx context.Context, groupID, userID string) error {
	res, err := s.exec(ctx, `DELETE FROM idp_group_members WHERE group_id = $1 AND user_id = $2`, groupID, userID)
	if err != nil {
		return fmt.Errorf("remove group member: %w", mapErr(err))
	}
	return checkAffected(res, "group membership", groupID+"/"+userID)
}

// ListGroupMembers implements store.Directory.
func (s *directoryStore) ListGroupMembers(ctx context.Context, groupID string) ([]store.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("u.", userColumns)+` FROM idp_users u
		JOIN idp_group_members m ON m.user_id = u.id WHERE m.group_id = $1 ORDER BY lower(u.username)`, groupID)
	if err != nil {
		return nil, fmt.Errorf("list group members: %w", err)
	}
	return collect(rows, scanUser)
}

// ListUserGroups implements store.Directory.
func (s *directoryStore) ListUserGroups(ctx context.Context, userID string) ([]store.Group, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("g.", groupColumns)+` FROM idp_groups g
		JOIN idp_group_members m ON m.group_id = g.id WHERE m.user_id = $1 ORDER BY lower(g.name)`, userID)
	if err != nil {
		return nil, fmt.Errorf("list user groups: %w", err)
	}
	return collect(rows, scanGroup)
}
