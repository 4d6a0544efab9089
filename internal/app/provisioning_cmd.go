// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"flag"
	"fmt"
)

// idpAppProvisioning is `signet idp app provisioning`: automatic
// provisioning of the app's assigned people and groups to its SCIM
// service (the token read from standard input, never an argument), or off.
func idpAppProvisioning(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	app := fs.String("app", "", "application name or ID (required)")
	scimURL := fs.String("scim-url", "", "the application's SCIM 2.0 base URL")
	tokenStdin := fs.Bool("token-stdin", false, "read the application's SCIM bearer token from standard input")
	off := fs.Bool("off", false, "turn automatic provisioning off")
	return func(ctx context.Context, io IO, e *env) error {
		if *off == (*scimURL != "") || (*scimURL != "") != *tokenStdin {
			return usagef("give --scim-url URL with --token-stdin, or --off")
		}
		a, err := findApp(ctx, e.store, *app)
		if err != nil {
			return err
		}
		svc := e.idpService()
		if *off {
			return svc.DisableProvisioning(ctx, "cli", a)
		}
		token, err := readPassword(io.Stdin)
		if err != nil {
			return usagef("--token-stdin: no token on standard input")
		}
		if err := svc.SetProvisioning(ctx, "cli", a, *scimURL, token); err != nil {
			return err
		}
		fmt.Fprintf(io.Stderr, "Provisioning to %s is on: assigned people and groups are pushed within seconds while signet serve runs.\n", *scimURL)
		return nil
	}
}
