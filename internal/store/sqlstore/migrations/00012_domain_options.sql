-- An org's connection can refuse sign-ins whose email is outside the
-- org's verified domains (domains_only), or limit just-in-time
-- provisioning to those domains (jit_domains_only).

-- +goose Up
ALTER TABLE sp_sso_connections ADD COLUMN domains_only BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sp_sso_connections ADD COLUMN jit_domains_only BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE sp_sso_connections DROP COLUMN jit_domains_only;
ALTER TABLE sp_sso_connections DROP COLUMN domains_only;
