#!/usr/bin/env bash
# Makes the databases of the previous release for e2e/upgrade_test.go: the
# release before several connections per org (commit 3a9ea02, schema
# version 15), with an org connected to an Identity Center application.
#   signet-schema15.db      SQLite
#   signet-schema15.pg.sql  PostgreSQL: pg_dump of schema signet_upgrade
#                           (plain INSERTs; the test loads it into a
#                           schema of its own)
# Build that release first:
#   git worktree add /tmp/prev 3a9ea02 && (cd /tmp/prev && go build -o /tmp/signet-prev ./cmd/signet)
# then run this script from this directory (PostgreSQL at 127.0.0.1:5432,
# trust auth). The IdP's signing certificate it makes is valid for five
# years.
set -euo pipefail
S=/tmp/signet-prev
PG=postgres://postgres@127.0.0.1:5432/test
export SIGNET_DATA_DIR=/tmp/upg SIGNET_SECRET_KEY="signet upgrade test: a fixed secret key of at least 32 bytes"
export SIGNET_IDP_URL=http://127.83.1.1:9000 SIGNET_SP_URL=http://127.83.1.2:8000

populate() {
	echo "saffron-tunnel-ember" | $S sp org add --name "Acme Analytics" --slug acme --plan growth --admin-email admin@acme.example --admin-password-stdin
	$S sp member add --org acme --email bob@example.test --role member
	echo "quartz-willow-ferry" | $S idp user add --username bob --email bob@example.test --given-name Bob --family-name Builder --password-stdin
	$S idp group add --name "Analytics users"
	$S idp group add-member --group "Analytics users" --user bob
	$S idp app add --name "Acme Analytics" --acs-url http://127.83.1.2:8000/saml/acme/acs --audience http://127.83.1.2:8000/saml/acme/metadata
	$S idp app map --app "Acme Analytics" --subject '${user:email}' --subject-format emailAddress --attr 'email=${user:email}:basic' --attr 'groups=${user:groups}:basic'
	$S idp app assign --app "Acme Analytics" --group "Analytics users"
	$S idp app metadata --app "Acme Analytics" > /tmp/upg/idp.xml
	$S sp sso set --org acme --metadata /tmp/upg/idp.xml --provider aws
	$S sp sso show --org acme
	$S migrate
}

rm -rf /tmp/upg && mkdir -p /tmp/upg
SIGNET_DATABASE_URL=sqlite:/tmp/upg/signet.db populate
cp /tmp/upg/signet.db signet-schema15.db

rm -rf /tmp/upg && mkdir -p /tmp/upg
psql -q "$PG" -c 'DROP SCHEMA IF EXISTS signet_upgrade CASCADE' -c 'CREATE SCHEMA signet_upgrade'
SIGNET_DATABASE_URL="$PG?sslmode=disable&search_path=signet_upgrade" populate
pg_dump --inserts --no-owner --no-privileges --no-comments -n signet_upgrade "$PG" | grep -v '^\\' > signet-schema15.pg.sql
psql -q "$PG" -c 'DROP SCHEMA signet_upgrade CASCADE'
