-- Signet's first schema. The same SQL runs on SQLite and PostgreSQL:
-- timestamps are BIGINT Unix milliseconds, booleans are BOOLEAN, binary
-- data is base64 TEXT, and IDs are random text made by the application.

-- +goose Up
CREATE TABLE idp_users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    email         TEXT NOT NULL DEFAULT '',
    given_name    TEXT NOT NULL DEFAULT '',
    family_name   TEXT NOT NULL DEFAULT '',
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    admin         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX idp_users_username ON idp_users (lower(username));

CREATE TABLE idp_groups (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX idp_groups_name ON idp_groups (lower(name));

CREATE TABLE idp_group_members (
    group_id TEXT NOT NULL REFERENCES idp_groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES idp_users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX idp_group_members_user ON idp_group_members (user_id);

CREATE TABLE idp_apps (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    acs_url          TEXT NOT NULL DEFAULT '',
    audience         TEXT NOT NULL DEFAULT '',
    start_url        TEXT NOT NULL DEFAULT '',
    relay_state      TEXT NOT NULL DEFAULT '',
    session_seconds  BIGINT NOT NULL DEFAULT 3600,
    sp_metadata      TEXT NOT NULL DEFAULT '',
    subject_value    TEXT NOT NULL,
    subject_format   TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX idp_apps_name ON idp_apps (lower(name));

CREATE TABLE idp_attribute_mappings (
    app_id   TEXT NOT NULL REFERENCES idp_apps (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    format   TEXT NOT NULL,
    PRIMARY KEY (app_id, position)
);

CREATE TABLE idp_assignments (
    app_id         TEXT NOT NULL REFERENCES idp_apps (id) ON DELETE CASCADE,
    principal_kind TEXT NOT NULL CHECK (principal_kind IN ('user', 'group')),
    principal_id   TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (app_id, principal_kind, principal_id)
);
CREATE INDEX idp_assignments_principal ON idp_assignments (principal_kind, principal_id);

CREATE TABLE idp_signing_keys (
    id              TEXT PRIMARY KEY,
    app_id          TEXT NOT NULL REFERENCES idp_apps (id) ON DELETE CASCADE,
    certificate_pem TEXT NOT NULL,
    private_key     TEXT NOT NULL,
    active          BOOLEAN NOT NULL,
    not_after       BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX idp_signing_keys_app ON idp_signing_keys (app_id);

CREATE TABLE sp_orgs (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    plan       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sp_members (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX sp_members_org_email ON sp_members (org_id, lower(email));
CREATE INDEX sp_members_email ON sp_members (lower(email));

CREATE TABLE sp_sso_connections (
    org_id              TEXT PRIMARY KEY REFERENCES sp_orgs (id) ON DELETE CASCADE,
    provider            TEXT NOT NULL,
    metadata_xml        TEXT NOT NULL,
    idp_entity_id       TEXT NOT NULL,
    certificates_pem    TEXT NOT NULL,
    allow_idp_initiated BOOLEAN NOT NULL,
    jit_role            TEXT NOT NULL DEFAULT '',
    require_sso         BOOLEAN NOT NULL DEFAULT FALSE,
    allow_legacy_crypto BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at          BIGINT NOT NULL
);

CREATE TABLE saml_authn_requests (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX saml_authn_requests_expiry ON saml_authn_requests (expires_at);

CREATE TABLE saml_replay_cache (
    assertion_id TEXT PRIMARY KEY,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX saml_replay_cache_expiry ON saml_replay_cache (expires_at);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    realm      TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    org_id     TEXT NOT NULL DEFAULT '',
    method     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (realm, user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- audit_log.id is time-ordered text (nanoseconds in hex, then randomness),
-- so ORDER BY id is chronological on both databases without a sequence.
CREATE TABLE audit_log (
    id     TEXT NOT NULL,
    at     BIGINT NOT NULL,
    realm  TEXT NOT NULL,
    org_id TEXT NOT NULL DEFAULT '',
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (id)
);
CREATE INDEX audit_log_realm ON audit_log (realm, org_id, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE saml_replay_cache;
DROP TABLE saml_authn_requests;
DROP TABLE sp_sso_connections;
DROP TABLE sp_members;
DROP TABLE sp_orgs;
DROP TABLE idp_signing_keys;
DROP TABLE idp_assignments;
DROP TABLE idp_attribute_mappings;
DROP TABLE idp_apps;
DROP TABLE idp_group_members;
DROP TABLE idp_groups;
DROP TABLE idp_users;
