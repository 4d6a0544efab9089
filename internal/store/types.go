// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"strings"
	"time"
)

// User is a person in the Identity Center directory.
type User struct {
	ID           string
	Username     string // unique, case-insensitive
	Email        string // the primary email; may be empty
	GivenName    string
	FamilyName   string
	DisplayName  string
	PasswordHash string // argon2id in PHC format; empty means no password sign-in
	Active       bool
	Admin        bool // may use the Identity Center console
	// MustChangePassword: an admin asked for a new password at the next
	// sign-in.
	MustChangePassword bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Group is a named set of directory users.
type Group struct {
	ID          string
	Name        string // unique, case-insensitive
	Description string
	CreatedAt   time.Time
}

// App is a custom SAML 2.0 application in the Identity Center.
type App struct {
	ID              string
	Name            string // the display name; unique, case-insensitive
	Description     string
	ACSURL          string // Application ACS URL
	Audience        string // Application SAML audience (the SP entity ID)
	StartURL        string // Application start URL (optional)
	RelayState      string // Relay state sent with IdP-initiated sign-in (optional)
	SessionDuration time.Duration
	SPMetadata      string // the uploaded SP metadata, if the app was made from it
	SubjectValue    string // the Subject mapping, e.g. ${user:subject}
	SubjectFormat   string // unspecified, emailAddress, persistent or transient
	Status          string // AppActive, or AppDraft while "Add application" is open
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Application statuses.
const (
	AppActive = "active"
	AppDraft  = "draft"
)

// AttributeMapping is one "Add new attribute mapping" row of an application.
type AttributeMapping struct {
	Name   string // User attribute in the application
	Value  string // Maps to this string value or user attribute in Identity Center
	Format string // unspecified, basic or uri
}

// Principal kinds for assignments.
const (
	PrincipalUser  = "user"
	PrincipalGroup = "group"
)

// Assignment gives a user, or every member of a group, access to an app.
type Assignment struct {
	AppID         string
	PrincipalKind string // PrincipalUser or PrincipalGroup
	PrincipalID   string
	CreatedAt     time.Time
	// PrincipalName and PrincipalEmail describe the principal as listed
	// (a user's username and email, a group's name); ListAssignments
	// fills them in.
	PrincipalName, PrincipalEmail string
}

// SigningKey is one of an application's (at most two) signing certificates.
type SigningKey struct {
	ID             string
	AppID          string
	CertificatePEM string
	PrivateKey     []byte // sealed with the server's secret key; never plaintext
	Active         bool
	NotAfter       time.Time
	CreatedAt      time.Time
}

// MaxSigningKeysPerApp is how many signing certificates an app may hold.
const MaxSigningKeysPerApp = 2

// Org is a Workspace organization.
type Org struct {
	ID   string
	Slug string // unique, lower case; used in URLs
	Name string
	Plan string // starter, plus, growth, enterprise or scholarship
	// ExternalID is the host app's own ID for the org (unique; optional).
	ExternalID string
	CreatedAt  time.Time
}

// SignInSetup is what an SSO sign-in reads about its org before it
// starts: one read, one snapshot.
type SignInSetup struct {
	Org         Org
	Connections []SSOConnection // primary first, then by name
	RoleMapping RoleMapping     // one with no rules if none was saved
	// Version is the setup's version when it was read: any change to the
	// org, its connections or its role mapping gives a new one.
	Version int64
}

// SignInLookup is LookUpSignIn's answer: whether the assertion ID is in
// the replay cache, and the org's member with the email (Found false if
// none, or if no email was asked for).
type SignInLookup struct {
	Seen   bool
	Member Member
	Found  bool
	// SetupVersion is the org's current SignInSetup.Version (-1 if the
	// org is gone).
	SetupVersion int64
}

// Member is a person in an org.
type Member struct {
	ID           string
	OrgID        string
	Email        string // unique within the org, case-insensitive
	Role         string // viewer, member, manager or admin
	PasswordHash string // empty: no password sign-in
	CreatedAt    time.Time
	// Deactivated is set by directory sync (SCIM active false, or the
	// user deleted at the IdP): no sign-in, no session.
	Deactivated bool
}

// SSOConnection is one of an org's SAML connections to an IdP. An org may
// have several (employees on one IdP, contractors on another); exactly one
// is Primary. They share the org's SP Entity ID and ACS URL: a response
// goes to the connection whose IdPEntityID is its Issuer.
type SSOConnection struct {
	ID    string // set by the store
	OrgID string
	// Name tells the org's connections apart (unique within the org,
	// case-insensitive); people see it in the picker.
	Name string
	// Primary answers when nothing else picks a connection; it holds the
	// org's RequireSSO switch.
	Primary           bool
	CreatedAt         time.Time
	Provider          string // other, okta, entra, google, onelogin, auth0, jumpcloud, aws
	MetadataXML       string
	IdPEntityID       string
	CertificatesPEM   string // the trusted IdP signing certificates, PEM, at most two
	AllowIdPInitiated bool
	JITRole           string // empty: JIT provisioning off
	// RequireSSO refuses password sign-ins to members who are not admins.
	// It is the org's switch, kept on its primary connection.
	RequireSSO        bool
	AllowLegacyCrypto bool
	// VerifiedAt is when this connection last signed someone in; zero after
	// its metadata changes. Require SSO can be switched on only once set.
	VerifiedAt time.Time
	UpdatedAt  time.Time
	// MetadataURL is where the metadata came from, if from a URL; such a
	// connection is refreshed from it (RefreshedAt, RefreshError).
	MetadataURL  string
	RefreshedAt  time.Time
	RefreshError string // why the last refresh failed; empty after a success
	// HostAppClientID and HostAppRedirectURI name where an IdP-initiated
	// sign-in goes when the org's people use a host app rather than the
	// Workspace (empty: the Workspace).
	HostAppClientID, HostAppRedirectURI string
	// DomainsOnly refuses sign-ins whose email is outside the org's
	// verified domains; JITDomainsOnly limits just-in-time provisioning
	// to them.
	DomainsOnly, JITDomainsOnly bool
}

// ConnectionRef names one SSO connection of one org.
type ConnectionRef struct{ OrgID, ID string }

// SignInAttempt is one entry of an org's sign-in attempts log.
type SignInAttempt struct {
	ID    string // time-ordered; set by the store
	OrgID string
	// ConnectionID is the SSO connection the attempt went through ("" when
	// none could be told: a password sign-in, or no connection matched).
	ConnectionID string
	At           time.Time
	OK           bool
	Code         string // the error code, empty on success
	Email        string // who, when known
	Flow         string // "sp-initiated", "idp-initiated" or "password"
	Message      string // the diagnosis in plain words
	Hint         string // how to fix it, in the IdP's words
	Assertion    string // the decoded assertion (JSON: issuer, NameID, format, attributes); no signatures
	// Test marks an admin's Test sign-in: the outcome was shown, nobody
	// was signed in.
	Test bool
	// Certificate is the SHA-256 fingerprint of the IdP certificate that
	// verified the response, when one did.
	Certificate string
	// Unverified marks an attempt whose message no trusted IdP signed:
	// anyone can post those, so they are rate-limited and kept briefly.
	Unverified bool
}

// SPKey is an org's SP key pair (see migration 00004). PrivateKey is sealed.
type SPKey struct {
	OrgID          string
	CertificatePEM string
	PrivateKey     []byte // sealed with the server's secret key; never plaintext
	CreatedAt      time.Time
}

// Invite lets a person join an org with a role. ID is the hash of the
// token in the invite link.
type Invite struct {
	ID        string
	OrgID     string
	Email     string
	Role      string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AuthnRequest is an outstanding SP-initiated request, bound to an org.
type AuthnRequest struct {
	ID        string
	OrgID     string
	ExpiresAt time.Time
	// ConnectionID is the connection the request went to; only its IdP
	// may answer it.
	ConnectionID string
	// Purpose is "" for a sign-in, or PurposeTest for an admin's Test
	// sign-in (its response signs nobody in).
	Purpose string
}

// PurposeTest marks an AuthnRequest started by "Test sign-in".
const PurposeTest = "test"

// purposeOAuth prefixes the purpose of an AuthnRequest started for a host
// app's OpenID Connect request; the request's ID follows.
const purposeOAuth = "oauth:"

// PurposeOAuth is the purpose of an AuthnRequest that signs someone in for
// the host app's OpenID Connect request oauthRequestID.
func PurposeOAuth(oauthRequestID string) string { return purposeOAuth + oauthRequestID }

// OAuthRequestID is the host app's request this AuthnRequest serves ("" if
// none).
func (r AuthnRequest) OAuthRequestID() string {
	id, ok := strings.CutPrefix(r.Purpose, purposeOAuth)
	if !ok {
		return ""
	}
	return id
}

// Session realms.
const (
	RealmAdmin     = "admin"     // Identity Center console
	RealmPortal    = "portal"    // Identity Center access portal
	RealmWorkspace = "workspace" // Workspace org sign-in
	RealmSetup     = "setup"     // a setup link's holder: one org's SSO settings only
	// RealmWorkspacePending holds IdP-initiated sign-ins that wait for the
	// browser to confirm replacing another person's session (login CSRF).
	RealmWorkspacePending = "workspace-pending"
)

// Session is a signed-in browser. ID is a hash of the cookie value, so a
// leaked database does not leak usable cookies.
type Session struct {
	ID        string
	Realm     string
	UserID    string // directory user or Workspace member
	OrgID     string // Workspace sessions only
	Method    string // how the person signed in, e.g. "password" or "sso"
	Detail    string // e.g. the IdP entity ID for SSO sign-in
	CreatedAt time.Time
	ExpiresAt time.Time // absolute: the session ends then, used or not
	// LastSeenAt is the session's last use (at most a minute old): an idle
	// timeout counts from it.
	LastSeenAt time.Time
	// NameID, NameIDFormat and SessionIndex are those of the assertion
	// that opened an SSO session (single logout names them).
	NameID, NameIDFormat, SessionIndex string
}

// SignInRecord is what a sign-in writes (Sessions.RecordSignIn).
type SignInRecord struct {
	Session *Session
	Attempt *SignInAttempt
	Audit   []AuditEvent
	// Assertion is the SAML assertion the sign-in used, if any: it goes
	// into the replay cache with the rest. If it is there already,
	// RecordSignIn writes nothing and returns ErrReplayed.
	Assertion *AssertionUse
}

// AssertionUse is an assertion ID for the replay cache, kept until
// ExpiresAt (when the assertion can no longer be accepted anyway).
type AssertionUse struct {
	ID        string
	ExpiresAt time.Time
}

// AuditEvent is one entry of the audit log.
type AuditEvent struct {
	ID     string // time-ordered; set by the store
	At     time.Time
	Realm  string // RealmAdmin for the Identity Center, RealmWorkspace for orgs
	OrgID  string // Workspace events only
	Actor  string // who did it: a username, an email or "cli"
	Action string // e.g. "app.create"
	Target string // what it was done to
	Detail string // human-readable detail
}

// ListOptions pages and filters a list.
type ListOptions struct {
	Query  string // case-insensitive substring; empty matches everything
	Limit  int    // 0 means the default (50)
	Offset int
}

// DefaultListLimit is the page size when ListOptions.Limit is 0.
const DefaultListLimit = 50
