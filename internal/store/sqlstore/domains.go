// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/signet-sso/signet/internal/store"
)

const domainColumns = `org_id, domain, token, created_at, verified_at, checked_at, check_error, connection_id`

func scanDomain(r interface{ Scan(...any) error }) (store.Domain, error) {
	var d store.Domain
	var created, verified, checked int64
	err := r.Scan(&d.OrgID, &d.Domain, &d.Token, &created, &verified, &checked, &d.CheckError, &d.ConnectionID)
	d.CreatedAt, d.VerifiedAt, d.CheckedAt = fromMS(created), fromMS(verified), fromMS(checked)
	return d, err
}

// AddDomain implements store.Domains.
func (s *domainStore) AddDomain(ctx context.Context, d store.Domain) (store.Domain, error) {
	_, err := s.exec(ctx, `INSERT INTO sp_domains (org_id, domain, token, created_at) VALUES ($1, $2, $3, $4)`,
		d.OrgID, d.Domain, d.Token, ms(d.CreatedAt))
	if err != nil {
		return store.Domain{}, fmt.Errorf("add domain %q: %w", d.Domain, mapErr(err))
	}
	d.VerifiedAt, d.CheckedAt, d.CheckError = time.Time{}, time.Time{}, ""
	return d, nil
}

// GetDomain implements store.Domains.
func (s *domainStore) GetDomain(ctx context.Context, orgID, domain string) (store.Domain, error) {
	d, err := scanDomain(s.db.QueryRowContext(ctx, `SELECT `+domainColumns+` FROM sp_domains WHERE org_id = $1 AND domain = $2`, orgID, domain))
	return d, rowErr("domain", domain, err)
}

// ListDomains implements store.Domains.
func (s *domainStore) ListDomains(ctx context.Context, orgID string) ([]store.Domain, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+domainColumns+` FROM sp_domains WHERE org_id = $1 ORDER BY domain`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list domains: %w", err)
	}
	return collect(rows, scanDomain)
}

// DeleteDomain implements store.Domains.
func (s *domainStore) DeleteDomain(ctx context.Context, orgID, domain string) error {
	res, err := s.exec(ctx, `DELETE FROM sp_domains WHERE org_id = $1 AND domain = $2`, orgID, domain)
	if err != nil {
		return fmt.Errorf("delete domain %q: %w", domain, mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, notFound("domain", domain))
	}
	return nil
}

// SetDomainConnection implements store.Domains.
func (s *domainStore) SetDomainConnection(ctx context.Context, orgID, domain, connectionID string) (store.Domain, error) {
	var d store.Domain
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if connectionID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sp_sso_connections WHERE org_id = $1 AND id = $2`,
				orgID, connectionID).Scan(&n); err != nil || n == 0 {
				return errors.Join(err, notFound("SSO connection", connectionID))
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE sp_domains SET connection_id = $3 WHERE org_id = $1 AND domain = $2`, orgID, domain, connectionID)
		if err != nil {
			return fmt.Errorf("route domain %q: %w", domain, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, notFound("domain", domain))
		}
		d, err = scanDomain(tx.QueryRowContext(ctx, `SELECT `+domainColumns+` FROM sp_domains WHERE org_id = $1 AND domain = $2`, orgID, domain))
		return err
	})
	return d, err
}

// RecordDomainCheck implements store.Domains. The read and the write are
// one transaction; the partial unique index refuses a second org's
// verification even when two checks race.
func (s *domainStore) RecordDomainCheck(ctx context.Context, orgID, domain string, c store.DomainCheck) (store.Domain, error) {
	var out store.Domain
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		d, err := scanDomain(tx.QueryRowContext(ctx, `SELECT `+domainColumns+` FROM sp_domains WHERE org_id = $1 AND domain = $2`, orgID, domain))
		if err != nil {
			return rowErr("domain", domain, err)
		}
		d.CheckedAt, d.CheckError = c.At, c.Error
		switch {
		case c.Found:
			d.CheckError = ""
			if d.VerifiedAt.IsZero() {
				d.VerifiedAt = c.At
			}
		case !c.Keep:
			d.VerifiedAt = time.Time{}
		}
		_, err = tx.ExecContext(ctx, `UPDATE sp_domains SET verified_at = $3, checked_at = $4, check_error = $5 WHERE org_id = $1 AND domain = $2`,
			orgID, domain, ms(d.VerifiedAt), ms(d.CheckedAt), d.CheckError)
		if err != nil {
			return fmt.Errorf("record the check of domain %q: %w", domain, mapErr(err))
		}
		out = d
		return nil
	})
	return out, err
}

// VerifiedDomain implements store.Domains.
func (s *domainStore) VerifiedDomain(ctx context.Context, domain string) (store.Domain, error) {
	d, err := scanDomain(s.db.QueryRowContext(ctx, `SELECT `+domainColumns+` FROM sp_domains WHERE domain = $1 AND verified_at > 0`, domain))
	return d, rowErr("verified domain", domain, err)
}

// DomainsToCheck implements store.Domains.
func (s *domainStore) DomainsToCheck(ctx context.Context, cutoff time.Time, limit int) ([]store.Domain, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+domainColumns+` FROM sp_domains WHERE checked_at < $1 ORDER BY checked_at, domain LIMIT $2`,
		ms(cutoff), limit)
	if err != nil {
		return nil, fmt.Errorf("list domains to check: %w", err)
	}
	return collect(rows, scanDomain)
}
