-- The Workspace's sign-in attempts log, member invitations, and the time
-- the current SSO connection last signed someone in (the Require SSO guard).

-- +goose Up
CREATE TABLE sp_signin_attempts (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    ok         BOOLEAN NOT NULL,
    code       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    flow       TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL DEFAULT '',
    hint       TEXT NOT NULL DEFAULT '',
    assertion  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sp_signin_attempts_org ON sp_signin_attempts (org_id, id);

CREATE TABLE sp_invites (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    role       TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

ALTER TABLE sp_sso_connections ADD COLUMN verified_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sp_sso_connections DROP COLUMN verified_at;
DROP TABLE sp_invites;
DROP TABLE sp_signin_attempts;
