-- Invitations accepted by SSO sign-in (looked up by org and email), and
-- test sign-ins: an SP-initiated request started by an org admin's "Test
-- sign-in" is marked, so its response shows the outcome without signing
-- anyone in, and the attempt it produces is marked as a test.

-- +goose Up
ALTER TABLE saml_authn_requests ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE sp_signin_attempts ADD COLUMN test BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sp_signin_attempts ADD COLUMN certificate TEXT NOT NULL DEFAULT '';
-- Attempts whose message no IdP signed are kept apart (and briefly), so a
-- flood of anonymous posts cannot push real attempts out of view.
ALTER TABLE sp_signin_attempts ADD COLUMN unverified BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX sp_signin_attempts_kind ON sp_signin_attempts (org_id, unverified, id);
CREATE INDEX sp_signin_attempts_at ON sp_signin_attempts (at);
CREATE INDEX sp_invites_org_email ON sp_invites (org_id, email);
-- Sessions end after an idle time as well as at their absolute expiry.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
-- Fixed-window counters shared by every replica (sign-in limits per email).
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count        INTEGER NOT NULL
);

-- +goose Down
DROP TABLE rate_limits;
ALTER TABLE sessions DROP COLUMN last_seen_at;
DROP INDEX sp_signin_attempts_at;
DROP INDEX sp_signin_attempts_kind;
ALTER TABLE sp_signin_attempts DROP COLUMN unverified;
DROP INDEX sp_invites_org_email;
ALTER TABLE sp_signin_attempts DROP COLUMN certificate;
ALTER TABLE sp_signin_attempts DROP COLUMN test;
ALTER TABLE saml_authn_requests DROP COLUMN purpose;
