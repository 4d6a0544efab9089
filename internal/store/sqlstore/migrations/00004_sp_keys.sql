-- Each Workspace org's SP key pair: it decrypts assertions the IdP
-- encrypts to the org, and signs AuthnRequests for IdPs that want them
-- signed. The private key is sealed (internal/secret), as the IdP's are.

-- +goose Up
CREATE TABLE sp_keys (
    org_id          TEXT PRIMARY KEY REFERENCES sp_orgs (id) ON DELETE CASCADE,
    certificate_pem TEXT NOT NULL,
    private_key     TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- +goose Down
DROP TABLE sp_keys;
