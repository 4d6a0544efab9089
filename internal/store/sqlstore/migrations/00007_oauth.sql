-- OpenID Connect for host apps: the registered apps (OAuth clients), their
-- authorization requests (from /oauth/authorize to the code's single
-- redemption, so any replica can redeem a code another issued), access
-- tokens for userinfo, and the provider's signing keys (sealed).

-- +goose Up
CREATE TABLE oauth_clients (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    secret_hash   TEXT NOT NULL DEFAULT '',
    redirect_uris TEXT NOT NULL,
    public        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);
CREATE TABLE oauth_requests (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    org_id          TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    redirect_uri    TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT '',
    nonce           TEXT NOT NULL DEFAULT '',
    scopes          TEXT NOT NULL DEFAULT '',
    code_challenge  TEXT NOT NULL DEFAULT '',
    challenge_method TEXT NOT NULL DEFAULT '',
    response_mode   TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    profile         TEXT NOT NULL DEFAULT '',
    auth_time       BIGINT NOT NULL DEFAULT 0,
    done            BOOLEAN NOT NULL DEFAULT FALSE,
    code_hash       TEXT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX oauth_requests_code ON oauth_requests (code_hash);
CREATE INDEX oauth_requests_expiry ON oauth_requests (expires_at);
CREATE TABLE oauth_tokens (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    scopes      TEXT NOT NULL DEFAULT '',
    profile     TEXT NOT NULL DEFAULT '',
    expires_at  BIGINT NOT NULL
);
CREATE INDEX oauth_tokens_expiry ON oauth_tokens (expires_at);
CREATE TABLE oidc_keys (
    id          TEXT PRIMARY KEY,
    algorithm   TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE oidc_keys;
DROP TABLE oauth_tokens;
DROP TABLE oauth_requests;
DROP TABLE oauth_clients;
