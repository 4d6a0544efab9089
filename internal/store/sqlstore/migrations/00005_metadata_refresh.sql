-- A connection made from a metadata URL remembers it, and is refreshed from
-- it daily so an IdP's certificate rollover (Entra ID, Okta) reaches the
-- Workspace without the admin.

-- +goose Up
ALTER TABLE sp_sso_connections ADD COLUMN metadata_url TEXT NOT NULL DEFAULT '';
ALTER TABLE sp_sso_connections ADD COLUMN refreshed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sp_sso_connections ADD COLUMN refresh_error TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sp_sso_connections DROP COLUMN refresh_error;
ALTER TABLE sp_sso_connections DROP COLUMN refreshed_at;
ALTER TABLE sp_sso_connections DROP COLUMN metadata_url;
