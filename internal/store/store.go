// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package store

import (
	"context"
	"time"
)

// Store is everything Signet keeps. Implementations must be safe for
// concurrent use.
type Store interface {
	Directory
	Applications
	Workspace
	SAMLState
	Sessions
	Audit
	OAuth
	Access
	Domains
	RoleMappings
	SSOParticipants
	SCIM
	Provisionings
	Events
	Webhooks
	SCIMRequestLog
	MFA
	Mailbox

	// Ping reports whether the database is reachable.
	Ping(ctx context.Context) error
	// SchemaVersion reports the applied and the newest known migration.
	SchemaVersion(ctx context.Context) (applied, latest int64, err error)
	// Close releases the database.
	Close() error
}

// Directory holds the Identity Center's users and groups.
type Directory interface {
	CreateUser(ctx context.Context, u User) (User, error)
	GetUser(ctx context.Context, id string) (User, error)
	GetUserByUsername(ctx context.Context, username string) (User, error)
	// UpdateUser reads the user, applies fn and writes the result, atomically.
	UpdateUser(ctx context.Context, id string, fn func(*User) error) (User, error)
	DeleteUser(ctx context.Context, id string) error
	ListUsers(ctx context.Context, opt ListOptions) (users []User, total int, err error)

	CreateGroup(ctx context.Context, g Group) (Group, error)
	GetGroup(ctx context.Context, id string) (Group, error)
	GetGroupByName(ctx context.Context, name string) (Group, error)
	DeleteGroup(ctx context.Context, id string) error
	ListGroups(ctx context.Context, opt ListOptions) (groups []Group, total int, err error)
	// AddGroupMember is idempotent.
	AddGroupMember(ctx context.Context, groupID, userID string) error
	RemoveGroupMember(ctx context.Context, groupID, userID string) error
	ListGroupMembers(ctx context.Context, groupID string) ([]User, error)
	ListUserGroups(ctx context.Context, userID string) ([]Group, error)
}

// Applications holds the Identity Center's SAML applications.
type Applications interface {
	// CreateApp stores the app and its first signing key in one transaction.
	CreateApp(ctx context.Context, a App, key SigningKey) (App, error)
	GetApp(ctx context.Context, id string) (App, error)
	GetAppByName(ctx context.Context, name string) (App, error)
	UpdateApp(ctx context.Context, id string, fn func(*App) error) (App, error)
	// DeleteApp removes the app with its mappings, assignments and keys.
	DeleteApp(ctx context.Context, id string) error
	// ListApps lists active applications (never drafts).
	ListApps(ctx context.Context, opt ListOptions) (apps []App, total int, err error)
	// PruneDraftApps deletes drafts created before cutoff (abandoned "Add application" pages).
	PruneDraftApps(ctx context.Context, cutoff time.Time) (int64, error)

	// SetAttributeMappings replaces the Subject mapping and every attribute
	// mapping of the app in one transaction.
	SetAttributeMappings(ctx context.Context, appID, subjectValue, subjectFormat string, attrs []AttributeMapping) error
	// ListAttributeMappings returns the attribute rows in their saved order.
	ListAttributeMappings(ctx context.Context, appID string) ([]AttributeMapping, error)

	// Assign is idempotent.
	Assign(ctx context.Context, a Assignment) error
	Unassign(ctx context.Context, appID, kind, principalID string) error
	ListAssignments(ctx context.Context, appID string) ([]Assignment, error)
	// AppsForUser lists the apps assigned to the user directly or through
	// any of the user's groups.
	AppsForUser(ctx context.Context, userID string) ([]App, error)
	// IsAssigned reports whether the user may use the app.
	IsAssigned(ctx context.Context, appID, userID string) (bool, error)

	// AddSigningKey adds a key; ErrConflict if the app has MaxSigningKeysPerApp.
	// If key.Active, every other key of the app becomes inactive.
	AddSigningKey(ctx context.Context, key SigningKey) (SigningKey, error)
	ListSigningKeys(ctx context.Context, appID string) ([]SigningKey, error)
	// ActiveSigningKey returns the key the app signs with.
	ActiveSigningKey(ctx context.Context, appID string) (SigningKey, error)
	// ActivateSigningKey makes the key the only active one of its app.
	ActivateSigningKey(ctx context.Context, appID, keyID string) error
	// DeleteSigningKey removes an inactive key; ErrConflict for the active one.
	DeleteSigningKey(ctx context.Context, appID, keyID string) error
}

// Workspace holds orgs, their members and their SSO connections.
type Workspace interface {
	// CreateOrg stores the org and, when admin is not nil, its first member,
	// in one transaction.
	CreateOrg(ctx context.Context, o Org, admin *Member) (Org, error)
	GetOrg(ctx context.Context, id string) (Org, error)
	GetOrgBySlug(ctx context.Context, slug string) (Org, error)
	// GetSignInSetup reads, in one statement, what an SSO sign-in needs
	// about the org with the slug: the org, its connections (primary
	// first, as ListSSOConnections) and its role mapping, with their
	// version.
	GetSignInSetup(ctx context.Context, slug string) (SignInSetup, error)
	// DeleteOrg deletes the org with its members, connection, keys,
	// invitations, attempts and sessions; its audit entries stay.
	DeleteOrg(ctx context.Context, id string) error
	// ListOrgsAfter lists up to limit orgs whose slug sorts after the
	// given one, in slug order (keyset pagination).
	ListOrgsAfter(ctx context.Context, afterSlug string, limit int) ([]Org, error)
	// GetOrgByExternalID finds the org a host app knows by its own ID.
	GetOrgByExternalID(ctx context.Context, externalID string) (Org, error)
	UpdateOrg(ctx context.Context, id string, fn func(*Org) error) (Org, error)
	ListOrgs(ctx context.Context, opt ListOptions) (orgs []Org, total int, err error)

	// CreateMember adds the member and closes the org's invites of the
	// same email, in one transaction.
	CreateMember(ctx context.Context, m Member) (Member, error)
	GetMember(ctx context.Context, id string) (Member, error)
	GetMemberByEmail(ctx context.Context, orgID, email string) (Member, error)
	// UpdateMember and DeleteMember refuse, with ErrLastAdmin, to leave
	// an org without an admin; the check and the write are one transaction.
	UpdateMember(ctx context.Context, id string, fn func(*Member) error) (Member, error)
	DeleteMember(ctx context.Context, id string) error
	ListMembers(ctx context.Context, orgID string, opt ListOptions) (members []Member, total int, err error)
	// MembershipsByEmail lists every membership of the email, in any org.
	MembershipsByEmail(ctx context.Context, email string) ([]Member, error)

	// PutSSOConnection creates a connection (c.ID empty: the store picks
	// the ID, and the org's first connection becomes primary) or replaces
	// one of the org's (c.Primary is kept as stored). ErrConflict if the
	// org has another connection with the same IdP entity ID or name.
	PutSSOConnection(ctx context.Context, c SSOConnection) (SSOConnection, error)
	// GetSSOConnection returns one of the org's connections; id "" names
	// its primary one.
	GetSSOConnection(ctx context.Context, orgID, id string) (SSOConnection, error)
	// ListSSOConnections lists the org's connections, primary first, then
	// by name.
	ListSSOConnections(ctx context.Context, orgID string) ([]SSOConnection, error)
	// UpdateSSOConnection changes one connection in a transaction (id ""
	// names the primary one); ID, org, Primary and name stay unless
	// renamed through it (ErrConflict on a taken name).
	UpdateSSOConnection(ctx context.Context, orgID, id string, fn func(*SSOConnection) error) (SSOConnection, error)
	// SetPrimarySSOConnection makes id the org's primary connection; the
	// org's RequireSSO moves with it.
	SetPrimarySSOConnection(ctx context.Context, orgID, id string) error
	// DeleteSSOConnection deletes one connection. When it was primary the
	// oldest remaining one becomes primary and takes over RequireSSO;
	// domains routed to it go back to no connection.
	DeleteSSOConnection(ctx context.Context, orgID, id string) error
	// SSOConnectionsToRefresh lists connections with a metadata URL last
	// refreshed before cutoff, oldest first, at most limit.
	SSOConnectionsToRefresh(ctx context.Context, cutoff time.Time, limit int) ([]ConnectionRef, error)

	// GetSPKey returns the org's SP key pair, or ErrNotFound.
	GetSPKey(ctx context.Context, orgID string) (SPKey, error)
	// AddSPKeyIfAbsent stores k unless the org has a key already, and
	// returns the org's key either way, so concurrent first uses agree.
	AddSPKeyIfAbsent(ctx context.Context, k SPKey) (SPKey, error)

	// AppendSignInAttempt records an attempt; ListSignInAttempts lists the
	// org's newest first.
	AppendSignInAttempt(ctx context.Context, a SignInAttempt) error
	ListSignInAttempts(ctx context.Context, orgID string, opt ListOptions) (attempts []SignInAttempt, total int, err error)
	// RecentSignInAttempts lists the org's newest attempts of one kind
	// (verified or not), at most limit.
	RecentSignInAttempts(ctx context.Context, orgID string, unverified bool, limit int) ([]SignInAttempt, error)
	// PruneSignInAttempts deletes attempts recorded before cutoff, and
	// unverified ones recorded before unverifiedCutoff.
	PruneSignInAttempts(ctx context.Context, cutoff, unverifiedCutoff time.Time) (int64, error)

	CreateInvite(ctx context.Context, inv Invite) error
	// JoinByInvite accepts the newest unexpired invite of the email to the
	// org: it creates the member with the invite's role and closes every
	// invite of that email to the org, in one transaction. ErrNotFound if
	// there is no such invite.
	JoinByInvite(ctx context.Context, orgID, email string, now time.Time) (Member, Invite, error)
	// DeleteInvite revokes one of the org's invites.
	DeleteInvite(ctx context.Context, orgID, id string) error
	// ConsumeInvite deletes the invite and returns it if it existed and had
	// not expired at now; at most one caller gets it.
	ConsumeInvite(ctx context.Context, id string, now time.Time) (Invite, error)
	GetInvite(ctx context.Context, id string, now time.Time) (Invite, error)
	ListInvites(ctx context.Context, orgID string, now time.Time) ([]Invite, error)
}

// SAMLState is the protocol state every replica must share.
type SAMLState interface {
	// SaveAuthnRequest records an outstanding request ID for an org.
	SaveAuthnRequest(ctx context.Context, r AuthnRequest) error
	// ConsumeAuthnRequest deletes the request and returns it if it existed,
	// belonged to orgID and had not expired at now (ok false otherwise). A
	// request is consumed at most once, even under concurrent calls.
	ConsumeAuthnRequest(ctx context.Context, orgID, id string, now time.Time) (r AuthnRequest, ok bool, err error)
	// RecordAssertion inserts the assertion ID into the replay cache if it is
	// absent and reports whether it was inserted. Exactly one of any number of
	// concurrent calls with the same ID returns true.
	RecordAssertion(ctx context.Context, assertionID string, expiresAt time.Time) (bool, error)
	// LookUpSignIn reports whether the assertion ID is in the replay cache
	// and, when email is not "", finds the org's member with the email
	// (as GetMemberByEmail), and reads the org's current setup version,
	// in one statement: what a verified assertion's sign-in reads next. The replay read is only the early half of a
	// replay check: the sign-in's own write records the ID
	// (SignInRecord.Assertion), and that write is what lets exactly one of
	// concurrent uses through.
	LookUpSignIn(ctx context.Context, assertionID, orgID, email string) (SignInLookup, error)
	// PruneSAMLState deletes expired request IDs and replay-cache entries.
	PruneSAMLState(ctx context.Context, now time.Time) (int64, error)
}

// Sessions holds signed-in browsers.
type Sessions interface {
	CreateSession(ctx context.Context, s Session) error
	// GetSession returns the session if it exists and has not expired at now.
	GetSession(ctx context.Context, id string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, id string) error
	// TouchSession records that the session was used at at (its idle
	// timeout counts from the last use).
	TouchSession(ctx context.Context, id string, at time.Time) error
	// DeleteUserSessions ends every session of the user in the realm.
	DeleteUserSessions(ctx context.Context, realm, userID string) error
	// RecordSignIn writes what one sign-in produced in one transaction:
	// the session, the attempt and the audit entries (each optional), so
	// the records agree with what the person saw. With an Assertion it is
	// also the replay check's write: of any number of concurrent records
	// with one assertion ID, exactly one succeeds and the others return
	// ErrReplayed, having written nothing.
	RecordSignIn(ctx context.Context, r SignInRecord) error
	// HitRateLimit counts one attempt under key in the fixed window of
	// length window that holds now, and returns the window's count so far
	// (this one included). Every replica shares the counts.
	HitRateLimit(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
	// PruneRateLimits deletes counters of windows that started before cutoff.
	PruneRateLimits(ctx context.Context, cutoff time.Time) (int64, error)
	// EndPasswordSessions ends the Workspace password sessions of the
	// org's members other than its admins (Require SSO was turned on).
	EndPasswordSessions(ctx context.Context, orgID string) (int64, error)
	// EndSSOSessions ends the org's SSO sessions opened by an assertion
	// of this IdP for this NameID, with one of these SessionIndexes (any,
	// when none is given): what a LogoutRequest names.
	EndSSOSessions(ctx context.Context, orgID, idpEntityID, nameID string, sessionIndexes []string) (int64, error)
	PruneSessions(ctx context.Context, now time.Time) (int64, error)
}

// Audit holds the audit log.
type Audit interface {
	AppendAudit(ctx context.Context, e AuditEvent) error
	// ListAudit returns the newest events first; orgID filters Workspace
	// events (empty: every event of the realm).
	ListAudit(ctx context.Context, realm, orgID string, opt ListOptions) (events []AuditEvent, total int, err error)
}
