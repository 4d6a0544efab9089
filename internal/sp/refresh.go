// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// MetadataRefreshInterval is how often a connection made from an https
// metadata URL is refreshed from it.
const MetadataRefreshInterval = 24 * time.Hour

// Refreshable reports whether metadata from rawURL is refreshed
// automatically: only over https, so no one on the path can swap the
// IdP's certificates.
func Refreshable(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Scheme == "https"
}

// AutoRefresh reports whether the connection is refreshed from its URL.
func (c *Connection) AutoRefresh() bool { return Refreshable(c.MetadataURL) }

// RefreshDue refreshes every connection whose metadata URL was last read
// more than MetadataRefreshInterval ago, and returns how many it read.
func (s *Service) RefreshDue(ctx context.Context) (int, error) {
	refs, err := s.Store.SSOConnectionsToRefresh(ctx, s.now().Add(-MetadataRefreshInterval), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ref := range refs {
		if ctx.Err() != nil {
			break
		}
		if err := s.RefreshMetadata(ctx, ref); err != nil && s.Log != nil {
			s.Log.WarnContext(ctx, "metadata refresh failed", "org_id", ref.OrgID, "connection", ref.ID, "err", err)
		}
		n++
	}
	return n, ctx.Err()
}

// RefreshMetadata re-reads a connection's IdP metadata from its URL. New
// certificates (a rollover) are taken, keeping the connection's options and
// its verified state: the admin chose this URL. Metadata for another
// entity ID is not: that is a new IdP, which the admin must upload. A
// failure is recorded on the connection (shown on the settings page) and
// the stored metadata stays in use.
func (s *Service) RefreshMetadata(ctx context.Context, ref store.ConnectionRef) error {
	c, err := s.Store.GetSSOConnection(ctx, ref.OrgID, ref.ID)
	if err != nil {
		return err
	}
	o, err := s.Store.GetOrg(ctx, ref.OrgID)
	if err != nil {
		return err
	}
	if !Refreshable(c.MetadataURL) {
		return s.recordRefresh(ctx, o, c.ID, c.IdPEntityID, nil, errors.New("the metadata URL is not https, so it is not refreshed automatically"))
	}
	md, err := s.FetchMetadata(ctx, c.MetadataURL)
	if err != nil {
		return s.recordRefresh(ctx, o, c.ID, c.IdPEntityID, nil, err)
	}
	if bytes.Equal(md, []byte(c.MetadataXML)) {
		return s.recordRefresh(ctx, o, c.ID, c.IdPEntityID, nil, nil)
	}
	m, err := saml.ParseMetadata(md, saml.MetadataOptions{Require: saml.RoleIdP, AllowLegacyCrypto: c.AllowLegacyCrypto,
		Now: s.now(), Limits: s.Limits})
	if err != nil {
		return s.recordRefresh(ctx, o, c.ID, c.IdPEntityID, nil, fmt.Errorf("the metadata at the URL no longer passes the checks: %w", err))
	}
	if m.EntityID != c.IdPEntityID {
		return s.recordRefresh(ctx, o, c.ID, c.IdPEntityID, nil, fmt.Errorf("the metadata at the URL now describes another identity provider (%s); save it again to switch", m.EntityID))
	}
	return s.recordRefresh(ctx, o, c.ID, c.IdPEntityID, &refreshed{xml: string(md), certificatesPEM: saml.EncodeCertificatesPEM(trusted(m)...)}, nil)
}

// refreshed is newer metadata read from the URL.
type refreshed struct {
	xml, certificatesPEM string
}

// recordRefresh stores the outcome of a refresh in one transaction: the
// time, the error (or none) and, with newer metadata, the metadata and its
// certificates. It returns fetchErr.
func (s *Service) recordRefresh(ctx context.Context, o store.Org, connID, entityID string, newer *refreshed, fetchErr error) error {
	certsChanged := false
	_, err := s.Store.UpdateSSOConnection(ctx, o.ID, connID, func(c *store.SSOConnection) error {
		if c.IdPEntityID != entityID {
			return errors.New("the connection changed during the refresh")
		}
		c.RefreshedAt, c.RefreshError = s.now(), ""
		if fetchErr != nil {
			c.RefreshError = fetchErr.Error()
		}
		if newer != nil {
			certsChanged = newer.certificatesPEM != c.CertificatesPEM
			c.MetadataXML, c.CertificatesPEM = newer.xml, newer.certificatesPEM
		}
		return nil
	})
	if err != nil {
		return err
	}
	if newer != nil {
		detail := "metadata refreshed from " + entityID
		if certsChanged {
			detail += "; signing certificates changed"
		}
		s.Audit(ctx, o, "metadata refresh", "sso.metadata.refresh", detail)
	}
	return fetchErr
}

// AnnounceExpiringCertificates appends a connection.certificate_expiring
// event, once per connection and certificate, for every trusted IdP
// certificate within saml.ExpiringWithin of its end (or past it), so
// host apps can warn their customers in time. It returns how many it
// appended.
func (s *Service) AnnounceExpiringCertificates(ctx context.Context) (int, error) {
	now, n, after := s.now(), 0, ""
	for {
		orgs, err := s.Store.ListOrgsAfter(ctx, after, 200)
		if err != nil || len(orgs) == 0 {
			return n, err
		}
		for _, o := range orgs {
			conns, err := s.Store.ListSSOConnections(ctx, o.ID)
			if err != nil {
				return n, err
			}
			for _, c := range conns {
				added, err := s.announceExpiring(ctx, c, now)
				if err != nil {
					return n, err
				}
				n += added
			}
		}
		after = orgs[len(orgs)-1].Slug
	}
}

func (s *Service) announceExpiring(ctx context.Context, c store.SSOConnection, now time.Time) (int, error) {
	certs, err := saml.ParseCertificatesPEM(c.CertificatesPEM)
	if err != nil {
		return 0, nil // a connection that cannot be parsed is reported on its page
	}
	n := 0
	for _, cert := range certs {
		if saml.CertificateStatus(cert, now) == "valid" {
			continue
		}
		fp := saml.Fingerprint(cert)
		data, err := json.Marshal(store.EventConnection{ID: c.ID, Name: c.Name, IdPEntityID: c.IdPEntityID, Certificate: fp, NotAfter: cert.NotAfter.UTC()})
		if err != nil {
			return n, err
		}
		added, err := s.Store.AppendEvent(ctx, store.Event{OrgID: c.OrgID, Type: store.EventCertificateExpiring, At: now, Data: data,
			Key: "certificate_expiring:" + c.ID + ":" + fp})
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	return n, nil
}
