-- Single logout started by an application at the Identity Center is
-- passed on to the portal session's other applications before the
-- initiator is answered. The initiator waits in the sign-out chain as a
-- participant with the ID and RelayState of its LogoutRequest.

-- +goose Up
ALTER TABLE idp_sso_participants ADD COLUMN answer_to TEXT NOT NULL DEFAULT '';
ALTER TABLE idp_sso_participants ADD COLUMN answer_relay_state TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE idp_sso_participants DROP COLUMN answer_relay_state;
ALTER TABLE idp_sso_participants DROP COLUMN answer_to;
