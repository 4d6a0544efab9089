-- Single logout at the Identity Center: the applications that received an
-- assertion in an access-portal session, with the NameID and SessionIndex
-- they got, so signing out of the portal can end their sessions too.

-- +goose Up
CREATE TABLE idp_sso_participants (
    session_id     TEXT NOT NULL,
    app_id         TEXT NOT NULL REFERENCES idp_apps (id) ON DELETE CASCADE,
    name_id        TEXT NOT NULL,
    name_id_format TEXT NOT NULL,
    session_index  TEXT NOT NULL,
    expires_at     BIGINT NOT NULL,
    PRIMARY KEY (session_id, app_id)
);
CREATE INDEX idp_sso_participants_expiry ON idp_sso_participants (expires_at);

-- +goose Down
DROP TABLE idp_sso_participants;
