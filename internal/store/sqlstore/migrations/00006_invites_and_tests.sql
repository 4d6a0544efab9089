-- Test sign-ins: an SP-initiated request started by an org admin's "Test
-- sign-in" is marked, so its response shows the outcome without signing
-- anyone in, and the attempt it produces is marked as a test.

-- +goose Up
ALTER TABLE saml_authn_requests ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE sp_signin_attempts ADD COLUMN test BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sp_signin_attempts ADD COLUMN certificate TEXT NOT NULL DEFAULT '';
CREATE INDEX sp_invites_org_email ON sp_invites (org_id, email);

-- +goose Down
DROP INDEX sp_invites_org_email;
ALTER TABLE sp_signin_attempts DROP COLUMN certificate;
ALTER TABLE sp_signin_attempts DROP COLUMN test;
ALTER TABLE saml_authn_requests DROP COLUMN purpose;
