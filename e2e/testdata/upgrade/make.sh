#!/usr/bin/env bash
# Makes signet-schema10.db: the database of the release before verified
# domains (commit a541b2e, schema version 10) with a connected org, for
# e2e/upgrade_test.go. Build that release first:
#   git worktree add /tmp/prev a541b2e && (cd /tmp/prev && go build -o /tmp/signet-prev ./cmd/signet)
# then run this script and copy /tmp/upg/signet.db here. The IdP's signing
# certificate it makes is valid for five years (until 2031-11-30).
rm -rf /tmp/upg && mkdir -p /tmp/upg
set -euo pipefail
export SIGNET_DATABASE_URL=sqlite:/tmp/upg/signet.db SIGNET_DATA_DIR=/tmp/upg SIGNET_SECRET_KEY="signet upgrade test: a fixed secret key of at least 32 bytes"
export SIGNET_IDP_URL=http://127.83.1.1:9000 SIGNET_SP_URL=http://127.83.1.2:8000
S=/tmp/signet-prev
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
