// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

const connColumns = `id, org_id, name, is_primary, created_at, provider, metadata_xml, idp_entity_id, certificates_pem,
	allow_idp_initiated, jit_role, require_sso, allow_legacy_crypto, verified_at, updated_at, metadata_url, refreshed_at,
	refresh_error, host_app_client_id, host_app_redirect_uri, domains_only, jit_domains_only`

// connValues are the placeholders of connColumns, in order.
const connValues = `$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22`

func scanConn(row interface{ Scan(...any) error }) (store.SSOConnection, error) {
	var c store.SSOConnection
	var created, verified, updated, refreshed int64
	err := row.Scan(&c.ID, &c.OrgID, &c.Name, &c.Primary, &created, &c.Provider, &c.MetadataXML, &c.IdPEntityID,
		&c.CertificatesPEM, &c.AllowIdPInitiated, &c.JITRole, &c.RequireSSO, &c.AllowLegacyCrypto, &verified, &updated,
		&c.MetadataURL, &refreshed, &c.RefreshError, &c.HostAppClientID, &c.HostAppRedirectURI, &c.DomainsOnly, &c.JITDomainsOnly)
	c.CreatedAt, c.VerifiedAt, c.UpdatedAt, c.RefreshedAt = fromMS(created), fromMS(verified), fromMS(updated), fromMS(refreshed)
	return c, err
}

func connArgs(c store.SSOConnection) []any {
	return []any{c.ID, c.OrgID, c.Name, c.Primary, ms(c.CreatedAt), c.Provider, c.MetadataXML, c.IdPEntityID,
		c.CertificatesPEM, c.AllowIdPInitiated, c.JITRole, c.RequireSSO, c.AllowLegacyCrypto, ms(c.VerifiedAt), ms(c.UpdatedAt),
		c.MetadataURL, ms(c.RefreshedAt), c.RefreshError, c.HostAppClientID, c.HostAppRedirectURI, c.DomainsOnly, c.JITDomainsOnly}
}

// connWhere selects one of an org's connections: by ID, or the primary one
// when the ID ($2) is empty.
const connWhere = ` WHERE org_id = $1 AND (id = $2 OR ($2 = '' AND is_primary))`

// PutSSOConnection implements store.Workspace.
func (s *workspaceStore) PutSSOConnection(ctx context.Context, c store.SSOConnection) (store.SSOConnection, error) {
	c.UpdatedAt = stamp(c.UpdatedAt)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if c.ID != "" {
			old, err := scanConn(tx.QueryRowContext(ctx, `SELECT `+connColumns+` FROM sp_sso_connections`+connWhere+s.fl.forUpdate, c.OrgID, c.ID))
			if err != nil {
				return rowErr("SSO connection", c.ID, err)
			}
			c.Primary, c.CreatedAt = old.Primary, old.CreatedAt
			return updateConn(ctx, tx, c)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sp_sso_connections WHERE org_id = $1`, c.OrgID).Scan(&n); err != nil {
			return fmt.Errorf("count SSO connections: %w", err)
		}
		c.ID, c.Primary, c.CreatedAt = newID("conn_"), n == 0, c.UpdatedAt
		if _, err := tx.ExecContext(ctx, `INSERT INTO sp_sso_connections (`+connColumns+`) VALUES (`+connValues+`)`, connArgs(c)...); err != nil {
			return mapErr(err)
		}
		return insertEvent(ctx, tx, c.OrgID, store.EventConnectionActivated, connectionEvent(c), c.UpdatedAt)
	})
	if err != nil {
		return c, fmt.Errorf("save SSO connection of org %q: %w", c.OrgID, err)
	}
	return c, nil
}

func updateConn(ctx context.Context, tx *sql.Tx, c store.SSOConnection) error {
	_, err := tx.ExecContext(ctx, `UPDATE sp_sso_connections SET name = $3, is_primary = $4, created_at = $5, provider = $6,
		metadata_xml = $7, idp_entity_id = $8, certificates_pem = $9, allow_idp_initiated = $10, jit_role = $11,
		require_sso = $12, allow_legacy_crypto = $13, verified_at = $14, updated_at = $15, metadata_url = $16,
		refreshed_at = $17, refresh_error = $18, host_app_client_id = $19, host_app_redirect_uri = $20,
		domains_only = $21, jit_domains_only = $22 WHERE id = $1 AND org_id = $2`, connArgs(c)...)
	return mapErr(err)
}

// GetSSOConnection implements store.Workspace.
func (s *workspaceStore) GetSSOConnection(ctx context.Context, orgID, id string) (store.SSOConnection, error) {
	c, err := scanConn(s.db.QueryRowContext(ctx, `SELECT `+connColumns+` FROM sp_sso_connections`+connWhere, orgID, id))
	return c, rowErr("SSO connection of org", orgID, err)
}

// ListSSOConnections implements store.Workspace.
func (s *workspaceStore) ListSSOConnections(ctx context.Context, orgID string) ([]store.SSOConnection, error) {
	rows, err := s.reads().QueryContext(ctx, `SELECT `+connColumns+` FROM sp_sso_connections WHERE org_id = $1
		ORDER BY is_primary DESC, lower(name), id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list SSO connections: %w", err)
	}
	return collect(rows, scanConn)
}

// signInSetupQuery reads an org with its role mapping and its connections
// in one statement: a row per connection, each repeating the org and the
// mapping (an org has a few connections). An org without connections has
// no rows; GetSignInSetup then reads the org and mapping on their own.
var signInSetupQuery = `SELECT ` + prefixed("o.", orgColumns) + `, o.setup_version,
	COALESCE(m.attribute, ''), COALESCE(m.default_role, ''), COALESCE(m.rules, ''), COALESCE(m.updated_at, 0),
	` + prefixed("c.", connColumns) + `
	FROM sp_orgs o
	JOIN sp_sso_connections c ON c.org_id = o.id
	LEFT JOIN sp_role_mappings m ON m.org_id = o.id
	WHERE o.slug = $1
	ORDER BY c.is_primary DESC, lower(c.name), c.id`

// GetSignInSetup implements store.Workspace. It is one statement on the
// sign-in's path where three lookups were: on PostgreSQL one round trip
// instead of three.
func (s *workspaceStore) GetSignInSetup(ctx context.Context, slug string) (store.SignInSetup, error) {
	rows, err := s.reads().QueryContext(ctx, signInSetupQuery, slug)
	if err != nil {
		return store.SignInSetup{}, fmt.Errorf("read sign-in setup: %w", mapErr(err))
	}
	defer rows.Close()
	var setup store.SignInSetup
	var rules string
	var updated int64
	for rows.Next() {
		o, m := &setup.Org, &setup.RoleMapping
		var created int64
		c, err := scanConn(leadingColumns{rows, []any{&o.ID, &o.Slug, &o.Name, &o.Plan, &created, &o.ExternalID, &setup.Version,
			&m.Attribute, &m.DefaultRole, &rules, &updated}})
		if err != nil {
			return store.SignInSetup{}, fmt.Errorf("read sign-in setup: %w", err)
		}
		o.CreatedAt = fromMS(created)
		setup.Connections = append(setup.Connections, c)
	}
	if err := rows.Err(); err != nil {
		return store.SignInSetup{}, fmt.Errorf("read sign-in setup: %w", mapErr(err))
	}
	if len(setup.Connections) == 0 {
		// Nothing to sign in with: the ACS refuses this setup and keeps
		// no copy, so its version is not needed.
		if setup.Org, err = s.GetOrgBySlug(ctx, slug); err != nil {
			return store.SignInSetup{}, err
		}
		setup.RoleMapping, err = getRoleMapping(ctx, s.reads(), setup.Org.ID, "")
		return setup, err
	}
	setup.RoleMapping.OrgID = setup.Org.ID
	if rules == "" { // no mapping saved
		return setup, nil
	}
	return setup, decodeRoleMapping(&setup.RoleMapping, rules, updated)
}

// prefixed qualifies each column of a column list with a table alias
// ("o." and "id, slug" give "o.id, o.slug"); for a function call such as
// COALESCE with a column first, that column is qualified.
func prefixed(alias, columns string) string {
	var cols []string
	depth, start := 0, 0
	for i, r := range columns + "," {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == ',' && depth == 0:
			cols = append(cols, strings.TrimSpace(columns[start:i]))
			start = i + 1
		}
	}
	for i, col := range cols {
		if open := strings.IndexByte(col, '('); open >= 0 {
			cols[i] = col[:open+1] + alias + col[open+1:]
		} else {
			cols[i] = alias + col
		}
	}
	return strings.Join(cols, ", ")
}

// UpdateSSOConnection implements store.Workspace.
func (s *workspaceStore) UpdateSSOConnection(ctx context.Context, orgID, id string, fn func(*store.SSOConnection) error) (store.SSOConnection, error) {
	var c store.SSOConnection
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		c, err = scanConn(tx.QueryRowContext(ctx, `SELECT `+connColumns+` FROM sp_sso_connections`+connWhere+s.fl.forUpdate, orgID, id))
		if err != nil {
			return rowErr("SSO connection of org", orgID, err)
		}
		keep := c
		if err := fn(&c); err != nil {
			return err
		}
		c.ID, c.OrgID, c.Primary, c.CreatedAt, c.UpdatedAt = keep.ID, keep.OrgID, keep.Primary, keep.CreatedAt, now()
		return updateConn(ctx, tx, c)
	})
	return c, err
}

// SetPrimarySSOConnection implements store.Workspace.
func (s *workspaceStore) SetPrimarySSOConnection(ctx context.Context, orgID, id string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := scanConn(tx.QueryRowContext(ctx, `SELECT `+connColumns+` FROM sp_sso_connections`+connWhere+s.fl.forUpdate, orgID, ""))
		if err != nil {
			return rowErr("primary SSO connection of org", orgID, err)
		}
		if old.ID == id {
			return nil
		}
		return movePrimary(ctx, tx, orgID, old, id)
	})
}

// movePrimary makes id primary in old's place, with old's RequireSSO.
func movePrimary(ctx context.Context, tx *sql.Tx, orgID string, old store.SSOConnection, id string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sp_sso_connections SET is_primary = FALSE, require_sso = FALSE
		WHERE org_id = $1 AND id = $2`, orgID, old.ID); err != nil {
		return fmt.Errorf("demote SSO connection: %w", mapErr(err))
	}
	res, err := tx.ExecContext(ctx, `UPDATE sp_sso_connections SET is_primary = TRUE, require_sso = $3
		WHERE org_id = $1 AND id = $2`, orgID, id, old.RequireSSO)
	if err != nil {
		return fmt.Errorf("promote SSO connection: %w", mapErr(err))
	}
	return checkAffected(res, "SSO connection", id)
}

// SSOConnectionsToRefresh implements store.Workspace.
func (s *workspaceStore) SSOConnectionsToRefresh(ctx context.Context, cutoff time.Time, limit int) ([]store.ConnectionRef, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT org_id, id FROM sp_sso_connections
		WHERE metadata_url <> '' AND refreshed_at < $1 ORDER BY refreshed_at, id LIMIT $2`, ms(cutoff), limit)
	if err != nil {
		return nil, fmt.Errorf("connections to refresh: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (store.ConnectionRef, error) {
		var c store.ConnectionRef
		return c, r.Scan(&c.OrgID, &c.ID)
	})
}

// DeleteSSOConnection implements store.Workspace.
func (s *workspaceStore) DeleteSSOConnection(ctx context.Context, orgID, id string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		c, err := scanConn(tx.QueryRowContext(ctx, `SELECT `+connColumns+` FROM sp_sso_connections`+connWhere+s.fl.forUpdate, orgID, id))
		if err != nil {
			return rowErr("SSO connection of org", orgID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sp_sso_connections WHERE id = $1`, c.ID); err != nil {
			return fmt.Errorf("delete SSO connection: %w", mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sp_domains SET connection_id = '' WHERE org_id = $1 AND connection_id = $2`, orgID, c.ID); err != nil {
			return fmt.Errorf("unroute the connection's domains: %w", mapErr(err))
		}
		if c.Primary {
			if err := s.promoteNext(ctx, tx, c); err != nil {
				return err
			}
		}
		return insertEvent(ctx, tx, orgID, store.EventConnectionDeleted, connectionEvent(c), now())
	})
}

// promoteNext makes the oldest remaining connection primary after the
// primary one c was deleted; RequireSSO moves with it.
func (s *workspaceStore) promoteNext(ctx context.Context, tx *sql.Tx, c store.SSOConnection) error {
	var next string
	err := tx.QueryRowContext(ctx, `SELECT id FROM sp_sso_connections WHERE org_id = $1 ORDER BY created_at, id LIMIT 1`, c.OrgID).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("next primary SSO connection: %w", err)
	}
	c.ID = "" // gone already: only its RequireSSO moves
	return movePrimary(ctx, tx, c.OrgID, c, next)
}

func connectionEvent(c store.SSOConnection) store.EventConnection {
	return store.EventConnection{ID: c.ID, Name: c.Name, IdPEntityID: c.IdPEntityID}
}
