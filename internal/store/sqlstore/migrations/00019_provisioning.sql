-- Provisioning out of the Identity Center: an application's SCIM 2.0
-- target (URL and sealed bearer token), what was last pushed for each
-- user and group (the remote ID and a fingerprint of the pushed
-- resource, so only changes are sent), each one's error and retry time,
-- and leases so that one replica at a time runs the push worker.

-- +goose Up
CREATE TABLE idp_provisioning (
    app_id       TEXT PRIMARY KEY REFERENCES idp_apps (id) ON DELETE CASCADE,
    scim_url     TEXT NOT NULL,
    token_sealed TEXT NOT NULL,
    enabled      BOOLEAN NOT NULL,
    updated_at   BIGINT NOT NULL,
    last_run_at  BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE idp_provisioned (
    app_id      TEXT NOT NULL REFERENCES idp_apps (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    local_id    TEXT NOT NULL,
    remote_id   TEXT NOT NULL DEFAULT '',
    fingerprint TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    error       TEXT NOT NULL DEFAULT '',
    attempts    BIGINT NOT NULL DEFAULT 0,
    retry_at    BIGINT NOT NULL DEFAULT 0,
    pushed_at   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, kind, local_id)
);

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE leases;
DROP TABLE idp_provisioned;
DROP TABLE idp_provisioning;
