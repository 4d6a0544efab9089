// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/template"

	"github.com/signet-sso/signet/internal/idp"
	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

func runDemo(ctx context.Context, io IO, args []string) error {
	var c Config
	var dataDir string
	fs := newFlagSet("demo", "[--data DIR] [--idp-addr 127.0.0.1:9000] [--sp-addr 127.0.0.1:8000]", io.Stderr)
	fs.StringVar(&dataDir, "data", "", "folder for the demo's fresh SQLite database (default: a new temporary folder); it must not hold a database yet")
	c.urlFlags(fs)
	c.serverFlags(fs)
	if err := parseFlags(fs, args, io.Env); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	dir, err := demoDataDir(dataDir)
	if err != nil {
		return err
	}
	if dataDir == "" {
		// A folder of our own making goes when the demo ends; one the
		// person named stays, and the goodbye says how to start it again.
		defer os.RemoveAll(dir)
	}
	demoConfig(&c, fs, io.Env, dir)
	if err := c.Validate(); err != nil {
		return err
	}
	log := newLogger(io.Stderr, c.LogLevel, c.LogFormat)
	io.Env = withDefault(io.Env, "SIGNET_DATA_DIR", dir)
	e, closeEnv, err := openEnv(ctx, &c, io, log)
	if err != nil {
		return err
	}
	defer closeEnv()
	creds, err := seedDemo(ctx, e.idpService(), e.spService())
	if err != nil {
		return fmt.Errorf("create the demo people and org: %w", err)
	}
	creds.IdPURL, creds.SPURL, creds.DataDir, creds.KeepData = c.IdPURL, c.SPURL, dir, dataDir != ""
	err = serve(ctx, e, func(map[string]string) { printDemo(io.Stdout, creds) })
	if err == nil {
		printDemoEnd(io.Stdout, creds)
	}
	return err
}

// demoConfig is the demo's configuration beyond its flags: both roles on a
// SQLite file in dir, public URLs that follow the listen addresses unless
// given, no drain delay and no management listener unless asked (Ctrl-C
// stops at once; a taken 9100 must not stop a first run), and private
// metadata URLs allowed — the demo is a lab, where "Metadata URL" and its
// refresh can be tried against its own Identity Center on 127.0.0.1.
func demoConfig(c *Config, fs *flag.FlagSet, env Env, dir string) {
	given := func(flag, variable string) bool { return flagSet(fs, flag) || env(variable) != "" }
	c.Role, c.AllowPrivateMetadataURLs, c.DemoMail = "all", true, true
	c.Database = "sqlite:" + filepath.Join(dir, "signet.db")
	if !given("drain", "SIGNET_DRAIN") {
		c.Drain = 0
	}
	if !given("metrics-addr", "SIGNET_METRICS_ADDR") {
		c.MetricsAddr = "off"
	}
	if !given("idp-url", "SIGNET_IDP_URL") {
		c.IdPURL = "http://" + c.IdPAddr
	}
	if !given("sp-url", "SIGNET_SP_URL") {
		c.SPURL = "http://" + c.SPAddr
	}
}

// withDefault returns env with name defaulting to value.
func withDefault(env Env, name, value string) Env {
	return func(k string) string {
		if v := env(k); v != "" || k != name {
			return v
		}
		return value
	}
}

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// demoDataDir returns a folder with no database in it.
func demoDataDir(dir string) (string, error) {
	if dir == "" {
		return os.MkdirTemp("", "signet-demo-*")
	}
	if _, err := os.Stat(filepath.Join(dir, "signet.db")); err == nil {
		return "", fmt.Errorf("%s already holds a database; the demo starts fresh: pick another --data folder or delete that one", dir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	return dir, os.MkdirAll(dir, 0o700)
}

// demoCredentials is what the demo prints.
type demoCredentials struct {
	IdPURL, SPURL, DataDir     string
	KeepData                   bool // --data was given: the folder outlives the demo
	AdminUser, AdminPassword   string
	Alice, AlicePassword       string
	AliceEmail                 string
	Bob, BobPassword           string
	Group                      string
	OrgSlug, OrgName           string
	OrgAdmin, OrgAdminPassword string
}

// seedDemo creates the seed's cast: an Identity Center admin, two people in
// a group (Bob has no primary email, for step 14), and an org on the Growth
// plan with its admin, who has invited Alice's email (as Amplitude's admins
// invite their people; her first SSO sign-in accepts it). The SSO
// connection is left for the person to make. Everything goes through the
// services, by the rules (and with the audit entries) a person's own
// changes get.
func seedDemo(ctx context.Context, ic *idp.Service, ws *sp.Service) (demoCredentials, error) {
	c := demoCredentials{
		AdminUser: "admin", AdminPassword: password.Generate(),
		Alice: "alice", AlicePassword: password.Generate(), AliceEmail: "alice@example.com",
		Bob: "bob", BobPassword: password.Generate(),
		Group: "Analytics users", OrgSlug: "acme", OrgName: "Acme Analytics",
		OrgAdmin: "admin@acme.example", OrgAdminPassword: password.Generate(),
	}
	dir := ic.Directory()
	people := []idp.UserInput{
		{Username: c.AdminUser, DisplayName: "Identity Center admin", Email: "it-admin@example.com", Password: c.AdminPassword, Active: true, Admin: true},
		{Username: c.Alice, Email: c.AliceEmail, GivenName: "Alice", FamilyName: "Liddell", DisplayName: "Alice Liddell", Password: c.AlicePassword, Active: true},
		{Username: c.Bob, GivenName: "Bob", FamilyName: "Builder", DisplayName: "Bob Builder", Password: c.BobPassword, Active: true},
	}
	var users []store.User
	for _, in := range people {
		u, err := dir.CreateUser(ctx, "demo", in)
		if err != nil {
			return c, fmt.Errorf("demo user %s: %w", in.Username, err)
		}
		users = append(users, u)
	}
	g, err := dir.CreateGroup(ctx, "demo", c.Group, "People who use the analytics product")
	if err != nil {
		return c, err
	}
	for _, u := range users[1:] { // Alice and Bob
		if err := dir.AddMember(ctx, "demo", g, u); err != nil {
			return c, err
		}
	}
	return c, seedWorkspace(ctx, ws, c)
}

// seedWorkspace creates the demo org with its admin, who invites Alice.
func seedWorkspace(ctx context.Context, ws *sp.Service, c demoCredentials) error {
	hash, err := password.Hash(c.OrgAdminPassword, ws.Password)
	if err != nil {
		return err
	}
	accounts := ws.Accounts()
	org, err := accounts.CreateOrg(ctx, "demo", store.Org{Slug: c.OrgSlug, Name: c.OrgName, Plan: "growth"}, c.OrgAdmin, hash)
	if err != nil {
		return err
	}
	admin, err := ws.Store.GetMemberByEmail(ctx, org.ID, c.OrgAdmin)
	if err != nil {
		return err
	}
	_, err = accounts.NewInvite(ctx, admin, org, c.AliceEmail, "member")
	return err
}

var demoText = template.Must(template.New("demo").Parse(`
Signet demo is running{{if .KeepData}} (data in {{.DataDir}}){{end}}; press Ctrl-C to stop.

  Identity Center (IdP)   {{.IdPURL}}/admin     console
                          {{.IdPURL}}/portal    access portal
  Workspace (SP)          {{.SPURL}}/login      org sign-in

Credentials
  Identity Center admin   {{.AdminUser}} / {{.AdminPassword}}
  Directory user          {{.Alice}} / {{.AlicePassword}}   (primary email {{.AliceEmail}})
  Directory user          {{.Bob}} / {{.BobPassword}}   (no primary email)
  Group                   "{{.Group}}" (alice and bob)
  Org                     {{.OrgName}} (ID {{.OrgSlug}}, Growth plan)
  Org admin               {{.OrgAdmin}} / {{.OrgAdminPassword}}
  Invited to the org      {{.AliceEmail}} (as member; her first SSO sign-in accepts the invitation)

Walk-through (the seed's 15 steps; the SSO connection is yours to make)
  1-4  Open the console, sign in as {{.AdminUser}}; Applications > Add application > "I have an
       application I want to set up" > SAML 2.0 > Next; Display name "Amplitude".
  5    Under IAM Identity Center metadata, download the IAM Identity Center SAML metadata file.
  6    In another browser window, open the Workspace and sign in as the org admin: Settings >
       Organization settings > Access & SSO Settings > Single Sign-On Settings; Identity Provider
       "Other"; upload the metadata file; Save.
  7    Copy the Entity ID and the Assertion Consumer Service URL shown there.
  8    Back in the console: "Manually type your metadata values", paste them, Submit.
  9-11 Actions > Edit attribute mappings: Subject = ${user:email}, format emailAddress;
       Add new attribute mapping: email = ${user:email}, format basic; Save changes.
  12-13 Assigned users and groups > Assign users and groups > "{{.Group}}" > Assign users.
  14   {{.Alice}} has a primary email; {{.Bob}} does not (his sign-in is refused, and the page says why).
  15   Open the access portal, sign in as {{.Alice}} and click the Amplitude tile: you land signed in
       to {{.OrgName}}. (The org admin invited {{.AliceEmail}}; anyone else the IdP signs in needs an
       invitation too, or turn on just-in-time provisioning under Options on the SSO page.)

Also try: Test sign-in on the Single Sign-On Settings page; "Metadata URL" instead of the file
(this demo may fetch from 127.0.0.1); the Sign-in attempts log after step 15 without steps 9-11;
MFA under Settings > Authentication in the console (passkeys need a host name: start the demo
with --idp-url http://localhost:9000). This demo sends no email: the console's Email page shows
every message (invitations, password resets, codes) instead.

Health: {{.IdPURL}}/readyz and {{.SPURL}}/readyz
`))

var demoEndText = template.Must(template.New("demo-end").Parse(`
Signet demo stopped.{{if .KeepData}} Its data stays in {{.DataDir}}; to run it again:
  go run ./cmd/signet serve --database sqlite:{{.DataDir}}/signet.db \
    --idp-url {{.IdPURL}} --sp-url {{.SPURL}} --allow-private-metadata-urls
{{else}} Its data folder was removed (start it with --data DIR to keep the data).
{{end}}`))

func printDemo(w io.Writer, c demoCredentials) {
	if err := demoText.Execute(w, c); err != nil {
		panic(err) // a template bug, caught by the demo's tests
	}
}

func printDemoEnd(w io.Writer, c demoCredentials) {
	if err := demoEndText.Execute(w, c); err != nil {
		panic(err)
	}
}
