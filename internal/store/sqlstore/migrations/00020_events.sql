-- Events for host apps: a durable log of sign-ins, directory-sync and
-- connection changes, written in the transaction of each change. Its
-- sequence comes from a one-row counter that the writing transaction
-- holds until it commits, so sequence order is commit order and a reader
-- that has seen event N has seen every event before it (a cursor without
-- gaps). Webhooks receive the log with signed, retried, logged deliveries.
-- Each org's SCIM requests are logged (the newest 200) for its admins.

-- +goose Up
CREATE TABLE sp_event_seq (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n   BIGINT NOT NULL
);
INSERT INTO sp_event_seq (one, n) VALUES (1, 0);

CREATE TABLE sp_events (
    seq       BIGINT PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    org_id    TEXT NOT NULL,
    type      TEXT NOT NULL,
    at        BIGINT NOT NULL,
    data      TEXT NOT NULL,
    event_key TEXT
);
CREATE INDEX sp_events_org ON sp_events (org_id, seq);
CREATE UNIQUE INDEX sp_events_key ON sp_events (event_key) WHERE event_key IS NOT NULL;
CREATE INDEX sp_events_at ON sp_events (at);

CREATE TABLE sp_webhooks (
    id            TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    org_id        TEXT NOT NULL DEFAULT '',
    types         TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    cursor_seq    BIGINT NOT NULL
);

CREATE TABLE sp_webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES sp_webhooks (id) ON DELETE CASCADE,
    event_seq       BIGINT NOT NULL,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_attempt_at BIGINT NOT NULL DEFAULT 0,
    status_code     BIGINT NOT NULL DEFAULT 0,
    error           TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    UNIQUE (webhook_id, event_seq)
);
CREATE INDEX sp_webhook_deliveries_due ON sp_webhook_deliveries (webhook_id, state, event_seq);

CREATE TABLE sp_scim_requests (
    id        TEXT PRIMARY KEY,
    org_id    TEXT NOT NULL REFERENCES sp_orgs (id) ON DELETE CASCADE,
    at        BIGINT NOT NULL,
    method    TEXT NOT NULL,
    path      TEXT NOT NULL,
    status    BIGINT NOT NULL,
    scim_type TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sp_scim_requests_org ON sp_scim_requests (org_id, id);

-- +goose Down
DROP TABLE sp_scim_requests;
DROP TABLE sp_webhook_deliveries;
DROP TABLE sp_webhooks;
DROP TABLE sp_events;
DROP TABLE sp_event_seq;
