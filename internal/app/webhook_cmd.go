// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/signet-sso/signet/internal/events"
	"github.com/signet-sso/signet/internal/store"
)

// spWebhookAdd is `signet sp webhook add`: it registers an endpoint for
// the event log and prints its ID and signing secret (shown once) as JSON.
func spWebhookAdd(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	url := fs.String("url", "", "where to post events (required)")
	org := fs.String("org", "", "only this organization's events (ID or slug; default every org's)")
	types := fs.String("events", "", "comma-separated event types (default all): "+strings.Join(store.EventTypes, ", "))
	return func(ctx context.Context, io IO, e *env) error {
		if *url == "" {
			return usagef("--url is required")
		}
		orgID := ""
		if *org != "" {
			o, err := findOrg(ctx, e.store, *org)
			if err != nil {
				return err
			}
			orgID = o.ID
		}
		var list []string
		for t := range strings.SplitSeq(*types, ",") {
			if t = strings.TrimSpace(t); t != "" {
				list = append(list, t)
			}
		}
		wh, secret, err := e.webhooks().Create(ctx, "cli", *url, orgID, list)
		var ve *events.ValidationError
		if errors.As(err, &ve) {
			return usagef("%s", ve.Message)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(io.Stderr, "Webhook registered. Verify each delivery's Signet-Signature with this secret (shown once):")
		return json.NewEncoder(io.Stdout).Encode(map[string]string{"id": wh.ID, "secret": secret})
	}
}

func spWebhookList(*flag.FlagSet) func(context.Context, IO, *env) error {
	return func(ctx context.Context, io IO, e *env) error {
		hooks, err := e.store.ListWebhooks(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tURL\tORG\tEVENTS\tCREATED")
		for _, h := range hooks {
			types := strings.Join(h.Types, ",")
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.URL, cmp.Or(h.OrgID, "all"), cmp.Or(types, "all"), h.CreatedAt.Format("2006-01-02 15:04"))
		}
		return tw.Flush()
	}
}

func spWebhookRemove(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	id := fs.String("webhook", "", "the webhook's ID (required)")
	return func(ctx context.Context, io IO, e *env) error {
		if *id == "" {
			return usagef("--webhook is required")
		}
		return e.webhooks().Delete(ctx, "cli", *id)
	}
}

func spWebhookDeliveries(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	id := fs.String("webhook", "", "the webhook's ID (required)")
	return func(ctx context.Context, io IO, e *env) error {
		if *id == "" {
			return usagef("--webhook is required")
		}
		list, err := e.store.ListWebhookDeliveries(ctx, *id, 100)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DELIVERY\tEVENT\tTYPE\tSTATE\tATTEMPTS\tLAST ERROR")
		for _, d := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", d.ID, d.Event.ID, d.Event.Type, d.State, d.Attempts, d.Error)
		}
		return tw.Flush()
	}
}

func spWebhookRedeliver(fs *flag.FlagSet) func(context.Context, IO, *env) error {
	id := fs.String("webhook", "", "the webhook's ID (required)")
	delivery := fs.String("delivery", "", "the delivery's ID, from webhook deliveries (required)")
	return func(ctx context.Context, io IO, e *env) error {
		if *id == "" || *delivery == "" {
			return usagef("--webhook and --delivery are required")
		}
		return e.webhooks().Redeliver(ctx, *id, *delivery)
	}
}
