-- Roles from IdP groups: an org maps values of one assertion attribute
-- (groups, memberOf…) to Workspace roles, in priority order (rules, a
-- JSON array), with the role of people who match no rule.

-- +goose Up
CREATE TABLE sp_role_mappings (
    org_id       TEXT PRIMARY KEY REFERENCES sp_orgs (id) ON DELETE CASCADE,
    attribute    TEXT NOT NULL,
    default_role TEXT NOT NULL,
    rules        TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE sp_role_mappings;
