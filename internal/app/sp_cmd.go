// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/signet-sso/signet/internal/password"
	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

func spCommands() []idpCommand {
	return []idpCommand{
		{"org add", "--name N --plan starter|plus|growth|enterprise|scholarship --admin-email E [--slug S] [--external-id X] [--admin-password-stdin]", spOrgAdd},
		{"org list", "", spOrgList},
		{"member add", "--org O --email E --role viewer|member|manager|admin [--password-stdin]", spMemberAdd},
		{"sso set", "--org O (--metadata FILE | --metadata-url URL) [--provider other|okta|entra|google|onelogin|auth0|jumpcloud|aws] [--allow-legacy-crypto] [--connection C | --add] [--name N]", spSSOSet},
		{"sso show", "--org O [--connection C]", spSSOShow},
		{"sso primary", "--org O --connection C", spSSOPrimary},
		{"sso remove", "--org O --connection C", spSSORemove},
		{"client add", "--name N --redirect-uri URL [--redirect-uri URL]... [--public]", spClientAdd},
		{"client list", "", spClientList},
		{"client rotate-secret", "--client ID", spClientRotate},
		{"oidc rotate-key", "[--key-type rsa|ecdsa]", spOIDCRotateKey},
		{"apikey add", "--name N", spAPIKeyAdd},
		{"apikey list", "", spAPIKeyList},
		{"apikey revoke", "--key ID", spAPIKeyRevoke},
		{"setup-link", "--org O [--expires 72h]", spSetupLink},
		{"domain add", "--org O --domain D", spDomainAdd},
		{"domain verify", "--org O --domain D [--wait DUR] [--dns-server HOST:PORT]", spDomainVerify},
		{"domain list", "--org O", spDomainList},
		{"domain remove", "--org O --domain D", spDomainRemove},
		{"scim token", "--org O", spSCIMToken},
		{"webhook add", "--url URL [--org O] [--events TYPE,...]", spWebhookAdd},
		{"webhook list", "", spWebhookList},
		{"webhook remove", "--webhook ID", spWebhookRemove},
		{"webhook deliveries", "--webhook ID", spWebhookDeliveries},
		{"webhook redeliver", "--webhook ID --delivery ID", spWebhookRedeliver},
	}
}

func runSP(ctx context.Context, io IO, args []string) error {
	return runGroup(ctx, io, "sp", spCommands(), args)
}

// slugOf makes a URL-safe org ID from a name.
func slugOf(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// refusal turns a service's refusal of bad input into a usage error (exit
// 2, its message on stderr); other errors stay errors.
func refusal(err error) error {
	var pub *web.PublicError
	if errors.As(err, &pub) {
		return usagef("%s", pub.Message)
	}
	return err
}

func spOrgAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	name := fs.String("name", "", "organization name (required)")
	slug := fs.String("slug", "", "organization ID used in URLs (default: made from the name)")
	plan := fs.String("plan", "", "starter, plus, growth, enterprise or scholarship (required)")
	adminEmail := fs.String("admin-email", "", "email of the org's first admin (required)")
	pwStdin := fs.Bool("admin-password-stdin", false, "read the admin's password from standard input")
	externalID := fs.String("external-id", "", "the host app's own ID for this org (optional, unique)")
	return func(ctx context.Context, io IO, e *env) error {
		if *slug == "" {
			*slug = slugOf(*name)
		}
		if strings.TrimSpace(*name) == "" {
			return usagef("--name is required")
		}
		hash := ""
		if *pwStdin {
			var err error
			if hash, err = hashPasswordFromStdin(io.Stdin, e.pw, *adminEmail); err != nil {
				return err
			}
		}
		o, err := e.spService().Accounts().CreateOrg(ctx, "cli", store.Org{Slug: *slug, Name: *name, Plan: *plan, ExternalID: *externalID}, *adminEmail, hash)
		if err != nil {
			return refusal(err)
		}
		fmt.Fprintln(io.Stdout, o.ID)
		return nil
	}
}

func spOrgList(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	return func(ctx context.Context, io IO, e *env) error {
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSLUG\tNAME\tPLAN\tSSO")
		return forAll(func(opt store.ListOptions) (int, int, error) {
			orgs, total, err := e.store.ListOrgs(ctx, opt)
			for _, o := range orgs {
				sso := "-"
				if c, err := e.store.GetSSOConnection(ctx, o.ID, ""); err == nil {
					sso = c.IdPEntityID
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.ID, o.Slug, o.Name, o.Plan, sso)
			}
			return len(orgs), total, err
		}, tw.Flush)
	}
}

func findOrg(ctx context.Context, st store.Store, key string) (store.Org, error) {
	if o, err := st.GetOrgBySlug(ctx, key); err == nil {
		return o, nil
	}
	o, err := st.GetOrg(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return o, fmt.Errorf("no organization %q", key)
	}
	return o, err
}

func spMemberAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	email := fs.String("email", "", "member's email (required)")
	role := fs.String("role", "", "viewer, member, manager or admin (required)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		hash := ""
		if *pwStdin {
			if hash, err = hashPasswordFromStdin(io.Stdin, e.pw, *email); err != nil {
				return err
			}
		}
		m, err := e.spService().Accounts().AddMember(ctx, "cli", o, *email, *role, hash)
		if err != nil {
			return refusal(err)
		}
		fmt.Fprintln(io.Stdout, m.ID)
		return nil
	}
}

func spSSOSet(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	file := fs.String("metadata", "", "the IdP's SAML metadata file (or --metadata-url)")
	mdURL := fs.String("metadata-url", "", "the IdP's metadata URL, instead of --metadata; an https URL is read again daily")
	provider := fs.String("provider", "other", "other, okta, entra, google, onelogin, auth0, jumpcloud or aws")
	legacy := fs.Bool("allow-legacy-crypto", false, "accept an IdP whose key is under 2048 bits or that signs with RSA-SHA1")
	connRef := fs.String("connection", "", "the connection to replace: its ID, name or IdP entity ID (default: the primary one)")
	add := fs.Bool("add", false, "add the IdP as another connection of the org")
	name := fs.String("name", "", "the connection's name (default: the provider's name)")
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		if *add && *connRef != "" {
			return usagef("give --connection (to replace one) or --add (for another), not both")
		}
		connID, err := findConnection(ctx, e, o, *connRef)
		if err != nil {
			return err
		}
		svc := e.spService()
		var md []byte
		switch {
		case (*file == "") == (*mdURL == ""):
			return usagef("give the IdP's metadata with either --metadata FILE or --metadata-url URL")
		case *file != "":
			if md, err = os.ReadFile(*file); err != nil {
				return usagef("read --metadata: %v", err)
			}
		default:
			if md, err = svc.FetchMetadata(ctx, *mdURL); err != nil {
				return fmt.Errorf("metadata_invalid: %v", err)
			}
		}
		c, warnings, err := svc.SaveMetadata(ctx, store.Member{Email: "cli"}, o, *provider, md,
			sp.SaveOptions{AllowLegacyCrypto: *legacy, MetadataURL: *mdURL, Connection: connID, Add: *add, Name: *name})
		if err != nil {
			se := saml.AsError(err)
			return fmt.Errorf("%s: %s", se.Code, se.Message)
		}
		for _, w := range warnings {
			fmt.Fprintln(io.Stderr, "warning:", w)
		}
		return writeSSO(ctx, io, e, o, c.ID)
	}
}

func spSSOShow(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	connRef := fs.String("connection", "", "one connection: its ID, name or IdP entity ID (default: the primary one)")
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		connID, err := findConnection(ctx, e, o, *connRef)
		if err != nil {
			return err
		}
		return writeSSO(ctx, io, e, o, connID)
	}
}

func spSSOPrimary(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	return onConnection(fs, func(ctx context.Context, io IO, e *env, o store.Org, connID string) error {
		if err := e.spService().MakePrimary(ctx, store.Member{Email: "cli"}, o, connID); err != nil {
			return err
		}
		return writeSSO(ctx, io, e, o, connID)
	})
}

func spSSORemove(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	return onConnection(fs, func(ctx context.Context, _ IO, e *env, o store.Org, connID string) error {
		return e.spService().DeleteConnection(ctx, store.Member{Email: "cli"}, o, connID)
	})
}

// onConnection is a command on one connection of an org: --org and
// --connection (both required) resolved before fn runs.
func onConnection(fs *flag.FlagSet, fn func(ctx context.Context, io IO, e *env, o store.Org, connID string) error) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	connRef := fs.String("connection", "", "the connection: its ID, name or IdP entity ID (required)")
	return func(ctx context.Context, io IO, e *env) error {
		o, connID, err := orgAndConnection(ctx, e, *org, *connRef)
		if err != nil {
			return err
		}
		return fn(ctx, io, e, o, connID)
	}
}

// orgAndConnection finds the org and one of its connections, both required.
func orgAndConnection(ctx context.Context, e *env, org, ref string) (store.Org, string, error) {
	if ref == "" {
		return store.Org{}, "", usagef("--connection is required")
	}
	o, err := findOrg(ctx, e.store, org)
	if err != nil {
		return o, "", err
	}
	id, err := findConnection(ctx, e, o, ref)
	return o, id, err
}

// findConnection is the ID of the org's connection ref names ("" for "").
func findConnection(ctx context.Context, e *env, o store.Org, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	c, err := sp.FindConnection(ctx, e.store, o, ref)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("org %s has no SSO connection %q: %w", o.Slug, ref, err)
	}
	return c.ID, err
}

// ssoShow is `signet sp sso show`'s JSON.
type ssoShow struct {
	Org          string          `json:"org"`
	Plan         string          `json:"plan"`
	SSOAvailable bool            `json:"sso_available"`
	EntityID     string          `json:"entity_id"`
	ACSURL       string          `json:"acs_url"`
	LoginURL     string          `json:"login_url"`
	IdP          *metadataOutput `json:"idp"`
	Options      *sp.Options     `json:"options,omitempty"`
	// Connection is the connection shown (idp, options); Connections
	// lists all of the org's, primary first.
	Connection  *connectionItem  `json:"connection,omitempty"`
	Connections []connectionItem `json:"connections"`
}

// connectionItem names one of an org's connections.
type connectionItem struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Primary     bool   `json:"primary"`
	IdPEntityID string `json:"idp_entity_id"`
}

func writeSSO(ctx context.Context, io IO, e *env, o store.Org, connID string) error {
	svc := e.spService()
	out := ssoShow{Org: o.Slug, Plan: o.Plan, SSOAvailable: sp.SSOAvailable(o.Plan), EntityID: svc.EntityID(o),
		ACSURL: svc.ACSURL(o), LoginURL: svc.LoginURL(o), Connections: []connectionItem{}}
	list, err := e.store.ListSSOConnections(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, c := range list {
		out.Connections = append(out.Connections, connectionItem{ID: c.ID, Name: c.Name, Primary: c.Primary, IdPEntityID: c.IdPEntityID})
	}
	conn, err := svc.LoadConnection(ctx, o, connID)
	switch {
	case err == nil:
		out.Connection = &connectionItem{ID: conn.ID, Name: conn.Name, Primary: conn.Primary, IdPEntityID: conn.IdPEntityID}
		sum := summarizeMetadata(conn.Metadata, timeNow())
		out.IdP = &sum
		opt := sp.OptionsOf(conn.SSOConnection)
		out.Options = &opt
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	writeJSONLine(io.Stdout, out)
	return nil
}

// hashPasswordFromStdin reads a member's password (--password-stdin),
// checks it against the password rules and hashes it.
func hashPasswordFromStdin(stdin io.Reader, p password.Params, personal ...string) (string, error) {
	pw, err := readPassword(stdin)
	if err != nil {
		return "", err
	}
	if err := password.Validate(pw, personal...); err != nil {
		return "", usagef("password: %v", err)
	}
	return password.Hash(pw, p)
}
