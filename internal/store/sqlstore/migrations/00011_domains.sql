-- Email domains an org claims. A claim becomes verified when the org's
-- DNS TXT record is seen, and stops being verified when the record goes.
-- Several orgs may claim a domain; only one may hold it verified (the
-- partial unique index), so a verified domain routes to exactly one org.
-- Times are Unix milliseconds; 0 means never.

-- +goose Up
CREATE TABLE sp_domains (
    org_id      TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    token       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    verified_at BIGINT NOT NULL DEFAULT 0,
    checked_at  BIGINT NOT NULL DEFAULT 0,
    check_error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, domain)
);
CREATE UNIQUE INDEX sp_domains_verified ON sp_domains (domain) WHERE verified_at > 0;
CREATE INDEX sp_domains_checked ON sp_domains (checked_at);

-- +goose Down
DROP TABLE sp_domains;
