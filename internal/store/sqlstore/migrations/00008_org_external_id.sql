-- A host app names its customers' orgs by its own IDs: an org may carry
-- one external ID, unique when set (NULL when not).

-- +goose Up
ALTER TABLE sp_orgs ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX sp_orgs_external_id ON sp_orgs (external_id);

-- +goose Down
DROP INDEX sp_orgs_external_id;
ALTER TABLE sp_orgs DROP COLUMN external_id;
