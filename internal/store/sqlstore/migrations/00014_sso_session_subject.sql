-- Single logout: an SSO session keeps the NameID and SessionIndex of the
-- assertion that opened it, so a LogoutRequest from the org's IdP ends
-- exactly that session.

-- +goose Up
ALTER TABLE sessions ADD COLUMN name_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN name_id_format TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN session_index TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_sso_subject ON sessions (org_id, name_id);

-- +goose Down
DROP INDEX sessions_sso_subject;
ALTER TABLE sessions DROP COLUMN session_index;
ALTER TABLE sessions DROP COLUMN name_id_format;
ALTER TABLE sessions DROP COLUMN name_id;
