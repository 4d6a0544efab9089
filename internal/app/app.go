// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Env looks up an environment variable; tests pass their own.
type Env func(string) string

// IO is where a command reads and writes.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Env    Env
}

// command is one subcommand (or a group of them).
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, io IO, args []string) error
}

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func commands() []command {
	return []command{
		{"serve", "run the Identity Center and/or the Workspace", runServe},
		{"demo", "run both roles on a fresh SQLite database with sample people and an org", runDemo},
		{"migrate", "apply pending database migrations and exit", runMigrate},
		{"version", "print the version", runVersion},
		{"saml", "verify a SAML response or summarize metadata: 'saml verify', 'saml metadata'", runSAML},
		{"idp", "manage the Identity Center: users, groups, applications, mappings, assignments; issue a response", runIdP},
		{"sp", "manage the Workspace: orgs, members, SSO connections", runSP},
	}
}

// Run is the signet program. args excludes the program name.
func Run(ctx context.Context, args []string, io IO) int {
	if io.Env == nil {
		io.Env = os.Getenv
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(io.Stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(io.Stderr, c.name, c.run(ctx, io, args[1:]))
		}
	}
	fmt.Fprintf(io.Stderr, "signet: unknown command %q\n\n", args[0])
	printUsage(io.Stderr)
	return ExitUsage
}

func exitCode(stderr io.Writer, name string, err error) int {
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "signet %s: %s\nRun 'signet %s --help' for usage.\n", name, ue.msg, name)
		return ExitUsage
	case errors.Is(err, errReported):
		return ExitError
	default:
		fmt.Fprintf(stderr, "signet %s: %v\n", name, err)
		return ExitError
	}
}

// errReported means the command already printed its own failure.
var errReported = errors.New("reported")

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Signet: single sign-on with SAML 2.0, as an Identity Center (IdP) and a multi-tenant Workspace (SP).")
	fmt.Fprintln(w, "\nUsage: signet <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'signet <command> --help' for the flags of a command. Every flag can also be set")
	fmt.Fprintln(w, "with an environment variable: --database is SIGNET_DATABASE (or SIGNET_DATABASE_URL), --idp-url is SIGNET_IDP_URL, and so on.")
}

// newFlagSet makes a flag set whose errors and help go to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("signet "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: signet %s %s\n\nFlags (each also from SIGNET_<NAME>, e.g. --idp-url from SIGNET_IDP_URL):\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// envAliases are extra environment names for some flags.
var envAliases = map[string][]string{"database": {"SIGNET_DATABASE_URL"}}

// envName is the SIGNET_* variable of a flag.
func envName(flagName string) string {
	return "SIGNET_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig parses a command that takes flags only, then validates c.
func parseConfig(fs *flag.FlagSet, args []string, env Env, c *Config) error {
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return c.Validate()
}

// parseFlags parses args, then fills every flag not given on the command
// line from its environment variable. Problems are usage errors.
func parseFlags(fs *flag.FlagSet, args []string, env Env) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var problems []string
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		for _, name := range append([]string{envName(f.Name)}, envAliases[f.Name]...) {
			v := env(name)
			if v == "" {
				continue
			}
			if err := fs.Set(f.Name, v); err != nil {
				problems = append(problems, fmt.Sprintf("%s=%q: %v", name, v, err))
			}
			return
		}
	})
	if len(problems) > 0 {
		sort.Strings(problems)
		return usageError{"bad environment: " + strings.Join(problems, "; ")}
	}
	return nil
}

// newLogger makes the process logger from --log-level and --log-format.
// It also becomes slog's default, so the libraries that log through the
// default (zitadel/oidc reports refused authorization requests there)
// write in the same format, at the same level, to the same place.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level)) // Config.Validate refused bad levels already
	opts := &slog.HandlerOptions{Level: lv}
	log := slog.New(slog.NewTextHandler(w, opts))
	if format == "json" {
		log = slog.New(slog.NewJSONHandler(w, opts))
	}
	slog.SetDefault(log)
	return log
}
