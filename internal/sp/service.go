// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/mail"

	"github.com/signet-sso/signet/internal/ident"
	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/signin"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// The Workspace's fixed tables; read them through the functions below,
// which return copies (no caller can change them for everyone).
var (
	plans    = []string{"starter", "plus", "growth", "enterprise", "scholarship"} // in order
	ssoPlans = []string{"scholarship", "growth", "enterprise"}
	roles    = []string{"viewer", "member", "manager", "admin"} // least to most powerful
	jitRoles = []string{"", "viewer", "member", "manager"}      // "" is off
)

// ProviderChoice is one choice of the Identity Provider dropdown.
type ProviderChoice struct{ Value, Label string }

var providers = []ProviderChoice{
	{"okta", "Okta"}, {"entra", "Microsoft Entra ID"}, {"google", "Google Workspace"}, {"onelogin", "OneLogin"},
	{"auth0", "Auth0"}, {"jumpcloud", "JumpCloud"}, {"keycloak", "Keycloak"}, {"aws", "AWS IAM Identity Center"}, {"other", "Other"},
}

// Roles are the member roles, least to most powerful.
func Roles() []string { return slices.Clone(roles) }

// Providers are the Identity Provider dropdown's choices.
func Providers() []ProviderChoice { return slices.Clone(providers) }

// SSOAvailable reports whether plan includes SSO.
func SSOAvailable(plan string) bool { return slices.Contains(ssoPlans, plan) }

// Service is the Workspace's domain logic.
type Service struct {
	Store    store.Store
	BaseURL  string // public base URL of the Workspace, without a trailing slash
	Password password.Params
	Now      func() time.Time
	Rand     io.Reader
	Log      *slog.Logger
	// Fetch gets metadata URLs; NewFetcher makes one with the SSRF guard.
	Fetch *http.Client
	// RequestTTL is how long an SP-initiated sign-in may take at the IdP.
	RequestTTL time.Duration
	Limits     saml.Limits

	// Metrics, if set, counts sign-ins by flow and result.
	Metrics interface{ CountSignIn(flow, result string) }
	// Sealer seals the orgs' SP private keys; without it orgs have no SP
	// key (no encrypted assertions, no signed AuthnRequests).
	Sealer *secret.Sealer
	// Resolver looks up domain verification records; nil: the system's.
	Resolver TXTResolver
	// Mail, when it can deliver (a mail server, or the demo's outbox),
	// emails invitations to the invited address, so accepting one proves
	// the email; without it the admin passes the link on.
	Mail *mail.Outbox

	parsed   parseCache
	setups   setupCache
	keys     orgKeys
	attempts attemptGate
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) resolver() TXTResolver {
	if s.Resolver != nil {
		return s.Resolver
	}
	return net.DefaultResolver
}

func (s *Service) rand() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

// EntityID is the org's SP entity ID (also where its SP metadata is served).
func (s *Service) EntityID(o store.Org) string { return s.BaseURL + "/saml/" + o.Slug + "/metadata" }

// ACSURL is the org's Assertion Consumer Service URL.
func (s *Service) ACSURL(o store.Org) string { return s.BaseURL + "/saml/" + o.Slug + "/acs" }

// LoginURL starts SP-initiated sign-in to the org.
func (s *Service) LoginURL(o store.Org) string { return s.BaseURL + "/saml/" + o.Slug + "/login" }

// SPMetadata is the org's SP metadata, with its certificate for signing
// (AuthnRequests) and encryption (assertions) when it has a key.
func (s *Service) SPMetadata(ctx context.Context, o store.Org) ([]byte, error) {
	p := saml.SPMetadataParams{EntityID: s.EntityID(o), ACSURL: s.ACSURL(o), WantAssertionsSigned: true,
		NameIDFormats: []string{saml.NameIDEmail}, OrganizationName: o.Name, OrganizationURL: s.BaseURL}
	kp, ok, err := s.OrgKey(ctx, o)
	switch {
	case err != nil && s.Log != nil: // metadata without the key still lets IdPs connect
		s.Log.ErrorContext(ctx, "the org's SP key cannot be used; metadata without it", "org", o.Slug, "err", err)
	case ok:
		p.SigningCertificate, p.EncryptionCertificate = kp.Certificate, kp.Certificate
		p.SLOURL = s.SLOURL(o) // single logout needs the key: its messages are signed
	}
	return saml.SPMetadata(p)
}

// Audit records a Workspace event for the org.
func (s *Service) Audit(ctx context.Context, o store.Org, actor, action, detail string) {
	err := s.Store.AppendAudit(ctx, auditEvent(s.now(), o, actor, action, detail))
	if err != nil && s.Log != nil {
		s.Log.ErrorContext(ctx, "write audit event", "action", action, "err", err)
	}
}

// auditEvent is a Workspace audit entry of org o at now.
func auditEvent(now time.Time, o store.Org, actor, action, detail string) store.AuditEvent {
	return store.AuditEvent{At: now, Realm: store.RealmWorkspace, OrgID: o.ID, Actor: actor, Action: action, Target: o.Slug, Detail: detail}
}

// ErrNotOnPlan is returned for SSO changes on plans without SSO.
var ErrNotOnPlan = signin.NewError(signin.CodeSSONotOnPlan, errors.New("the org's plan does not include SSO"))

// Connection is an org's SSO connection as people see it.
type Connection struct {
	store.SSOConnection
	Metadata     *saml.EntityMetadata
	Provider     signin.Provider // for the hints' wording
	ProviderName string
	Recognized   signin.Provider // what the entity ID says
	SignInURL    string
	Certificates []CertificateInfo

	trusted []*x509.Certificate // parsed CertificatesPEM; shared, read-only
}

// CertificateInfo describes a trusted IdP certificate.
type CertificateInfo struct {
	Subject     string
	NotAfter    time.Time
	Status      string // "expired", "expiring" (within 90 days) or "valid"
	DaysLeft    int
	Fingerprint string
}

// providerOf maps the dropdown's value to the hints' provider.
func providerOf(value, entityID string) signin.Provider {
	switch value {
	case "", "other":
		return signin.RecognizeProvider(entityID)
	case "entra":
		return signin.ProviderEntra
	}
	return signin.Provider(value)
}

// LoadConnection returns one of the org's connections (id "": its primary
// one), or store.ErrNotFound.
func (s *Service) LoadConnection(ctx context.Context, o store.Org, id string) (*Connection, error) {
	c, err := s.Store.GetSSOConnection(ctx, o.ID, id)
	if err != nil {
		return nil, err
	}
	return s.connectionOf(o, c)
}

// LoadConnections returns the org's connections, primary first.
func (s *Service) LoadConnections(ctx context.Context, o store.Org) ([]*Connection, error) {
	list, err := s.Store.ListSSOConnections(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	return s.connectionsOf(o, list)
}

// connectionsOf parses the org's stored connections for use.
func (s *Service) connectionsOf(o store.Org, list []store.SSOConnection) ([]*Connection, error) {
	conns := make([]*Connection, 0, len(list))
	for _, c := range list {
		conn, err := s.connectionOf(o, c)
		if err != nil {
			return nil, err
		}
		conns = append(conns, conn)
	}
	return conns, nil
}

// connectionOf parses a stored connection for use.
func (s *Service) connectionOf(o store.Org, c store.SSOConnection) (*Connection, error) {
	p, err := s.parseConnection(c)
	if err != nil {
		return nil, fmt.Errorf("stored connection of org %s no longer parses: %w", o.Slug, err)
	}
	m, certs := p.metadata, p.certs
	conn := &Connection{SSOConnection: c, Metadata: m, Provider: providerOf(c.Provider, c.IdPEntityID),
		Recognized: signin.RecognizeProvider(c.IdPEntityID), trusted: certs}
	// The label says what the entity ID shows, whatever was picked in the
	// dropdown; the dropdown's choice words the hints.
	conn.ProviderName = conn.Provider.Name()
	if conn.Recognized != signin.ProviderOther {
		conn.ProviderName = conn.Recognized.Name()
	}
	if e, ok := m.IdP.SSOService(saml.BindingHTTPRedirect); ok {
		conn.SignInURL = e.Location
	} else if e, ok := m.IdP.SSOService(saml.BindingHTTPPost); ok {
		conn.SignInURL = e.Location
	}
	for _, cert := range certs {
		conn.Certificates = append(conn.Certificates, certificateInfo(cert, s.now()))
	}
	return conn, nil
}

// parseConnection parses a stored connection's metadata and certificates,
// or returns the cached parse of the same bytes.
func (s *Service) parseConnection(c store.SSOConnection) (parsedConnection, error) {
	now := s.now()
	k := keyOf(c.MetadataXML, c.IdPEntityID, c.CertificatesPEM, c.AllowLegacyCrypto)
	if p, ok := s.parsed.get(k, now); ok {
		return p, nil
	}
	m, err := saml.ParseMetadata([]byte(c.MetadataXML), saml.MetadataOptions{Require: saml.RoleIdP, EntityID: c.IdPEntityID,
		AllowLegacyCrypto: c.AllowLegacyCrypto, Now: now})
	if err != nil {
		return parsedConnection{}, err
	}
	certs, err := saml.ParseCertificatesPEM(c.CertificatesPEM)
	if err != nil {
		return parsedConnection{}, err
	}
	p := parsedConnection{metadata: m, certs: certs, at: now}
	s.parsed.put(k, p)
	return p, nil
}

func certificateInfo(c *x509.Certificate, now time.Time) CertificateInfo {
	return CertificateInfo{Subject: c.Subject.String(), NotAfter: c.NotAfter, DaysLeft: int(c.NotAfter.Sub(now).Hours() / 24),
		Fingerprint: saml.Fingerprint(c), Status: saml.CertificateStatus(c, now)}
}

// maxTrustedCertificates is how many IdP certificates a connection trusts:
// the current one and the next, for rotation.
const maxTrustedCertificates = 2

// trusted are the signing certificates of m a connection trusts.
func trusted(m *saml.EntityMetadata) []*x509.Certificate {
	return m.IdP.SigningCertificates[:min(len(m.IdP.SigningCertificates), maxTrustedCertificates)]
}

// SaveOptions are the choices that come with uploaded metadata.
type SaveOptions struct {
	// AllowLegacyCrypto turns on legacy crypto (1024-bit keys, RSA-SHA1)
	// for an IdP that needs it; it never turns it off (Options does).
	AllowLegacyCrypto bool
	// MetadataURL is where md came from; an https URL is refreshed daily.
	MetadataURL string
	// Connection is the ID of the connection md replaces ("": the
	// primary one, made if the org has none).
	Connection string
	// Add makes md a connection of its own beside the org's others.
	Add bool
	// Name names the connection (a new one's default: the provider's
	// name); "" keeps a replaced connection's name.
	Name string
}

// SaveMetadata checks IdP metadata and makes it the org's connection,
// keeping the connection's options. A new IdP or new certificates mean the
// connection must prove itself again before Require SSO can stay on.
func (s *Service) SaveMetadata(ctx context.Context, actor store.Member, o store.Org, provider string, md []byte, opt SaveOptions) (*Connection, []string, error) {
	if !SSOAvailable(o.Plan) {
		return nil, nil, ErrNotOnPlan
	}
	if !slices.ContainsFunc(providers, func(p ProviderChoice) bool { return p.Value == provider }) {
		provider = "other"
	}
	var old store.SSOConnection
	var err error
	if !opt.Add {
		old, err = s.Store.GetSSOConnection(ctx, o.ID, opt.Connection)
		if err != nil && !(errors.Is(err, store.ErrNotFound) && opt.Connection == "") {
			return nil, nil, err
		}
	} else if err := s.roomForConnection(ctx, o); err != nil {
		return nil, nil, err
	}
	name, err := connectionName(opt.Name, old.Name, provider)
	if err != nil {
		return nil, nil, err
	}
	legacy := opt.AllowLegacyCrypto || old.AllowLegacyCrypto
	m, err := saml.ParseMetadata(md, saml.MetadataOptions{Require: saml.RoleIdP, AllowLegacyCrypto: legacy, Now: s.now(), Limits: s.Limits})
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	certs := trusted(m)
	if n := len(m.IdP.SigningCertificates); n > len(certs) {
		warnings = append(warnings, fmt.Sprintf("The metadata lists %d signing certificates; Signet trusts the first %d.", n, len(certs)))
	}
	c := store.SSOConnection{ID: old.ID, OrgID: o.ID, Name: name, Provider: provider, MetadataXML: string(md), IdPEntityID: m.EntityID,
		CertificatesPEM: saml.EncodeCertificatesPEM(certs...), AllowIdPInitiated: true, AllowLegacyCrypto: legacy, UpdatedAt: s.now(),
		MetadataURL: opt.MetadataURL}
	if opt.MetadataURL != "" {
		c.RefreshedAt = s.now()
	}
	if old.OrgID != "" {
		c.AllowIdPInitiated, c.JITRole = old.AllowIdPInitiated, old.JITRole
		c.DomainsOnly, c.JITDomainsOnly = old.DomainsOnly, old.JITDomainsOnly
		if old.IdPEntityID == c.IdPEntityID && old.CertificatesPEM == c.CertificatesPEM {
			c.VerifiedAt, c.RequireSSO = old.VerifiedAt, old.RequireSSO
		} else if old.RequireSSO {
			warnings = append(warnings, "Require SSO was turned off because the identity provider changed. Sign in once through the new connection, then turn it on again.")
		}
	}
	saved, err := s.Store.PutSSOConnection(ctx, c)
	if errors.Is(err, store.ErrConflict) {
		return nil, nil, errConnectionTaken(name, m.EntityID)
	}
	if err != nil {
		return nil, nil, err
	}
	detail := fmt.Sprintf("connection “%s”: IdP %s (%s), %d signing certificate(s)", name, m.EntityID, provider, len(certs))
	if legacy && !old.AllowLegacyCrypto {
		detail += ", legacy crypto allowed"
	}
	s.Audit(ctx, o, actor.Email, "sso.metadata", detail)
	conn, err := s.LoadConnection(ctx, o, saved.ID)
	return conn, append(m.Warnings, warnings...), err
}

// Options are the connection's switches.
type Options struct {
	AllowIdPInitiated bool   `json:"allow_idp_initiated"`
	JITRole           string `json:"jit_role"`
	RequireSSO        bool   `json:"require_sso"`
	// AllowLegacyCrypto accepts RSA-SHA1 signatures and 1024-bit IdP keys.
	AllowLegacyCrypto bool `json:"allow_legacy_crypto"`
	// DomainsOnly refuses sign-ins whose email is outside the org's
	// verified domains (email_outside_domains).
	DomainsOnly bool `json:"domains_only"`
	// JITDomainsOnly provisions just in time only people at the org's
	// verified domains.
	JITDomainsOnly bool `json:"jit_domains_only"`
}

// OptionsOf returns the connection's switches.
func OptionsOf(c store.SSOConnection) Options {
	return Options{AllowIdPInitiated: c.AllowIdPInitiated, JITRole: c.JITRole, RequireSSO: c.RequireSSO,
		AllowLegacyCrypto: c.AllowLegacyCrypto, DomainsOnly: c.DomainsOnly, JITDomainsOnly: c.JITDomainsOnly}
}

// ErrDomainsOnlyUnverified guards against locking everyone out: sign-ins
// limited to verified domains need one.
var ErrDomainsOnlyUnverified error = web.BadRequest("“Only people at verified domains” needs a verified domain first: add one under Verified domains and verify it")

// ErrRequireSSOUnverified guards against locking everyone out. Its text
// names the option as the page does, so it is a message, not an error
// string.
var ErrRequireSSOUnverified error = web.BadRequest("Require SSO can be turned on only after someone has signed in successfully through this SSO connection: use “Test sign-in” first")

// SaveOptions changes a connection's switches (id "": the primary one's).
// Require SSO is the org's: only the primary connection takes it.
func (s *Service) SaveOptions(ctx context.Context, actor store.Member, o store.Org, id string, opt Options) error {
	if !SSOAvailable(o.Plan) {
		return ErrNotOnPlan
	}
	if !slices.Contains(jitRoles, opt.JITRole) {
		return badRequest("Choose the role just-in-time provisioning gives: viewer, member or manager (or None).")
	}
	if opt.DomainsOnly {
		if ok, err := s.hasVerifiedDomain(ctx, o); err != nil || !ok {
			return cmp.Or(err, ErrDomainsOnlyUnverified)
		}
	}
	anyVerified, err := s.anyVerified(ctx, o)
	if err != nil {
		return err
	}
	turnedOn := false
	conn, err := s.Store.UpdateSSOConnection(ctx, o.ID, id, func(c *store.SSOConnection) error {
		if !c.Primary {
			opt.RequireSSO = c.RequireSSO // the org's switch lives on the primary connection
		}
		if opt.RequireSSO && !c.RequireSSO && !anyVerified {
			return ErrRequireSSOUnverified
		}
		turnedOn = opt.RequireSSO && !c.RequireSSO
		c.AllowIdPInitiated, c.JITRole, c.RequireSSO = opt.AllowIdPInitiated, opt.JITRole, opt.RequireSSO
		c.AllowLegacyCrypto, c.DomainsOnly, c.JITDomainsOnly = opt.AllowLegacyCrypto, opt.DomainsOnly, opt.JITDomainsOnly
		return nil
	})
	if err != nil {
		return err
	}
	if turnedOn {
		// Members signed in with a password are signed out (admins keep
		// theirs: they are the break-glass path). Sessions that race this
		// are refused on their next request anyway (SessionAllowed).
		n, err := s.Store.EndPasswordSessions(ctx, o.ID)
		if err != nil {
			return err
		}
		s.Audit(ctx, o, actor.Email, "sso.require", fmt.Sprintf("Require SSO turned on: %d password session(s) of members ended", n))
	}
	jit := opt.JITRole
	if jit == "" {
		jit = "off"
	}
	s.Audit(ctx, o, actor.Email, "sso.options", fmt.Sprintf("connection “%s”: IdP-initiated sign-in %v, JIT provisioning %s (verified domains only %v), Require SSO %v, legacy crypto %v, verified domains only %v",
		conn.Name, opt.AllowIdPInitiated, jit, opt.JITDomainsOnly, opt.RequireSSO, opt.AllowLegacyCrypto, opt.DomainsOnly))
	return nil
}

// SetHostApp names the host app (a confidential OAuth client) and the
// redirect URI where the org's IdP-initiated sign-ins land, with a fresh
// code; an empty clientID sends them to the Workspace again.
func (s *Service) SetHostApp(ctx context.Context, actor store.Member, o store.Org, id, clientID, redirectURI string) error {
	if clientID != "" {
		c, err := s.Store.GetOAuthClient(ctx, clientID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return badRequest("No host app has the client ID " + clientID + ".")
		case err != nil:
			return err
		case c.Public:
			return badRequest("IdP-initiated sign-ins need a confidential host app (with a client secret): the code arrives without PKCE.")
		case !slices.Contains(c.RedirectURIs, redirectURI):
			return badRequest("Choose one of the host app's registered redirect URIs: " + strings.Join(c.RedirectURIs, ", ") + ".")
		}
	} else {
		redirectURI = ""
	}
	_, err := s.Store.UpdateSSOConnection(ctx, o.ID, id, func(c *store.SSOConnection) error {
		c.HostAppClientID, c.HostAppRedirectURI = clientID, redirectURI
		return nil
	})
	if err != nil {
		return err
	}
	detail := "IdP-initiated sign-ins go to the Workspace"
	if clientID != "" {
		detail = "IdP-initiated sign-ins go to host app " + clientID + " at " + redirectURI
	}
	s.Audit(ctx, o, actor.Email, "sso.host_app", detail)
	return nil
}

// sessionHolder returns the org and the member a session belongs to;
// store.ErrNotFound if either is gone or they no longer go together.
func (s *Service) sessionHolder(ctx context.Context, sess store.Session) (store.Org, store.Member, error) {
	o, err := s.Store.GetOrg(ctx, sess.OrgID)
	if err != nil {
		return store.Org{}, store.Member{}, err
	}
	m, err := s.Store.GetMember(ctx, sess.UserID)
	if err != nil {
		return store.Org{}, store.Member{}, err
	}
	if m.OrgID != o.ID {
		return store.Org{}, store.Member{}, store.ErrNotFound
	}
	return o, m, nil
}

// HasConnection reports whether o signs people in with SSO: its plan has
// SSO and an identity provider is connected.
func (s *Service) HasConnection(ctx context.Context, o store.Org) (bool, error) {
	if !SSOAvailable(o.Plan) {
		return false, nil
	}
	_, err := s.Store.GetSSOConnection(ctx, o.ID, "")
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SessionAllowed reports whether a Workspace session may still be used: a
// deactivated member's may not (directory sync ends them, and this closes
// the window of a sign-in that raced the deactivation), nor a password
// session of a member who must now use SSO.
func (s *Service) SessionAllowed(ctx context.Context, o store.Org, m store.Member, sess store.Session) (bool, error) {
	if m.Deactivated {
		return false, nil
	}
	if sess.Method != "password" || m.Role == "admin" || !SSOAvailable(o.Plan) {
		return true, nil
	}
	c, err := s.Store.GetSSOConnection(ctx, o.ID, "") // the primary holds Require SSO
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return !c.RequireSSO, nil
}

// DeleteConnection removes one of the org's SSO connections (id "": the
// primary one). When the primary goes, the oldest other becomes primary.
func (s *Service) DeleteConnection(ctx context.Context, actor store.Member, o store.Org, id string) error {
	c, err := s.Store.GetSSOConnection(ctx, o.ID, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteSSOConnection(ctx, o.ID, c.ID); err != nil {
		return err
	}
	s.Audit(ctx, o, actor.Email, "sso.delete", "removed the SSO connection “"+c.Name+"” ("+c.IdPEntityID+")")
	return nil
}

func newToken(r io.Reader) string {
	b := make([]byte, 24)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("signet: no randomness for a token: " + err.Error()) // never an all-zero token
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func normEmail(e string) string { return ident.NormEmail(e) }
