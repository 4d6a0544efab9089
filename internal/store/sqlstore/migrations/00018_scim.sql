-- Directory sync into the Workspace: each org's SCIM 2.0 users and groups,
-- pushed by its IdP with the org's SCIM bearer token (stored hashed). A
-- SCIM user is linked to the member with its email; a deactivated member
-- (active false, or deleted at the IdP) cannot sign in and has no
-- sessions.

-- +goose Up
CREATE TABLE sp_scim_tokens (
    org_id       TEXT PRIMARY KEY REFERENCES sp_orgs (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sp_scim_users (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    member_id    TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    external_id  TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL,
    given_name   TEXT NOT NULL DEFAULT '',
    family_name  TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX sp_scim_users_name ON sp_scim_users (org_id, lower(user_name));
CREATE UNIQUE INDEX sp_scim_users_member ON sp_scim_users (member_id);

CREATE TABLE sp_scim_groups (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    external_id  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX sp_scim_groups_name ON sp_scim_groups (org_id, lower(display_name));

CREATE TABLE sp_scim_group_members (
    group_id TEXT NOT NULL REFERENCES sp_scim_groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES sp_scim_users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX sp_scim_group_members_user ON sp_scim_group_members (user_id);

ALTER TABLE sp_members ADD COLUMN deactivated BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE sp_members DROP COLUMN deactivated;
DROP TABLE sp_scim_group_members;
DROP TABLE sp_scim_groups;
DROP TABLE sp_scim_users;
DROP TABLE sp_scim_tokens;
