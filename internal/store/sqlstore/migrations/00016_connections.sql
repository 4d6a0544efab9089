-- Several SSO connections per org. Each connection gets an ID and a name;
-- one per org is primary (it answers when nothing else picks one, and holds
-- the org's Require SSO switch). The SP's Entity ID and ACS URL stay per
-- org, shared by its connections: a response is routed to a connection by
-- its Issuer, so an org that had one connection keeps its URLs and its IdP
-- needs no change. The table is rebuilt (its primary key was org_id);
-- an existing connection becomes its org's primary one, with the ID
-- 'conn_' || org_id and a name from its provider.
-- AuthnRequests, host apps' requests, sign-in attempts and verified domains learn which
-- connection they belong to ('' for none: a domain then goes to the
-- primary connection, or the picker).

-- +goose Up
CREATE TABLE sp_connections (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    is_primary            BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            BIGINT NOT NULL,
    provider              TEXT NOT NULL,
    metadata_xml          TEXT NOT NULL,
    idp_entity_id         TEXT NOT NULL,
    certificates_pem      TEXT NOT NULL,
    allow_idp_initiated   BOOLEAN NOT NULL,
    jit_role              TEXT NOT NULL DEFAULT '',
    require_sso           BOOLEAN NOT NULL DEFAULT FALSE,
    allow_legacy_crypto   BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at            BIGINT NOT NULL,
    verified_at           BIGINT NOT NULL DEFAULT 0,
    metadata_url          TEXT NOT NULL DEFAULT '',
    refreshed_at          BIGINT NOT NULL DEFAULT 0,
    refresh_error         TEXT NOT NULL DEFAULT '',
    host_app_client_id    TEXT NOT NULL DEFAULT '',
    host_app_redirect_uri TEXT NOT NULL DEFAULT '',
    domains_only          BOOLEAN NOT NULL DEFAULT FALSE,
    jit_domains_only      BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO sp_connections (id, org_id, name, is_primary, created_at, provider, metadata_xml, idp_entity_id,
    certificates_pem, allow_idp_initiated, jit_role, require_sso, allow_legacy_crypto, updated_at, verified_at,
    metadata_url, refreshed_at, refresh_error, host_app_client_id, host_app_redirect_uri, domains_only, jit_domains_only)
SELECT 'conn_' || org_id, org_id,
    CASE provider WHEN 'okta' THEN 'Okta' WHEN 'entra' THEN 'Microsoft Entra ID' WHEN 'google' THEN 'Google Workspace'
        WHEN 'onelogin' THEN 'OneLogin' WHEN 'auth0' THEN 'Auth0' WHEN 'jumpcloud' THEN 'JumpCloud'
        WHEN 'aws' THEN 'AWS IAM Identity Center' ELSE 'Identity provider' END,
    TRUE, updated_at, provider, metadata_xml, idp_entity_id,
    certificates_pem, allow_idp_initiated, jit_role, require_sso, allow_legacy_crypto, updated_at, verified_at,
    metadata_url, refreshed_at, refresh_error, host_app_client_id, host_app_redirect_uri, domains_only, jit_domains_only
FROM sp_sso_connections;
DROP TABLE sp_sso_connections;
ALTER TABLE sp_connections RENAME TO sp_sso_connections;
CREATE UNIQUE INDEX sp_sso_connections_primary ON sp_sso_connections (org_id) WHERE is_primary;
CREATE UNIQUE INDEX sp_sso_connections_issuer ON sp_sso_connections (org_id, idp_entity_id);
CREATE UNIQUE INDEX sp_sso_connections_name ON sp_sso_connections (org_id, lower(name));
CREATE INDEX sp_sso_connections_refresh ON sp_sso_connections (refreshed_at);

ALTER TABLE saml_authn_requests ADD COLUMN connection_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sp_signin_attempts ADD COLUMN connection_id TEXT NOT NULL DEFAULT '';
UPDATE sp_signin_attempts SET connection_id = 'conn_' || org_id
    WHERE org_id IN (SELECT org_id FROM sp_sso_connections);
ALTER TABLE sp_domains ADD COLUMN connection_id TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_requests ADD COLUMN connection_id TEXT NOT NULL DEFAULT '';

-- +goose Down
-- Only each org's primary connection survives a downgrade.
ALTER TABLE oauth_requests DROP COLUMN connection_id;
ALTER TABLE sp_domains DROP COLUMN connection_id;
ALTER TABLE sp_signin_attempts DROP COLUMN connection_id;
ALTER TABLE saml_authn_requests DROP COLUMN connection_id;
CREATE TABLE sp_connections_old (
    org_id                TEXT PRIMARY KEY REFERENCES sp_orgs (id) ON DELETE CASCADE,
    provider              TEXT NOT NULL,
    metadata_xml          TEXT NOT NULL,
    idp_entity_id         TEXT NOT NULL,
    certificates_pem      TEXT NOT NULL,
    allow_idp_initiated   BOOLEAN NOT NULL,
    jit_role              TEXT NOT NULL DEFAULT '',
    require_sso           BOOLEAN NOT NULL DEFAULT FALSE,
    allow_legacy_crypto   BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at            BIGINT NOT NULL,
    verified_at           BIGINT NOT NULL DEFAULT 0,
    metadata_url          TEXT NOT NULL DEFAULT '',
    refreshed_at          BIGINT NOT NULL DEFAULT 0,
    refresh_error         TEXT NOT NULL DEFAULT '',
    host_app_client_id    TEXT NOT NULL DEFAULT '',
    host_app_redirect_uri TEXT NOT NULL DEFAULT '',
    domains_only          BOOLEAN NOT NULL DEFAULT FALSE,
    jit_domains_only      BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO sp_connections_old SELECT org_id, provider, metadata_xml, idp_entity_id, certificates_pem,
    allow_idp_initiated, jit_role, require_sso, allow_legacy_crypto, updated_at, verified_at, metadata_url,
    refreshed_at, refresh_error, host_app_client_id, host_app_redirect_uri, domains_only, jit_domains_only
FROM sp_sso_connections WHERE is_primary;
DROP TABLE sp_sso_connections;
ALTER TABLE sp_connections_old RENAME TO sp_sso_connections;
