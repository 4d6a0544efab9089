// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Command signet is Signet's single binary: the Identity Center (SAML IdP),
// the Workspace (multi-tenant SAML SP), and the tools around them. See
// 'signet --help'.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/signet-sso/signet/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], app.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
