-- Recovery codes: ten single-use codes a person gets, shown once, when
-- they register their first MFA device; stored hashed. A code stands in
-- for a lost device at sign-in, after the password, never instead of it.
-- And an admin's "must choose a new password at next sign-in".

-- +goose Up
CREATE TABLE idp_recovery_codes (
    user_id   TEXT NOT NULL REFERENCES idp_users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

ALTER TABLE idp_users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE idp_users DROP COLUMN must_change_password;
DROP TABLE idp_recovery_codes;
