-- The management API's keys, and setup links that hand one org's Single
-- Sign-On Settings to the customer's IT admin. Both are stored as hashes
-- of what their holder has (SHA-256 of a 256-bit random token).

-- +goose Up
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL DEFAULT 0,
    revoked_at   BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE sp_setup_links (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    org_id      TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sp_setup_links_org ON sp_setup_links (org_id);

-- +goose Down
DROP TABLE sp_setup_links;
DROP TABLE api_keys;
