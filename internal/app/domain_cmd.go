// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"flag"
	"fmt"
	"net"
	"text/tabwriter"
	"time"

	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

func spDomainAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	domain := fs.String("domain", "", "the email domain, such as example.com (required)")
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		claim, err := e.spService().Domains().Add(ctx, o, "cli", *domain)
		if err != nil {
			return refusal(err)
		}
		rec := sp.RecordFor(claim)
		fmt.Fprintf(io.Stderr, "Publish this DNS TXT record, then run: signet sp domain verify --org %s --domain %s\n", o.Slug, claim.Domain)
		fmt.Fprintf(io.Stdout, "%s. TXT \"%s\"\n", rec.Name, rec.Value)
		return nil
	}
}

func spDomainVerify(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	domain := fs.String("domain", "", "a domain the org has added (required)")
	wait := fs.Duration("wait", 0, "keep looking up the record this long (every 5s) until it is seen")
	var server string
	dnsServerFlag(fs, &server)
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		svc := e.spService()
		if _, port, err := net.SplitHostPort(server); server != "" && (err != nil || port == "") {
			return usagef("--dns-server %q: want host:port, e.g. 127.0.0.1:53", server)
		}
		if server != "" {
			svc.Resolver = sp.NewResolver(server)
		}
		deadline := time.Now().Add(*wait)
		for {
			claim, err := svc.Domains().Verify(ctx, o, "cli", *domain)
			if err != nil {
				return refusal(err)
			}
			if claim.Verified() {
				fmt.Fprintf(io.Stdout, "%s is verified for %s\n", claim.Domain, o.Slug)
				return nil
			}
			if time.Now().Add(5 * time.Second).After(deadline) {
				return fmt.Errorf("%s is not verified: %s", claim.Domain, claim.CheckError)
			}
			fmt.Fprintf(io.Stderr, "not yet: %s; looking again in 5s\n", claim.CheckError)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(5 * time.Second):
			}
		}
	}
}

func spDomainList(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		claims, err := e.store.ListDomains(ctx, o.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DOMAIN\tSTATUS\tLAST CHECK\tTXT RECORD")
		for _, c := range claims {
			rec := sp.RecordFor(c)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s. TXT \"%s\"\n", c.Domain, domainStatus(c), when(c.CheckedAt), rec.Name, rec.Value)
		}
		return tw.Flush()
	}
}

func spDomainRemove(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	domain := fs.String("domain", "", "the domain to remove (required)")
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		return refusal(e.spService().Domains().Remove(ctx, o, "cli", *domain))
	}
}

// domainStatus is a claim's state in words.
func domainStatus(c store.Domain) string {
	switch {
	case c.Verified():
		return "verified"
	case c.CheckError != "":
		return "pending: " + c.CheckError
	}
	return "pending"
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
