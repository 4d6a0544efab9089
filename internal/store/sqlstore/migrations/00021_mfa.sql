-- Multi-factor authentication in the Identity Center: settings (the MFA
-- policy, as AWS IAM Identity Center words it), each user's registered
-- devices (authenticator apps with their sealed secret and the last
-- time step accepted, so a code is never accepted twice; security keys and
-- passkeys with their WebAuthn credential, unique), sign-ins that
-- passed the password and wait for the second factor (with the WebAuthn
-- ceremony under way, used once), and browsers in
-- which a user completed MFA (for "only when the sign-in context changes").

-- +goose Up
CREATE TABLE idp_settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE idp_mfa_devices (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES idp_users (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    secret_sealed TEXT NOT NULL DEFAULT '',
    credential_id TEXT,
    credential    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL DEFAULT 0,
    last_step     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX idp_mfa_devices_user ON idp_mfa_devices (user_id);
CREATE UNIQUE INDEX idp_mfa_devices_credential ON idp_mfa_devices (credential_id) WHERE credential_id IS NOT NULL;

CREATE TABLE idp_mfa_challenges (
    token_hash      TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES idp_users (id) ON DELETE CASCADE,
    realm           TEXT NOT NULL,
    state           TEXT NOT NULL,
    ceremony        TEXT NOT NULL DEFAULT '',
    attempts        BIGINT NOT NULL DEFAULT 0,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX idp_mfa_challenges_expiry ON idp_mfa_challenges (expires_at);

CREATE TABLE idp_known_browsers (
    user_id      TEXT NOT NULL REFERENCES idp_users (id) ON DELETE CASCADE,
    browser_hash TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, browser_hash)
);

-- +goose Down
DROP TABLE idp_known_browsers;
DROP TABLE idp_mfa_challenges;
DROP TABLE idp_mfa_devices;
DROP TABLE idp_settings;
