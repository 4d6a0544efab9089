// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// WarnExpiringCertificates emails the Identity Center's admins, once per
// certificate, when an application's active signing certificate is within
// saml.ExpiringWithin of its end: the application needs the new metadata
// before then. It returns how many warnings it queued.
func (s *Service) WarnExpiringCertificates(ctx context.Context) (int, error) {
	if s.Mail == nil {
		return 0, nil
	}
	now, n := s.now(), 0
	var admins []string // read when a warning is due, not every hour
	for offset := 0; ; offset += 200 {
		apps, total, err := s.Store.ListApps(ctx, store.ListOptions{Limit: 200, Offset: offset})
		if err != nil {
			return n, err
		}
		for _, a := range apps {
			k, err := s.Store.ActiveSigningKey(ctx, a.ID)
			if err != nil || now.Add(saml.ExpiringWithin).Before(k.NotAfter) {
				continue // no key, or not due: nothing to say
			}
			setting := "warned.certificate." + k.ID
			if done, err := s.Store.IdPSetting(ctx, setting); err != nil || done != "" {
				continue
			}
			if admins == nil {
				if admins, err = s.adminEmails(ctx); err != nil || len(admins) == 0 {
					return n, err // nobody to tell: tell them when there is
				}
			}
			if err := s.warnAdmins(ctx, admins, a, k, now); err != nil {
				return n, err
			}
			if err := s.Store.PutIdPSetting(ctx, setting, now.Format(time.RFC3339), now); err != nil {
				return n, err
			}
			n++
		}
		if offset+len(apps) >= total || len(apps) == 0 {
			return n, nil
		}
	}
}

// adminEmails lists the addresses of the active console admins.
func (s *Service) adminEmails(ctx context.Context) ([]string, error) {
	var admins []string
	for offset := 0; ; offset += 200 {
		users, total, err := s.Store.ListUsers(ctx, store.ListOptions{Limit: 200, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Admin && u.Active && u.Email != "" {
				admins = append(admins, u.Email)
			}
		}
		if offset+len(users) >= total || len(users) == 0 {
			return admins, nil
		}
	}
}

func (s *Service) warnAdmins(ctx context.Context, admins []string, a store.App, k store.SigningKey, now time.Time) error {
	when := "expires on " + k.NotAfter.UTC().Format("2 January 2006")
	if now.After(k.NotAfter) {
		when = "expired on " + k.NotAfter.UTC().Format("2 January 2006")
	}
	text := fmt.Sprintf("Hello,\n\nThe signing certificate of the application %q in Signet Identity Center %s.\n\n"+
		"In the console, open Applications > %s > Certificates, generate a new certificate, give the application the new "+
		"metadata (%s/saml/apps/%s/metadata), then set the new certificate as active.\n", a.Name, when, a.Name, s.BaseURL, a.ID)
	for _, to := range admins {
		if err := s.Mail.Queue(ctx, to, "Certificate of "+a.Name+" "+strings.SplitN(when, " on", 2)[0], text, "certificate_expiry"); err != nil {
			return err
		}
	}
	s.Audit(ctx, "signet", "certificate.expiry_warning", a.Name, "emailed the admins: the signing certificate "+when)
	return nil
}
