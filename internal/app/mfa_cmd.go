// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/signet-sso/signet/internal/idp"
)

// idpSettingsMFA is `signet idp settings mfa`: the Identity Center's MFA
// policy, in the words of its console's Settings › Authentication. Flags
// left out keep their current value.
func idpSettingsMFA(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	prompt := fs.String("prompt", "", "prompt for MFA: always (every sign-in), context (new browser or device) or never")
	types := fs.String("types", "", "allowed MFA device types, comma-separated: webauthn, totp")
	without := fs.String("without-device", "", "users without a device: register, email, block or allow")
	return func(ctx context.Context, io IO, e *env) error {
		svc := e.idpService()
		p, err := svc.MFAPolicy(ctx)
		if err != nil {
			return err
		}
		if *prompt != "" {
			p.Prompt = *prompt
		}
		if *types != "" {
			p.Types = nil
			for t := range strings.SplitSeq(*types, ",") {
				p.Types = append(p.Types, strings.TrimSpace(t))
			}
		}
		if *without != "" {
			p.WithoutDevice = *without
		}
		var pe *idp.PolicyError
		if err := svc.SetMFAPolicy(ctx, "cli", p); errors.As(err, &pe) {
			return usagef("%s", pe.Message)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(io.Stdout, "prompt=%s types=%s without-device=%s\n", p.Prompt, strings.Join(p.Types, ","), p.WithoutDevice)
		return nil
	}
}
