// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/signet-sso/signet/internal/oidc"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func spClientAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	name := fs.String("name", "", "the host app's name (required)")
	var uris repeated
	fs.Var(&uris, "redirect-uri", "where the host app receives codes; repeat for several (exact match)")
	public := fs.Bool("public", false, "a public client (single-page or native app): PKCE only, no secret")
	return func(ctx context.Context, io IO, e *env) error {
		reg, err := oidc.RegisterClient(ctx, e.store, oidc.NewClient{Name: *name, RedirectURIs: uris, Public: *public}, timeNow())
		if err != nil {
			return refusal(err)
		}
		writeJSONLine(io.Stdout, reg)
		return nil
	}
}

func spClientRotate(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	id := fs.String("client", "", "the host app's client_id (required)")
	return func(ctx context.Context, io IO, e *env) error {
		if *id == "" {
			return usagef("--client is required")
		}
		reg, err := oidc.RotateSecret(ctx, e.store, *id)
		if err != nil {
			return refusal(err)
		}
		writeJSONLine(io.Stdout, reg)
		return nil
	}
}

func spClientList(*flag.FlagSet) func(context.Context, IO, *env) error {
	return func(ctx context.Context, io IO, e *env) error {
		clients, err := e.store.ListOAuthClients(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CLIENT ID\tNAME\tTYPE\tREDIRECT URIS")
		for _, c := range clients {
			kind := "confidential"
			if c.Public {
				kind = "public"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Name, kind, strings.Join(c.RedirectURIs, " "))
		}
		return tw.Flush()
	}
}

func spOIDCRotateKey(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	keyType := fs.String("key-type", "rsa", "rsa (RS256) or ecdsa (ES256)")
	return func(ctx context.Context, io IO, e *env) error {
		if *keyType != "rsa" && *keyType != "ecdsa" {
			return usagef("--key-type is rsa or ecdsa")
		}
		p, err := oidc.New(&oidc.Provider{Store: e.store, Sealer: e.sealer, Issuer: trimSlash(e.cfg.SPURL), KeyType: *keyType, Log: e.log})
		if err != nil {
			return err
		}
		if err := p.RotateKey(ctx); err != nil {
			return err
		}
		fmt.Fprintln(io.Stdout, "New ID tokens are signed with a new "+strings.ToUpper(*keyType)+" key; the previous keys stay in JWKS, so tokens already issued still verify. Replicas switch within a minute.")
		return nil
	}
}
