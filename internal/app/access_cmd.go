// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/signet-sso/signet/internal/api"
	"github.com/signet-sso/signet/internal/sp"
)

func spSetupLink(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	expires := fs.Duration("expires", sp.DefaultSetupLinkTTL, "how long the link works (at most 720h)")
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		link, _, err := e.spService().Accounts().NewSetupLink(ctx, "cli", o, *expires)
		if err != nil {
			return refusal(err)
		}
		fmt.Fprintln(io.Stdout, link)
		return nil
	}
}

func spAPIKeyAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	name := fs.String("name", "", "what the key is for (required)")
	return func(ctx context.Context, io IO, e *env) error {
		key, k, err := api.NewKey(ctx, e.store, *name, "cli", timeNow())
		if err != nil {
			return refusal(err)
		}
		fmt.Fprintln(io.Stderr, "API key "+k.ID+" created; it is shown once, store it now:")
		fmt.Fprintln(io.Stdout, key)
		return nil
	}
}

func spAPIKeyList(*flag.FlagSet) func(context.Context, IO, *env) error {
	return func(ctx context.Context, io IO, e *env) error {
		keys, err := e.store.ListAPIKeys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED\tSTATUS")
		for _, k := range keys {
			used, status := "never", "active"
			if !k.LastUsedAt.IsZero() {
				used = k.LastUsedAt.UTC().Format("2006-01-02 15:04")
			}
			if !k.RevokedAt.IsZero() {
				status = "revoked " + k.RevokedAt.UTC().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.CreatedAt.UTC().Format("2006-01-02 15:04"), used, status)
		}
		return tw.Flush()
	}
}

func spAPIKeyRevoke(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	id := fs.String("key", "", "the key's ID (from apikey list; required)")
	return func(ctx context.Context, io IO, e *env) error {
		if *id == "" {
			return usagef("--key is required")
		}
		return refusal(api.RevokeKey(ctx, e.store, *id, "cli", timeNow()))
	}
}
