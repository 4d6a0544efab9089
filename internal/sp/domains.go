// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Domain verification: an org admin claims an email domain, publishes a
// DNS TXT record carrying the claim's token, and Signet looks it up. A
// verified domain routes "Sign in with SSO" and host apps' login_hint and
// domain_hint to its org, and makes the org's IdP authoritative for the
// domain's emails (email_verified). Verification is re-checked every
// DomainRecheckInterval and lost when the record goes.
const (
	// DomainRecordPrefix is prepended to the domain to name the TXT record.
	DomainRecordPrefix = "_signet-challenge."
	// DomainTokenPrefix starts the TXT record's value.
	DomainTokenPrefix = "signet-domain-verification="
	// DomainRecheckInterval is how often every claim is looked up again.
	DomainRecheckInterval = 12 * time.Hour
	// MaxDomainsPerOrg bounds an org's claims.
	MaxDomainsPerOrg = 50
	// dnsTimeout bounds one verification lookup.
	dnsTimeout = 5 * time.Second
)

// TXTResolver looks up TXT records; *net.Resolver is one.
type TXTResolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// NewResolver returns a resolver that asks server (host:port) over UDP,
// falling back to TCP as DNS does, or the system's resolver if server is "".
func NewResolver(server string) *net.Resolver {
	if server == "" {
		return net.DefaultResolver
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
}

// DomainRecord is what an admin publishes to verify a claim.
type DomainRecord struct {
	Name, Value string // e.g. _signet-challenge.example.com, signet-domain-verification=…
}

// RecordFor is the TXT record that verifies d.
func RecordFor(d store.Domain) DomainRecord {
	return DomainRecord{Name: DomainRecordPrefix + d.Domain, Value: DomainTokenPrefix + d.Token}
}

// NormDomain checks a domain an admin typed and returns its stored form:
// lower case, ASCII (IDNA), no trailing dot. It refuses emails, URLs, IP
// addresses and public suffixes (com, co.uk): no org may claim everyone's
// addresses.
func NormDomain(raw string) (string, error) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(raw)), ".")
	switch {
	case d == "":
		return "", web.BadRequest("Enter a domain, such as example.com.")
	case strings.Contains(d, "@"):
		return "", web.BadRequest("Enter the domain only (example.com), not an email address.")
	case strings.Contains(d, "/") || strings.Contains(d, ":"):
		return "", web.BadRequest("Enter the domain only (example.com), not a URL.")
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return "", web.BadRequest("Enter a domain name, not an IP address.")
	}
	ascii, err := idna.Registration.ToASCII(d)
	if err != nil || len(ascii) > 253 {
		return "", web.BadRequest(fmt.Sprintf("%q is not a domain name: enter one such as example.com.", raw))
	}
	if suffix, icann := publicsuffix.PublicSuffix(ascii); suffix == ascii && (icann || strings.Contains(ascii, ".")) {
		return "", web.BadRequest(fmt.Sprintf("%s is a public suffix that many organizations share: enter your own domain under it.", ascii))
	}
	if !strings.Contains(ascii, ".") {
		return "", web.BadRequest(fmt.Sprintf("%q is not a domain name: enter one such as example.com.", raw))
	}
	return ascii, nil
}

// EmailDomain returns the domain of an email in its stored form, or "".
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	d, err := NormDomain(email[at+1:])
	if err != nil {
		return ""
	}
	return d
}

// Domains owns the rules for an org's claimed email domains. Get one from
// Service.Domains.
type Domains struct{ svc *Service }

// Domains is the domain rules over this service's store and resolver.
func (s *Service) Domains() Domains { return Domains{s} }

// Add claims raw for o, unverified, and returns the claim; its RecordFor
// is what the admin publishes.
func (d Domains) Add(ctx context.Context, o store.Org, actor, raw string) (store.Domain, error) {
	name, err := NormDomain(raw)
	if err != nil {
		return store.Domain{}, err
	}
	have, err := d.svc.Store.ListDomains(ctx, o.ID)
	if err != nil {
		return store.Domain{}, err
	}
	if len(have) >= MaxDomainsPerOrg {
		return store.Domain{}, web.BadRequest(fmt.Sprintf("An organization can claim at most %d domains: remove one first.", MaxDomainsPerOrg))
	}
	claim, err := d.svc.Store.AddDomain(ctx, store.Domain{OrgID: o.ID, Domain: name, Token: newToken(d.svc.rand()), CreatedAt: d.svc.now()})
	if errors.Is(err, store.ErrConflict) {
		return store.Domain{}, web.Conflict(name + " is already on this organization's list.")
	}
	if err != nil {
		return store.Domain{}, err
	}
	d.svc.Audit(ctx, o, actor, "domain.add", "claimed "+name+"; verification pending")
	return claim, nil
}

// Remove drops o's claim on domain.
func (d Domains) Remove(ctx context.Context, o store.Org, actor, domain string) error {
	name, err := NormDomain(domain)
	if err != nil {
		return err
	}
	if err := d.svc.Store.DeleteDomain(ctx, o.ID, name); err != nil {
		return err
	}
	d.svc.Audit(ctx, o, actor, "domain.remove", "removed "+name)
	return nil
}

// ErrDomainTaken refuses a verification: another org holds the domain.
var ErrDomainTaken = web.Conflict("Another organization has already verified this domain. " +
	"A domain routes sign-ins to one organization only: if it is yours, ask Signet's operator to remove the other claim.")

// Verify looks up o's claim on domain now and records the outcome. It
// returns the claim as stored; a claim still unverified says why in
// CheckError. ErrDomainTaken if another org holds the domain verified.
func (d Domains) Verify(ctx context.Context, o store.Org, actor, domain string) (store.Domain, error) {
	name, err := NormDomain(domain)
	if err != nil {
		return store.Domain{}, err
	}
	claim, err := d.svc.Store.GetDomain(ctx, o.ID, name)
	if err != nil {
		return store.Domain{}, err
	}
	if err := d.heldElsewhere(ctx, o, name); err != nil {
		return store.Domain{}, err
	}
	return d.check(ctx, o, actor, claim)
}

// heldElsewhere returns ErrDomainTaken if another org holds the domain
// verified. It first looks that org's record up again: a record that has
// gone frees the domain now rather than at the next periodic re-check.
func (d Domains) heldElsewhere(ctx context.Context, o store.Org, name string) error {
	holder, err := d.svc.Store.VerifiedDomain(ctx, name)
	if errors.Is(err, store.ErrNotFound) || (err == nil && holder.OrgID == o.ID) {
		return nil
	}
	if err != nil {
		return err
	}
	other, err := d.svc.Store.GetOrg(ctx, holder.OrgID)
	if err != nil {
		return err
	}
	if after, err := d.check(ctx, other, "domain re-check", holder); err != nil || after.Verified() {
		return errors.Join(ErrDomainTaken, err)
	}
	return nil
}

// check looks the claim's record up and stores what it found, auditing
// a change of state.
func (d Domains) check(ctx context.Context, o store.Org, actor string, claim store.Domain) (store.Domain, error) {
	c := d.lookup(ctx, claim)
	after, err := d.svc.Store.RecordDomainCheck(ctx, o.ID, claim.Domain, c)
	if errors.Is(err, store.ErrConflict) {
		_, err2 := d.svc.Store.RecordDomainCheck(ctx, o.ID, claim.Domain, store.DomainCheck{At: c.At,
			Error: "another organization has already verified this domain"})
		return store.Domain{}, errors.Join(ErrDomainTaken, err2)
	}
	if err != nil {
		return store.Domain{}, err
	}
	switch {
	case after.Verified() && !claim.Verified():
		d.svc.Audit(ctx, o, actor, "domain.verify", "verified "+claim.Domain+" by its DNS TXT record")
	case !after.Verified() && claim.Verified():
		d.svc.Audit(ctx, o, actor, "domain.unverify", claim.Domain+" is no longer verified: "+after.CheckError)
	}
	return after, nil
}

// lookup asks DNS for the claim's record. A missing name or record
// unverifies; a failure that says nothing about the record (a timeout, a
// server failure) keeps the state.
func (d Domains) lookup(ctx context.Context, claim store.Domain) store.DomainCheck {
	now := d.svc.now()
	ctx, cancel := context.WithTimeout(ctx, dnsTimeout)
	defer cancel()
	rec := RecordFor(claim)
	values, err := d.svc.resolver().LookupTXT(ctx, rec.Name)
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return store.DomainCheck{At: now, Error: "no TXT record at " + rec.Name}
	case err != nil:
		return store.DomainCheck{At: now, Keep: true, Error: "the DNS lookup of " + rec.Name + " failed; Signet will try again"}
	}
	for _, v := range values {
		if strings.TrimSpace(v) == rec.Value {
			return store.DomainCheck{At: now, Found: true}
		}
	}
	return store.DomainCheck{At: now, Error: fmt.Sprintf("the TXT records at %s do not include %s", rec.Name, rec.Value)}
}

// RecheckDue looks up every claim last checked more than
// DomainRecheckInterval ago, so a verification ends when its record goes
// (and a pending one succeeds when it appears), and returns how many it
// checked.
func (d Domains) RecheckDue(ctx context.Context) (int, error) {
	due, err := d.svc.Store.DomainsToCheck(ctx, d.svc.now().Add(-DomainRecheckInterval), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, claim := range due {
		if ctx.Err() != nil {
			break
		}
		o, err := d.svc.Store.GetOrg(ctx, claim.OrgID)
		if err == nil {
			_, err = d.check(ctx, o, "domain re-check", claim)
		}
		if err != nil && d.svc.Log != nil {
			d.svc.Log.WarnContext(ctx, "domain re-check failed", "org_id", claim.OrgID, "domain", claim.Domain, "err", err)
		}
		n++
	}
	return n, ctx.Err()
}

// OrgForEmail returns the org holding the email's domain verified, or
// ErrNotFound. Only a verified domain routes an email (DESIGN §4 rule 10).
func (d Domains) OrgForEmail(ctx context.Context, email string) (store.Org, error) {
	return d.OrgForDomain(ctx, EmailDomain(email))
}

// OrgForDomain returns the org holding domain verified, or ErrNotFound.
func (d Domains) OrgForDomain(ctx context.Context, domain string) (store.Org, error) {
	id, err := DomainHolder(ctx, d.svc.Store, domain)
	if err != nil {
		return store.Org{}, err
	}
	return d.svc.Store.GetOrg(ctx, id)
}

// Authoritative reports whether o's IdP vouches for email: its domain is
// one of o's verified domains.
func (d Domains) Authoritative(ctx context.Context, o store.Org, email string) (bool, error) {
	return EmailAuthoritative(ctx, d.svc.Store, o, email)
}

// DomainHolder returns the ID of the org holding domain (as typed, or an
// email's domain) verified, or ErrNotFound.
func DomainHolder(ctx context.Context, st store.Domains, domain string) (string, error) {
	name, err := NormDomain(domain)
	if err != nil {
		return "", fmt.Errorf("domain %q: %w", domain, store.ErrNotFound)
	}
	claim, err := st.VerifiedDomain(ctx, name)
	return claim.OrgID, err
}

// EmailAuthoritative reports whether o holds the email's domain verified,
// so o's IdP is authoritative for the email (DESIGN §4 rule 10).
func EmailAuthoritative(ctx context.Context, st store.Domains, o store.Org, email string) (bool, error) {
	name := EmailDomain(email)
	if name == "" {
		return false, nil
	}
	id, err := DomainHolder(ctx, st, name)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil && id == o.ID, err
}

// hasVerifiedDomain reports whether o holds any domain verified.
func (s *Service) hasVerifiedDomain(ctx context.Context, o store.Org) (bool, error) {
	claims, err := s.Store.ListDomains(ctx, o.ID)
	for _, c := range claims {
		if c.Verified() {
			return true, nil
		}
	}
	return false, err
}

// outsideDomains refuses a sign-in whose email is not at one of o's
// verified domains, when the connection says so (DomainsOnly, or
// JITDomainsOnly for a person about to be provisioned).
func (s *Service) outsideDomains(ctx context.Context, o store.Org, email string, jit bool) error {
	ok, err := EmailAuthoritative(ctx, s.Store, o, email)
	if err != nil || ok {
		return err
	}
	domain := EmailDomain(email)
	if jit {
		e := signin.NewError(signin.CodeEmailOutsideDomains, fmt.Errorf("%s is not at a verified domain of %s, and JIT provisioning is limited to those", email, o.Slug))
		e.Message = "Just-in-time provisioning is limited to the organization's verified domains, and " + domain + " is not one of them."
		e.Hint = "An org admin can invite " + email + ", verify " + domain + " (Single Sign-On Settings › Verified domains), or let JIT provisioning take any domain."
		return e
	}
	e := signin.NewError(signin.CodeEmailOutsideDomains, fmt.Errorf("%s is not at a verified domain of %s", email, o.Slug))
	e.Message = "The organization accepts sign-ins only from its verified domains, and " + domain + " is not one of them."
	e.Hint = "If " + domain + " is the organization's, an org admin can verify it (Single Sign-On Settings › Verified domains); otherwise map the person's work email at the IdP."
	return e
}

// Route sends people at one of the org's domains to one of its SSO
// connections (connRef: its ID or name; "" for none: then the primary one,
// or their choice when the org has several).
func (d Domains) Route(ctx context.Context, o store.Org, actor, domain, connRef string) (store.Domain, error) {
	name, err := NormDomain(domain)
	if err != nil {
		return store.Domain{}, err
	}
	connID, connName := "", "no connection in particular"
	if connRef != "" {
		c, err := FindConnection(ctx, d.svc.Store, o, connRef)
		if err != nil {
			return store.Domain{}, err
		}
		connID, connName = c.ID, "the SSO connection “"+c.Name+"”"
	}
	claim, err := d.svc.Store.SetDomainConnection(ctx, o.ID, name, connID)
	if err != nil {
		return claim, err
	}
	d.svc.Audit(ctx, o, actor, "domain.route", "people at "+name+" sign in through "+connName)
	return claim, nil
}
