// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/signet-sso/signet/internal/idp"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// idpCommand is one command of a group (`signet idp …`, `signet sp …`).
type idpCommand struct {
	path     string
	synopsis string
	flags    func(fs *flag.FlagSet) func(ctx context.Context, io IO, e *env) error
}

func idpCommands() []idpCommand {
	return []idpCommand{
		{"user add", "--username U --email E [--given-name G] [--family-name F] [--display-name D] [--password-stdin] [--admin] [--send-invite]", idpUserAdd},
		{"user list", "", idpUserList},
		{"group add", "--name G [--description D]", idpGroupAdd},
		{"group add-member", "--group G --user U", idpGroupAddMember},
		{"app add", "--name N [--description D] (--acs-url URL --audience AUD | --sp-metadata FILE) [--key-type rsa2048|ecdsa-p256]", idpAppAdd},
		{"app map", "--app A --subject VALUE --subject-format F [--attr NAME=VALUE:FORMAT]...", idpAppMap},
		{"app assign", "--app A (--user U | --group G)", idpAppAssign},
		{"app metadata", "--app A", idpAppMetadata},
		{"app list", "", idpAppList},
		{"app provisioning", "--app A (--scim-url URL --token-stdin | --off)", idpAppProvisioning},
		{"settings mfa", "[--prompt always|context|never] [--types webauthn,totp] [--without-device register|email|block|allow]", idpSettingsMFA},
		{"issue", "--app A --user U [--relay-state RS]", idpIssue},
	}
}

func runIdP(ctx context.Context, io IO, args []string) error {
	return runGroup(ctx, io, "idp", idpCommands(), args)
}

// runGroup runs the command of group whose words start args.
func runGroup(ctx context.Context, io IO, group string, cmds []idpCommand, args []string) error {
	for _, c := range cmds {
		words := strings.Fields(c.path)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.path {
			return runEnvCommand(ctx, io, group+" "+c.path, c.synopsis, args[len(words):], c.flags)
		}
	}
	var b strings.Builder
	for _, c := range cmds {
		fmt.Fprintf(&b, "\n  signet %s %s %s", group, c.path, c.synopsis)
	}
	return usagef("unknown %s command; the commands are:%s", group, b.String())
}

// runEnvCommand parses the common flags and the command's own, opens the
// environment and runs the command.
func runEnvCommand(ctx context.Context, io IO, name, synopsis string, args []string,
	define func(*flag.FlagSet) func(context.Context, IO, *env) error) error {
	var c Config
	fs := newFlagSet(name, synopsis+" [--database URL] [--idp-url URL] [--sp-url URL]", io.Stderr)
	c.databaseFlags(fs)
	c.urlFlags(fs)
	run := define(fs)
	if err := parseConfig(fs, args, io.Env, &c); err != nil {
		return err
	}
	e, closeEnv, err := openEnv(ctx, &c, io, nil)
	if err != nil {
		return err
	}
	defer closeEnv()
	err = run(ctx, io, e)
	var fe idp.FieldErrors
	if errors.As(err, &fe) {
		return usagef("%s", fe.Error())
	}
	return err
}

func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("--password-stdin: no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func idpUserAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	var in idp.UserInput
	fs.StringVar(&in.Username, "username", "", "the sign-in name (required)")
	fs.StringVar(&in.Email, "email", "", "the primary email (sent as ${user:email})")
	fs.StringVar(&in.GivenName, "given-name", "", "first name")
	fs.StringVar(&in.FamilyName, "family-name", "", "last name")
	fs.StringVar(&in.DisplayName, "display-name", "", "display name")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	fs.BoolVar(&in.Admin, "admin", false, "may sign in to the Identity Center console")
	invite := fs.Bool("send-invite", false, "email the user a link to set their password (sent by signet serve)")
	return func(ctx context.Context, io IO, e *env) error {
		if *invite && in.Email == "" {
			return usagef("--send-invite needs --email: the invitation is emailed")
		}
		if *pwStdin {
			pw, err := readPassword(io.Stdin)
			if err != nil {
				return err
			}
			in.Password = pw
		}
		u, err := e.idpService().Directory().CreateUser(ctx, "cli", in)
		if err != nil {
			return err
		}
		fmt.Fprintln(io.Stdout, u.ID)
		if u.Email == "" {
			fmt.Fprintln(io.Stderr, "warning: the user has no primary email; apps that map ${user:email} will refuse them")
		}
		if *invite {
			if err := e.idpService().SendInvitation(ctx, "cli", u); err != nil {
				return err
			}
			fmt.Fprintln(io.Stderr, "Invitation queued for "+u.Email+": signet serve sends it (see the console's Email page).")
		}
		return nil
	}
}

func idpUserList(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	return func(ctx context.Context, io IO, e *env) error {
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSERNAME\tPRIMARY EMAIL\tDISPLAY NAME\tACTIVE\tADMIN")
		return forAll(func(opt store.ListOptions) (int, int, error) {
			users, total, err := e.store.ListUsers(ctx, opt)
			for _, u := range users {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%v\n", u.ID, u.Username, orDash(u.Email), orDash(u.DisplayName), u.Active, u.Admin)
			}
			return len(users), total, err
		}, tw.Flush)
	}
}

// forAll pages through a list.
func forAll(page func(store.ListOptions) (n, total int, err error), done func() error) error {
	for off := 0; ; {
		n, total, err := page(store.ListOptions{Limit: 200, Offset: off})
		if err != nil {
			return err
		}
		off += n
		if n == 0 || off >= total {
			return done()
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func idpGroupAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	name := fs.String("name", "", "the group name (required)")
	desc := fs.String("description", "", "what the group is for")
	return func(ctx context.Context, io IO, e *env) error {
		g, err := e.idpService().Directory().CreateGroup(ctx, "cli", *name, *desc)
		if err != nil {
			return err
		}
		fmt.Fprintln(io.Stdout, g.ID)
		return nil
	}
}

// findUser and friends accept an ID or the unique name.
func findUser(ctx context.Context, st store.Store, key string) (store.User, error) {
	if u, err := st.GetUser(ctx, key); err == nil {
		return u, nil
	}
	u, err := st.GetUserByUsername(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("no user %q", key)
	}
	return u, err
}

func findGroup(ctx context.Context, st store.Store, key string) (store.Group, error) {
	if g, err := st.GetGroup(ctx, key); err == nil {
		return g, nil
	}
	g, err := st.GetGroupByName(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return g, fmt.Errorf("no group %q", key)
	}
	return g, err
}

func findApp(ctx context.Context, st store.Store, key string) (store.App, error) {
	if a, err := st.GetApp(ctx, key); err == nil && a.Status == store.AppActive {
		return a, nil
	}
	a, err := st.GetAppByName(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return a, fmt.Errorf("no application %q", key)
	}
	return a, err
}

func idpGroupAddMember(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	group := fs.String("group", "", "group name or ID (required)")
	user := fs.String("user", "", "username or ID (required)")
	return func(ctx context.Context, io IO, e *env) error {
		g, err := findGroup(ctx, e.store, *group)
		if err != nil {
			return err
		}
		u, err := findUser(ctx, e.store, *user)
		if err != nil {
			return err
		}
		return e.idpService().Directory().AddMember(ctx, "cli", g, u)
	}
}

func idpAppAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	var in idp.AppInput
	fs.StringVar(&in.Name, "name", "", "display name (required)")
	fs.StringVar(&in.Description, "description", "", "description")
	fs.StringVar(&in.ACSURL, "acs-url", "", "Application ACS URL")
	fs.StringVar(&in.Audience, "audience", "", "Application SAML audience")
	mdFile := fs.String("sp-metadata", "", "the application's SAML metadata file, instead of --acs-url and --audience")
	fs.StringVar(&in.RelayState, "relay-state", "", "Relay state for IdP-initiated sign-in")
	fs.StringVar(&in.StartURL, "start-url", "", "Application start URL")
	fs.DurationVar(&in.SessionDuration, "session-duration", idp.DefaultSessionDuration, "Session duration")
	keyType := fs.String("key-type", string(saml.KeyRSA2048), "the signing certificate's key: rsa2048, or ecdsa-p256 for SPs that accept ECDSA")
	return func(ctx context.Context, io IO, e *env) error {
		switch saml.KeyKind(*keyType) {
		case saml.KeyRSA2048, saml.KeyECDSAP256:
			in.KeyKind = saml.KeyKind(*keyType)
		default:
			return usagef("--key-type %q: use rsa2048 or ecdsa-p256", *keyType)
		}
		in.MetadataSource = idp.SourceManual
		if *mdFile != "" {
			if in.ACSURL != "" || in.Audience != "" {
				return usagef("give either --sp-metadata or --acs-url and --audience, not both")
			}
			b, err := os.ReadFile(*mdFile)
			if err != nil {
				return usagef("read --sp-metadata: %v", err)
			}
			in.MetadataSource, in.SPMetadata = idp.SourceUpload, b
		}
		a, err := e.idpService().CreateApp(ctx, "cli", in)
		if err != nil {
			return err
		}
		fmt.Fprintln(io.Stdout, a.ID)
		return nil
	}
}

func idpAppMap(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	app := fs.String("app", "", "application name or ID (required)")
	var in idp.MappingInput
	fs.StringVar(&in.SubjectValue, "subject", "", "the Subject's value, e.g. ${user:email} (required)")
	fs.StringVar(&in.SubjectFormat, "subject-format", "", "unspecified, emailAddress, persistent or transient (required)")
	var attrs stringList
	fs.Var(&attrs, "attr", "NAME=VALUE:FORMAT, e.g. email=${user:email}:basic (repeatable; replaces all mappings)")
	return func(ctx context.Context, io IO, e *env) error {
		a, err := findApp(ctx, e.store, *app)
		if err != nil {
			return err
		}
		for _, spec := range attrs {
			m, err := parseAttrSpec(spec)
			if err != nil {
				return err
			}
			in.Attributes = append(in.Attributes, m)
		}
		warnings, err := e.idpService().SetMappings(ctx, "cli", a, in)
		for _, w := range warnings {
			fmt.Fprintln(io.Stderr, "warning:", w)
		}
		return err
	}
}

// parseAttrSpec reads NAME=VALUE:FORMAT; the format is after the last colon.
func parseAttrSpec(spec string) (store.AttributeMapping, error) {
	name, rest, ok := strings.Cut(spec, "=")
	i := strings.LastIndex(rest, ":")
	if !ok || i < 0 {
		return store.AttributeMapping{}, usagef("--attr %q: want NAME=VALUE:FORMAT, e.g. email=${user:email}:basic", spec)
	}
	return store.AttributeMapping{Name: name, Value: rest[:i], Format: rest[i+1:]}, nil
}

func idpAppAssign(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	app := fs.String("app", "", "application name or ID (required)")
	user := fs.String("user", "", "username or ID")
	group := fs.String("group", "", "group name or ID")
	return func(ctx context.Context, io IO, e *env) error {
		if (*user == "") == (*group == "") {
			return usagef("give exactly one of --user and --group")
		}
		a, err := findApp(ctx, e.store, *app)
		if err != nil {
			return err
		}
		if *user != "" {
			u, err := findUser(ctx, e.store, *user)
			if err != nil {
				return err
			}
			return e.idpService().Assign(ctx, "cli", a, store.PrincipalUser, u.ID, u.Username)
		}
		g, err := findGroup(ctx, e.store, *group)
		if err != nil {
			return err
		}
		return e.idpService().Assign(ctx, "cli", a, store.PrincipalGroup, g.ID, g.Name)
	}
}

func idpAppMetadata(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	app := fs.String("app", "", "application name or ID (required)")
	return func(ctx context.Context, io IO, e *env) error {
		a, err := findApp(ctx, e.store, *app)
		if err != nil {
			return err
		}
		md, err := e.idpService().Metadata(ctx, a)
		if err != nil {
			return err
		}
		_, err = io.Stdout.Write(md)
		return err
	}
}

func idpAppList(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	return func(ctx context.Context, io IO, e *env) error {
		svc := e.idpService()
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tDISPLAY NAME\tACS URL\tAUDIENCE\tSUBJECT\tIDP ENTITY ID")
		return forAll(func(opt store.ListOptions) (int, int, error) {
			apps, total, err := e.store.ListApps(ctx, opt)
			for _, a := range apps {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s (%s)\t%s\n", a.ID, a.Name, orDash(a.ACSURL), orDash(a.Audience),
					a.SubjectValue, a.SubjectFormat, svc.EntityID(a.ID))
			}
			return len(apps), total, err
		}, tw.Flush)
	}
}

func idpIssue(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	app := fs.String("app", "", "application name or ID (required)")
	user := fs.String("user", "", "username or ID (required)")
	relay := fs.String("relay-state", "", "RelayState to post with the response (printed to stderr)")
	return func(ctx context.Context, io IO, e *env) error {
		a, err := findApp(ctx, e.store, *app)
		if err != nil {
			return err
		}
		u, err := findUser(ctx, e.store, *user)
		if err != nil {
			return err
		}
		xml, _, err := e.idpService().Issue(ctx, idp.IssueRequest{App: a, User: u})
		if err != nil {
			return err
		}
		fmt.Fprintln(io.Stdout, encodeBase64(xml))
		if *relay != "" {
			fmt.Fprintf(io.Stderr, "post it to %s with RelayState=%s\n", a.ACSURL, *relay)
		}
		return nil
	}
}

func encodeBase64(b []byte) string { return saml.EncodeBase64(b) }
