// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"flag"
	"fmt"
)

// spSCIMToken is `signet sp scim token`: a new SCIM bearer token for the
// org's IdP, printed once; the previous one stops working.
func spSCIMToken(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	org := fs.String("org", "", "organization ID or slug (required)")
	return func(ctx context.Context, io IO, e *env) error {
		o, err := findOrg(ctx, e.store, *org)
		if err != nil {
			return err
		}
		svc := e.spService()
		token, err := svc.DirectorySync().NewToken(ctx, "cli", o)
		if err != nil {
			return refusal(err)
		}
		fmt.Fprintf(io.Stderr, "Give your identity provider this SCIM base URL and token (shown once):\n  %s/scim/v2/%s\n", svc.BaseURL, o.Slug)
		fmt.Fprintln(io.Stdout, token)
		return nil
	}
}
