-- IdP-initiated sign-ins for host apps: an org's connection may name a
-- host app (OAuth client) and one of its redirect URIs, where a tile
-- click at the IdP lands with a fresh code. Such an authorization request
-- is unsolicited (the host app did not start it): its code is issued only
-- to the browser that confirmed it.

-- +goose Up
ALTER TABLE sp_sso_connections ADD COLUMN host_app_client_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sp_sso_connections ADD COLUMN host_app_redirect_uri TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_requests ADD COLUMN unsolicited BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE oauth_requests DROP COLUMN unsolicited;
ALTER TABLE sp_sso_connections DROP COLUMN host_app_redirect_uri;
ALTER TABLE sp_sso_connections DROP COLUMN host_app_client_id;
