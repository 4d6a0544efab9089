// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

// Each org's sign-in setup (its row, its SSO connections and its role
// mapping: exactly what GetSignInSetup reads) has a version,
// sp_orgs.setup_version, that the database itself raises in the same
// transaction as any change to any of them, with triggers: no write path
// can forget it. The ACS may keep an org's setup in memory because
// LookUpSignIn reads the current version alongside the replay cache, before
// the sign-in decides anything; a setup whose version no longer matches is
// read again. A table that GetSignInSetup comes to read must get the same
// triggers.

// setupVersionVersion is the migration that adds the version: a Go
// migration, because triggers are written differently by the two databases.
const setupVersionVersion = 25

// setupParts are the tables of an org's setup besides sp_orgs; each row
// has the org's ID in org_id.
var setupParts = []string{"sp_sso_connections", "sp_role_mappings"}

func setupVersionUp(fl flavor) []string {
	up := []string{`ALTER TABLE sp_orgs ADD COLUMN setup_version BIGINT NOT NULL DEFAULT 0`}
	bump := `UPDATE sp_orgs SET setup_version = setup_version + 1 WHERE id = `
	if fl.name == postgresFlavor.name {
		up = append(up,
			// An update of the org that does not raise the version itself
			// raises it (the parts' triggers raise it themselves).
			`CREATE FUNCTION signet_org_setup_changed() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN NEW.setup_version := OLD.setup_version + 1; RETURN NEW; END $$`,
			`CREATE TRIGGER sp_orgs_setup_changed BEFORE UPDATE ON sp_orgs FOR EACH ROW
			WHEN (NEW.setup_version = OLD.setup_version) EXECUTE FUNCTION signet_org_setup_changed()`,
			`CREATE FUNCTION signet_setup_part_changed() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP <> 'INSERT' THEN `+bump+`OLD.org_id; END IF;
				IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.org_id IS DISTINCT FROM OLD.org_id) THEN `+bump+`NEW.org_id; END IF;
				RETURN NULL;
			END $$`)
		for _, t := range setupParts {
			up = append(up, `CREATE TRIGGER `+t+`_setup_changed AFTER INSERT OR UPDATE OR DELETE ON `+t+`
				FOR EACH ROW EXECUTE FUNCTION signet_setup_part_changed()`)
		}
		return up
	}
	up = append(up, `CREATE TRIGGER sp_orgs_setup_changed AFTER UPDATE ON sp_orgs
		WHEN NEW.setup_version = OLD.setup_version BEGIN `+bump+`NEW.id; END`)
	for _, t := range setupParts {
		up = append(up,
			`CREATE TRIGGER `+t+`_setup_added AFTER INSERT ON `+t+` BEGIN `+bump+`NEW.org_id; END`,
			`CREATE TRIGGER `+t+`_setup_changed AFTER UPDATE ON `+t+` BEGIN `+bump+`OLD.org_id; `+
				`UPDATE sp_orgs SET setup_version = setup_version + 1 WHERE id = NEW.org_id AND NEW.org_id <> OLD.org_id; END`,
			`CREATE TRIGGER `+t+`_setup_removed AFTER DELETE ON `+t+` BEGIN `+bump+`OLD.org_id; END`)
	}
	return up
}

func setupVersionDown(fl flavor) []string {
	var down []string
	if fl.name == postgresFlavor.name {
		for _, t := range setupParts {
			down = append(down, `DROP TRIGGER `+t+`_setup_changed ON `+t)
		}
		down = append(down, `DROP TRIGGER sp_orgs_setup_changed ON sp_orgs`,
			`DROP FUNCTION signet_setup_part_changed()`, `DROP FUNCTION signet_org_setup_changed()`)
	} else {
		for _, t := range setupParts {
			down = append(down, `DROP TRIGGER `+t+`_setup_added`, `DROP TRIGGER `+t+`_setup_changed`, `DROP TRIGGER `+t+`_setup_removed`)
		}
		down = append(down, `DROP TRIGGER sp_orgs_setup_changed`)
	}
	return append(down, `ALTER TABLE sp_orgs DROP COLUMN setup_version`)
}

// setupVersionMigration adds the setup version and its triggers.
func setupVersionMigration(fl flavor) *goose.Migration {
	run := func(stmts []string) *goose.GoFunc {
		return &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			for _, q := range stmts {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	return goose.NewGoMigration(setupVersionVersion, run(setupVersionUp(fl)), run(setupVersionDown(fl)))
}
