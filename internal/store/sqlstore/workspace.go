// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/signet-sso/signet/internal/store"
)

const orgColumns = `id, slug, name, plan, created_at, COALESCE(external_id, '')`

func scanOrg(row interface{ Scan(...any) error }) (store.Org, error) {
	var o store.Org
	var created int64
	err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.Plan, &created, &o.ExternalID)
	o.CreatedAt = fromMS(created)
	return o, err
}

// CreateOrg implements store.Workspace.
func (s *workspaceStore) CreateOrg(ctx context.Context, o store.Org, admin *store.Member) (store.Org, error) {
	if o.ID == "" {
		o.ID = newID("org_")
	}
	o.CreatedAt = stamp(o.CreatedAt)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sp_orgs (id, slug, name, plan, created_at, external_id)
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''))`, o.ID, o.Slug, o.Name, o.Plan, ms(o.CreatedAt), o.ExternalID)
		if err != nil {
			return fmt.Errorf("create org %q: %w", o.Slug, mapErr(err))
		}
		if admin == nil {
			return nil
		}
		admin.OrgID = o.ID
		*admin, err = insertMember(ctx, tx, *admin)
		return err
	})
	if err != nil {
		return store.Org{}, err
	}
	return o, nil
}

// GetOrg implements store.Workspace.
func (s *workspaceStore) GetOrg(ctx context.Context, id string) (store.Org, error) {
	o, err := scanOrg(s.db.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM sp_orgs WHERE id = $1`, id))
	return o, rowErr("org", id, err)
}

// GetOrgBySlug implements store.Workspace.
func (s *workspaceStore) GetOrgBySlug(ctx context.Context, slug string) (store.Org, error) {
	o, err := scanOrg(s.reads().QueryRowContext(ctx, `SELECT `+orgColumns+` FROM sp_orgs WHERE slug = $1`, slug))
	return o, rowErr("org", slug, err)
}

// DeleteOrg implements store.Workspace.
func (s *workspaceStore) DeleteOrg(ctx context.Context, id string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE org_id = $1`, id); err != nil {
			return fmt.Errorf("end the org's sessions: %w", mapErr(err))
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sp_orgs WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete org %q: %w", id, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, notFound("org", id))
		}
		return nil
	})
}

// ListOrgsAfter implements store.Workspace.
func (s *workspaceStore) ListOrgsAfter(ctx context.Context, afterSlug string, limit int) ([]store.Org, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+orgColumns+` FROM sp_orgs WHERE slug > $1 ORDER BY slug LIMIT $2`, afterSlug, limit)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	return collect(rows, scanOrg)
}

// GetOrgByExternalID implements store.Workspace.
func (s *workspaceStore) GetOrgByExternalID(ctx context.Context, externalID string) (store.Org, error) {
	if externalID == "" {
		return store.Org{}, notFound("org with external ID", externalID)
	}
	o, err := scanOrg(s.db.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM sp_orgs WHERE external_id = $1`, externalID))
	return o, rowErr("org with external ID", externalID, err)
}

// UpdateOrg implements store.Workspace.
func (s *workspaceStore) UpdateOrg(ctx context.Context, id string, fn func(*store.Org) error) (store.Org, error) {
	var o store.Org
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		o, err = scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM sp_orgs WHERE id = $1`+s.fl.forUpdate, id))
		if err != nil {
			return rowErr("org", id, err)
		}
		if err := fn(&o); err != nil {
			return err
		}
		o.ID = id
		_, err = tx.ExecContext(ctx, `UPDATE sp_orgs SET slug = $2, name = $3, plan = $4, external_id = NULLIF($5, '') WHERE id = $1`,
			id, o.Slug, o.Name, o.Plan, o.ExternalID)
		if err != nil {
			return fmt.Errorf("update org %q: %w", id, mapErr(err))
		}
		return nil
	})
	return o, err
}

// ListOrgs implements store.Workspace.
func (s *workspaceStore) ListOrgs(ctx context.Context, opt store.ListOptions) ([]store.Org, int, error) {
	limit, offset := limits(opt)
	where := ` WHERE lower(slug) LIKE $1 ESCAPE '\' OR lower(name) LIKE $1 ESCAPE '\'`
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sp_orgs`+where, like(opt.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count orgs: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+orgColumns+` FROM sp_orgs`+where+` ORDER BY slug LIMIT $2 OFFSET $3`,
		like(opt.Query), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list orgs: %w", err)
	}
	orgs, err := collect(rows, scanOrg)
	return orgs, total, err
}

const memberColumns = `id, org_id, email, role, password_hash, created_at, deactivated`

func scanMember(row interface{ Scan(...any) error }) (store.Member, error) {
	var m store.Member
	var created int64
	err := row.Scan(&m.ID, &m.OrgID, &m.Email, &m.Role, &m.PasswordHash, &created, &m.Deactivated)
	m.CreatedAt = fromMS(created)
	return m, err
}

func insertMember(ctx context.Context, q queryer, m store.Member) (store.Member, error) {
	if m.ID == "" {
		m.ID = newID("mbr_")
	}
	m.CreatedAt = stamp(m.CreatedAt)
	_, err := q.ExecContext(ctx, `INSERT INTO sp_members (`+memberColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		m.ID, m.OrgID, m.Email, m.Role, m.PasswordHash, ms(m.CreatedAt), m.Deactivated)
	if err != nil {
		return store.Member{}, fmt.Errorf("add member %q: %w", m.Email, mapErr(err))
	}
	return m, nil
}

// CreateMember implements store.Workspace.
func (s *workspaceStore) CreateMember(ctx context.Context, m store.Member) (store.Member, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if m, err = insertMember(ctx, tx, m); err != nil {
			return err
		}
		return closeInvites(ctx, tx, m.OrgID, m.Email)
	})
	return m, err
}

// GetMember implements store.Workspace.
func (s *workspaceStore) GetMember(ctx context.Context, id string) (store.Member, error) {
	m, err := scanMember(s.reads().QueryRowContext(ctx, `SELECT `+memberColumns+` FROM sp_members WHERE id = $1`, id))
	return m, rowErr("member", id, err)
}

// GetMemberByEmail implements store.Workspace.
func (s *workspaceStore) GetMemberByEmail(ctx context.Context, orgID, email string) (store.Member, error) {
	m, err := scanMember(s.reads().QueryRowContext(ctx, `SELECT `+memberColumns+` FROM sp_members
		WHERE org_id = $1 AND lower(email) = lower($2)`, orgID, email))
	return m, rowErr("member", email, err)
}

// UpdateMember implements store.Workspace.
func (s *workspaceStore) UpdateMember(ctx context.Context, id string, fn func(*store.Member) error) (store.Member, error) {
	var m store.Member
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		m, err = scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM sp_members WHERE id = $1`+s.fl.forUpdate, id))
		if err != nil {
			return rowErr("member", id, err)
		}
		orgID, wasAdmin := m.OrgID, m.Role == "admin"
		if err := fn(&m); err != nil {
			return err
		}
		m.ID, m.OrgID = id, orgID
		if wasAdmin && m.Role != "admin" {
			if err := s.keepAnAdmin(ctx, tx, orgID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE sp_members SET email = $2, role = $3, password_hash = $4 WHERE id = $1`,
			id, m.Email, m.Role, m.PasswordHash)
		if err != nil {
			return fmt.Errorf("update member %q: %w", id, mapErr(err))
		}
		return nil
	})
	return m, err
}

// DeleteMember implements store.Workspace. The member's sessions end too.
func (s *workspaceStore) DeleteMember(ctx context.Context, id string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM sp_members WHERE id = $1`+s.fl.forUpdate, id))
		if err != nil {
			return rowErr("member", id, err)
		}
		if m.Role == "admin" {
			if err := s.keepAnAdmin(ctx, tx, m.OrgID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sp_members WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete member %q: %w", id, mapErr(err))
		}
		if err := checkAffected(res, "member", id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE realm = 'workspace' AND user_id = $1`, id)
		return err
	})
}

// keepAnAdmin returns ErrLastAdmin unless the org has two admins or more,
// locking their rows so that concurrent demotions are serialized (SQLite's
// write transactions are serialized already).
func (s *workspaceStore) keepAnAdmin(ctx context.Context, tx *sql.Tx, orgID string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM sp_members WHERE org_id = $1 AND role = 'admin'`+s.fl.forUpdate, orgID)
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	ids, err := collect(rows, func(r interface{ Scan(...any) error }) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	if len(ids) <= 1 {
		return store.ErrLastAdmin
	}
	return nil
}

// ListMembers implements store.Workspace.
func (s *workspaceStore) ListMembers(ctx context.Context, orgID string, opt store.ListOptions) ([]store.Member, int, error) {
	limit, offset := limits(opt)
	where := ` WHERE org_id = $1 AND lower(email) LIKE $2 ESCAPE '\'`
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sp_members`+where, orgID, like(opt.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count members: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+memberColumns+` FROM sp_members`+where+
		` ORDER BY lower(email) LIMIT $3 OFFSET $4`, orgID, like(opt.Query), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list members: %w", err)
	}
	members, err := collect(rows, scanMember)
	return members, total, err
}

// MembershipsByEmail implements store.Workspace.
func (s *workspaceStore) MembershipsByEmail(ctx context.Context, email string) ([]store.Member, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+memberColumns+` FROM sp_members WHERE lower(email) = lower($1)
		ORDER BY created_at`, email)
	if err != nil {
		return nil, fmt.Errorf("memberships by email: %w", err)
	}
	return collect(rows, scanMember)
}
