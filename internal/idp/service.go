// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/signet-sso/signet/internal/mail"

	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/secret"
	"github.com/signet-sso/signet/internal/store"
)

// CertificateValidity is how long a generated signing certificate lasts (AWS: 5 years).
const CertificateValidity = 5 * 365 * 24 * time.Hour

// Service is the Identity Center's domain logic.
type Service struct {
	// Mail queues the Identity Center's email; nil: none is sent.
	Mail     *mail.Outbox
	Store    store.Store
	Sealer   *secret.Sealer
	BaseURL  string // public base URL of the Identity Center, without a trailing slash
	KeyKind  saml.KeyKind
	Password password.Params
	Now      func() time.Time
	Rand     io.Reader
	Log      *slog.Logger
	// SCIMClient makes provisioning's requests to applications (the
	// SSRF-safe web.NewOutboundClient).
	SCIMClient *http.Client

	// Parsed forms of what is stored, keyed by a hash of the stored bytes,
	// so a change is a new entry and nothing is served stale: unsealed
	// signing keys (not unsealed on every sign-in) and apps' SP metadata.
	keys, spMetadata sync.Map
}

// contentKey identifies stored bytes (and what they belong to) in a cache.
func contentKey(owner string, content ...[]byte) string {
	h := sha256.New()
	h.Write([]byte(owner))
	for _, c := range content {
		h.Write([]byte{0})
		h.Write(c)
	}
	return string(h.Sum(nil))
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) rand() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

// EntityID is the application's IdP entity ID (its issuer URL).
func (s *Service) EntityID(appID string) string { return s.BaseURL + "/saml/apps/" + appID }

// SSOURL is the application's sign-in URL (SSO service, both bindings).
func (s *Service) SSOURL(appID string) string { return s.EntityID(appID) + "/sso" }

// sessionIndexOf is the SessionIndex of a portal session's assertions:
// the same for every application of the session, derived from (and not
// revealing) its ID; "" (a random one) without a session.
func sessionIndexOf(portal store.Session) string {
	if portal.ID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("signet session index\x00" + portal.ID))
	return "_" + hex.EncodeToString(sum[:16])
}

// activeKeyPair is the application's active signing key, unsealed.
func (s *Service) activeKeyPair(ctx context.Context, appID string) (saml.KeyPair, error) {
	key, err := s.Store.ActiveSigningKey(ctx, appID)
	if err != nil {
		return saml.KeyPair{}, err
	}
	return s.keyPair(key)
}

// SLOURL is the application's single logout endpoint.
func (s *Service) SLOURL(appID string) string { return s.EntityID(appID) + "/slo" }

// FieldErrors maps a form field to what is wrong with it.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+": "+f[k])
	}
	return strings.Join(parts, "; ")
}

// Audit records an Identity Center event; failures are logged, not fatal.
func (s *Service) Audit(ctx context.Context, actor, action, target, detail string) {
	err := s.Store.AppendAudit(ctx, store.AuditEvent{At: s.now(), Realm: store.RealmAdmin, Actor: actor,
		Action: action, Target: target, Detail: detail})
	if err != nil && s.Log != nil {
		s.Log.ErrorContext(ctx, "write audit event", "action", action, "err", err)
	}
}

// newSigningKey generates a key pair of kind (the Service's default when
// empty) and seals its private key.
func (s *Service) newSigningKey(appID string, kind saml.KeyKind) (store.SigningKey, error) {
	if kind == "" {
		kind = s.KeyKind
	}
	if kind == "" {
		kind = saml.KeyRSA2048
	}
	kp, err := saml.GenerateKeyPair(s.rand(), kind, "Signet Identity Center "+appID, s.now(), CertificateValidity)
	if err != nil {
		return store.SigningKey{}, err
	}
	der, err := saml.MarshalPrivateKey(kp.Signer)
	if err != nil {
		return store.SigningKey{}, err
	}
	return store.SigningKey{AppID: appID, CertificatePEM: kp.CertificatePEM(), PrivateKey: s.Sealer.Seal(der),
		NotAfter: kp.Certificate.NotAfter}, nil
}

// keyPair unseals a stored key.
func (s *Service) keyPair(k store.SigningKey) (saml.KeyPair, error) {
	ck := contentKey(k.ID, k.PrivateKey, []byte(k.CertificatePEM))
	if kp, ok := s.keys.Load(ck); ok {
		return kp.(saml.KeyPair), nil
	}
	kp, err := unseal(s.Sealer, k)
	if err == nil {
		s.keys.Store(ck, kp)
	}
	return kp, err
}

// unseal opens a stored signing key.
func unseal(sealer *secret.Sealer, k store.SigningKey) (saml.KeyPair, error) {
	der, err := sealer.Open(k.PrivateKey)
	if err != nil {
		return saml.KeyPair{}, fmt.Errorf("unseal signing key %s: %w", k.ID, err)
	}
	signer, err := saml.ParsePrivateKey(der)
	if err != nil {
		return saml.KeyPair{}, err
	}
	certs, err := saml.ParseCertificatesPEM(k.CertificatePEM)
	if err != nil {
		return saml.KeyPair{}, err
	}
	return saml.KeyPair{Signer: signer, Certificate: certs[0]}, nil
}

// Certificates returns an application's signing certificates, active first.
func (s *Service) Certificates(ctx context.Context, appID string) ([]Certificate, error) {
	keys, err := s.Store.ListSigningKeys(ctx, appID)
	if err != nil {
		return nil, err
	}
	var out []Certificate
	for _, k := range keys {
		certs, err := saml.ParseCertificatesPEM(k.CertificatePEM)
		if err != nil {
			return nil, err
		}
		out = append(out, Certificate{Key: k, Cert: certs[0], Now: s.now()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key.Active && !out[j].Key.Active })
	return out, nil
}

// Certificate is a signing certificate with its expiry status.
type Certificate struct {
	Key  store.SigningKey
	Cert *x509.Certificate
	Now  time.Time
}

// Status is "expired", "expiring" (within 90 days) or "valid".
func (c Certificate) Status() string { return saml.CertificateStatus(c.Cert, c.Now) }

// DaysLeft is the number of whole days until expiry.
func (c Certificate) DaysLeft() int { return int(c.Cert.NotAfter.Sub(c.Now).Hours() / 24) }

// Fingerprint is the SHA-256 fingerprint.
func (c Certificate) Fingerprint() string { return saml.Fingerprint(c.Cert) }

// PEM is the certificate for download.
func (c Certificate) PEM() string { return c.Key.CertificatePEM }

// Metadata writes the application's IdP metadata, listing every certificate
// so SPs can trust the next one before it becomes active.
func (s *Service) Metadata(ctx context.Context, app store.App) ([]byte, error) {
	certs, err := s.Certificates(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	var xs []*x509.Certificate
	for _, c := range certs {
		xs = append(xs, c.Cert)
	}
	p := saml.IdPMetadataParams{EntityID: s.EntityID(app.ID), SSOURL: s.SSOURL(app.ID),
		SigningCertificates: xs, NameIDFormats: []string{saml.NameIDFormat(app.SubjectFormat)}}
	// Single logout only with an application whose logout messages can be
	// checked: one made from SP metadata with a signing certificate.
	if sp, err := s.spDescriptor(app); err == nil && sp != nil && len(sp.SigningCertificates) > 0 {
		p.SLOURL = s.SLOURL(app.ID)
	}
	return saml.IdPMetadata(p)
}

// GenerateCertificate adds a new, inactive signing certificate with a key
// of kind: RSA 2048 (what every SP accepts) or ECDSA P-256 (about six
// times cheaper to sign with, for SPs that accept it).
func (s *Service) GenerateCertificate(ctx context.Context, actor, appID string, kind saml.KeyKind) error {
	if kind != "" && kind != saml.KeyRSA2048 && kind != saml.KeyECDSAP256 {
		return fmt.Errorf("%w: unknown key type %q", store.ErrConflict, kind)
	}
	k, err := s.newSigningKey(appID, kind)
	if err != nil {
		return err
	}
	k, err = s.Store.AddSigningKey(ctx, k)
	if err != nil {
		return err
	}
	s.Audit(ctx, actor, "certificate.create", appID, "new signing certificate "+k.ID+" ("+string(orDefault(kind, saml.KeyRSA2048))+", inactive)")
	return nil
}

// ActivateCertificate makes a certificate the one the app signs with.
func (s *Service) ActivateCertificate(ctx context.Context, actor, appID, keyID string) error {
	if err := s.Store.ActivateSigningKey(ctx, appID, keyID); err != nil {
		return err
	}
	s.Audit(ctx, actor, "certificate.activate", appID, "signing certificate "+keyID+" is now active")
	return nil
}

// DeleteCertificate removes an inactive certificate.
func (s *Service) DeleteCertificate(ctx context.Context, actor, appID, keyID string) error {
	if err := s.Store.DeleteSigningKey(ctx, appID, keyID); err != nil {
		return err
	}
	s.Audit(ctx, actor, "certificate.delete", appID, "deleted signing certificate "+keyID)
	return nil
}

// ErrNotAssigned means the user may not use the application.
var ErrNotAssigned = errors.New("the user is not assigned to this application")

// NoAccessError means no assertion may be issued to the user, and why.
type NoAccessError struct{ Reason string }

func (e *NoAccessError) Error() string { return "no access: " + e.Reason }

// Resolve applies the app's mappings to the user.
func (s *Service) Resolve(ctx context.Context, app store.App, u store.User) (Resolved, error) {
	mappings, err := s.Store.ListAttributeMappings(ctx, app.ID)
	if err != nil {
		return Resolved{}, err
	}
	groups, err := s.Store.ListUserGroups(ctx, u.ID)
	if err != nil {
		return Resolved{}, err
	}
	return resolve(app, mappings, factsOf(u, groups)), nil
}

// IssueRequest asks for a signed Response for a user.
type IssueRequest struct {
	App          store.App
	User         store.User
	ACSURL       string // empty: the app's ACS URL
	InResponseTo string // the AuthnRequest ID, for SP-initiated sign-in
	// Portal is the access-portal session the user signed in with: its
	// start is the AuthnInstant, and the application joins its single
	// logout. Zero (the CLI's signet idp issue): now, and no session.
	Portal store.Session
}

// mayIssue resolves what u would get from app, or says (audited) why u
// gets nothing: deactivated, not assigned, or a Subject that does not
// resolve.
func (s *Service) mayIssue(ctx context.Context, app store.App, u store.User) (Resolved, error) {
	if !u.Active {
		s.Audit(ctx, u.Username, "sso.denied", app.Name, "the user is deactivated")
		return Resolved{}, &NoAccessError{Reason: "your user account is deactivated"}
	}
	ok, err := s.Store.IsAssigned(ctx, app.ID, u.ID)
	if err != nil {
		return Resolved{}, err
	}
	if !ok {
		s.Audit(ctx, u.Username, "sso.denied", app.Name, "the user is not assigned to the application")
		return Resolved{}, ErrNotAssigned
	}
	res, err := s.Resolve(ctx, app, u)
	if err != nil {
		return Resolved{}, err
	}
	if res.NoAccess != "" {
		s.Audit(ctx, u.Username, "sso.denied", app.Name, "no assertion issued: "+res.NoAccess)
		return res, &NoAccessError{Reason: res.NoAccess}
	}
	return res, nil
}

// Issue checks that the user is active and assigned and that the Subject
// resolves, then signs a Response. Refusals are audited.
func (s *Service) Issue(ctx context.Context, req IssueRequest) ([]byte, Resolved, error) {
	app, u := req.App, req.User
	res, err := s.mayIssue(ctx, app, u)
	if err != nil {
		return nil, res, err
	}
	kp, err := s.activeKeyPair(ctx, app.ID)
	if err != nil {
		return nil, res, err
	}
	acs := req.ACSURL
	if acs == "" {
		acs = app.ACSURL
	}
	if acs == "" || app.Audience == "" {
		return nil, res, &NoAccessError{Reason: "the application has no ACS URL or SAML audience yet; an administrator must finish its configuration"}
	}
	start := req.Portal.CreatedAt
	if start.IsZero() {
		start = s.now()
	}
	params := saml.ResponseParams{
		Issuer: s.EntityID(app.ID), Destination: acs, Audience: app.Audience, InResponseTo: req.InResponseTo,
		NameID: res.NameID, NameIDFormat: res.NameIDFormat, Attributes: res.Attributes,
		AuthnInstant: start, SessionDuration: app.SessionDuration, Key: kp, Now: s.now(), Rand: s.rand(),
		SessionIndex: sessionIndexOf(req.Portal), AuthnContextClassRef: authnContext(req.Portal),
	}
	// An SP whose metadata has an encryption certificate gets the
	// assertion encrypted to it, with a cipher it lists.
	sp, err := s.spDescriptor(app)
	if err != nil {
		s.Audit(ctx, u.Username, "sso.denied", app.Name, "no assertion issued: "+err.Error())
		return nil, res, err
	}
	if sp != nil && len(sp.EncryptionCertificates) > 0 {
		params.EncryptFor, params.EncryptionMethod = sp.EncryptionCertificates[0], saml.EncryptionMethodFor(sp.EncryptionMethods)
	}
	xml, err := saml.IssueResponse(params)
	if err != nil {
		return nil, res, err
	}
	if req.Portal.ID != "" {
		err := s.Store.AddSSOParticipant(ctx, store.SSOParticipant{SessionID: req.Portal.ID, AppID: app.ID, NameID: res.NameID,
			NameIDFormat: string(res.NameIDFormat), SessionIndex: params.SessionIndex, ExpiresAt: req.Portal.ExpiresAt})
		if err != nil {
			return nil, res, err
		}
	}
	flow := "IdP-initiated"
	if req.InResponseTo != "" {
		flow = "SP-initiated"
	}
	s.Audit(ctx, u.Username, "sso.issue", app.Name, fmt.Sprintf("%s sign-in; NameID %q (%s) sent to %s", flow, res.NameID, app.SubjectFormat, acs))
	return xml, res, nil
}

// PreviewXML signs the assertion the user would get and returns it
// indented for reading, without signature blobs. Nothing is sent.
func (s *Service) PreviewXML(ctx context.Context, app store.App, u store.User, res Resolved) (string, error) {
	kp, err := s.activeKeyPair(ctx, app.ID)
	if err != nil {
		return "", err
	}
	acs, aud := app.ACSURL, app.Audience
	if acs == "" {
		acs = "https://example.invalid/acs"
	}
	if aud == "" {
		aud = "(no audience configured)"
	}
	xml, err := saml.IssueResponse(saml.ResponseParams{Issuer: s.EntityID(app.ID), Destination: acs, Audience: aud,
		NameID: res.NameID, NameIDFormat: res.NameIDFormat, Attributes: res.Attributes, AuthnInstant: s.now(),
		SessionDuration: app.SessionDuration, Key: kp, Now: s.now(), Rand: s.rand(), Sign: saml.SignAssertion})
	if err != nil {
		return "", err
	}
	return saml.Readable(xml)
}

// StoredMetadataError means an application's stored SP metadata no longer
// parses (a stricter release, an edited database). Sign-ins to the app are
// refused rather than sent without the encryption or the request checks
// that metadata asked for: it fails closed.
type StoredMetadataError struct {
	App string
	Err error
}

func (e *StoredMetadataError) Error() string {
	return fmt.Sprintf("the stored SP metadata of %s no longer parses (%v): sign-ins to it are refused until an administrator uploads its metadata again (Actions › Edit configuration)",
		e.App, saml.AsError(e.Err).Message)
}

func (e *StoredMetadataError) Unwrap() error { return e.Err }

// spDescriptor is the app's uploaded SP metadata, parsed once per stored
// document: nil if it has none, a *StoredMetadataError if it has some that
// no longer parses (callers then refuse: it fails closed).
func (s *Service) spDescriptor(app store.App) (*saml.SPDescriptor, error) {
	if app.SPMetadata == "" {
		return nil, nil
	}
	ck := contentKey(app.ID, []byte(app.SPMetadata))
	if sp, ok := s.spMetadata.Load(ck); ok {
		return sp.(*saml.SPDescriptor), nil
	}
	m, err := saml.ParseMetadata([]byte(app.SPMetadata), saml.MetadataOptions{Require: saml.RoleSP})
	if err != nil {
		return nil, &StoredMetadataError{App: app.Name, Err: err}
	}
	s.spMetadata.Store(ck, m.SP)
	return m.SP, nil
}

// StatusResponse signs a Response that reports a failure to the SP.
func (s *Service) StatusResponse(ctx context.Context, app store.App, acs, inResponseTo, code, sub, msg string) ([]byte, error) {
	kp, err := s.activeKeyPair(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	return saml.IssueStatusResponse(saml.StatusResponseParams{Issuer: s.EntityID(app.ID), Destination: acs,
		InResponseTo: inResponseTo, StatusCode: code, SubStatusCode: sub, Message: msg, Key: kp, Now: s.now(), Rand: s.rand()})
}

func orDefault(k, d saml.KeyKind) saml.KeyKind {
	if k == "" {
		return d
	}
	return k
}
