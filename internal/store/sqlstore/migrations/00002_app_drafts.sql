-- An application exists as a draft from the moment the admin opens "Add
-- application": its entity ID and signing certificate are needed on that
-- page (the seed's step 5 downloads the IdP metadata before step 8 submits).
-- Drafts have no name yet, so the name must be unique among active apps only.

-- +goose Up
ALTER TABLE idp_apps ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
DROP INDEX idp_apps_name;
CREATE UNIQUE INDEX idp_apps_name ON idp_apps (lower(name)) WHERE status = 'active';

-- +goose Down
DROP INDEX idp_apps_name;
DELETE FROM idp_apps WHERE status <> 'active';
CREATE UNIQUE INDEX idp_apps_name ON idp_apps (lower(name));
ALTER TABLE idp_apps DROP COLUMN status;
