// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/mail"

	"github.com/signet-sso/signet/internal/store/sqlstore"
)

// Config is the configuration of a running Signet. Field comments are the
// user documentation; the flag of each is in its tag.
type Config struct {
	// Role selects which listeners run: all, idp (Identity Center) or sp (Workspace).
	Role string
	// Database is sqlite:PATH or a postgres:// URL.
	Database string
	// IdPURL is the public base URL of the Identity Center; SAML entity IDs
	// and endpoints are built from it.
	IdPURL string
	// SPURL is the public base URL of the Workspace.
	SPURL string
	// IdPAddr is the address the Identity Center listens on.
	IdPAddr string
	// SPAddr is the address the Workspace listens on.
	SPAddr string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is text or json.
	LogFormat string
	// PortalSessionTTL is how long an access-portal sign-in lasts.
	PortalSessionTTL time.Duration
	// AllowPrivateMetadataURLs lets org admins give metadata URLs on private
	// or loopback addresses (development only: it disables the SSRF guard).
	AllowPrivateMetadataURLs bool
	// MetricsAddr is the management listener's address (/metrics,
	// /healthz); "" or "off" runs none.
	MetricsAddr string
	// Drain is how long /readyz answers 503 after SIGTERM before the
	// listeners close, so a load balancer stops sending traffic first.
	Drain time.Duration
	// DNSServer is the DNS server (host:port) that domain verification
	// asks; "" uses the system's resolver.
	DNSServer string
	// SMTPURL names the mail server (smtp://user:password@host:587, or
	// smtps://…:465); SMTPFrom is the address mail comes from. Without
	// them email waits in the outbox (the console's Email page says so).
	SMTPURL, SMTPFrom string
	// DemoMail keeps email in the outbox, shown on the console's Email
	// page, instead of sending it (signet demo).
	DemoMail bool

	location sqlstore.Location
}

// Defaults.
const (
	DefaultIdPURL  = "http://localhost:9000"
	DefaultSPURL   = "http://localhost:8000"
	DefaultIdPAddr = "127.0.0.1:9000"
	DefaultSPAddr  = "127.0.0.1:8000"
	// DefaultMetricsAddr is the management listener of `serve`.
	DefaultMetricsAddr = "127.0.0.1:9100"
)

// databaseFlags registers --database (every command has it).
func (c *Config) databaseFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Database, "database", "sqlite:"+sqlstore.DefaultSQLitePath,
		"where data is kept: sqlite:PATH or postgres://user:pass@host:5432/dbname (also SIGNET_DATABASE_URL)")
}

// urlFlags registers --idp-url and --sp-url.
func (c *Config) urlFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.IdPURL, "idp-url", DefaultIdPURL, "public base URL of the Identity Center (SAML entity IDs and endpoints are built from it)")
	fs.StringVar(&c.SPURL, "sp-url", DefaultSPURL, "public base URL of the Workspace (org entity IDs and ACS URLs are built from it)")
}

// serverFlags registers what a running server needs.
func (c *Config) serverFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.IdPAddr, "idp-addr", DefaultIdPAddr, "address the Identity Center listens on")
	fs.StringVar(&c.SPAddr, "sp-addr", DefaultSPAddr, "address the Workspace listens on")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.DurationVar(&c.PortalSessionTTL, "portal-session", 8*time.Hour, "how long an access-portal sign-in lasts")
	fs.BoolVar(&c.AllowPrivateMetadataURLs, "allow-private-metadata-urls", false,
		"let org admins fetch IdP metadata from private or loopback addresses (development only: turns off the SSRF guard)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", DefaultMetricsAddr, "address of the management listener (/metrics); off for none")
	fs.DurationVar(&c.Drain, "drain", 5*time.Second, "after SIGTERM, how long /readyz answers 503 before the listeners close")
	dnsServerFlag(fs, &c.DNSServer)
	fs.StringVar(&c.SMTPURL, "smtp-url", "", "mail server for the Identity Center's email: smtp://user:password@host:587 (STARTTLS) or smtps://…:465")
	fs.StringVar(&c.SMTPFrom, "smtp-from", "", "the address Signet's email comes from (with --smtp-url)")
}

// dnsServerFlag registers --dns-server.
func dnsServerFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "dns-server", "", "DNS server (host:port) that domain verification asks (default: the system's resolver)")
}

// validateAddrs checks the listen addresses: host:port, and distinct.
func (c *Config) validateAddrs(add func(format string, args ...any)) {
	for _, a := range []struct{ name, val string }{{"--idp-addr", c.IdPAddr}, {"--sp-addr", c.SPAddr}} {
		if a.val == "" {
			continue
		}
		if _, port, err := net.SplitHostPort(a.val); err != nil || port == "" {
			add("%s %q: want host:port, e.g. 127.0.0.1:9000", a.name, a.val)
		}
	}
	if c.IdPAddr != "" && c.IdPAddr == c.SPAddr && (c.Role == "all" || c.Role == "") {
		add("--idp-addr and --sp-addr are both %q: the two roles need different addresses", c.IdPAddr)
	}
	if c.DNSServer != "" {
		if _, port, err := net.SplitHostPort(c.DNSServer); err != nil || port == "" {
			add("--dns-server %q: want host:port, e.g. 127.0.0.1:53", c.DNSServer)
		}
	}
	if c.MetricsAddr != "" && c.MetricsAddr != "off" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			add("--metrics-addr %q: use host:port, or off", c.MetricsAddr)
		} else if c.MetricsAddr == c.IdPAddr || c.MetricsAddr == c.SPAddr {
			add("--metrics-addr %q is also a role's address: the management listener needs its own", c.MetricsAddr)
		}
	}
}

// Validate checks everything at once and reports every problem, one per line.
func (c *Config) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	switch c.Role {
	case "", "all", "idp", "sp":
	default:
		add("--role %q: use all, idp or sp", c.Role)
	}
	if c.Database != "" || c.location.Driver == "" {
		loc, err := sqlstore.ParseLocation(c.Database)
		if err != nil {
			add("--database: %v", err)
		}
		c.location = loc
	}
	for _, u := range []struct{ name, val string }{{"--idp-url", c.IdPURL}, {"--sp-url", c.SPURL}} {
		if u.val == "" {
			continue
		}
		if err := checkBaseURL(u.val); err != nil {
			add("%s %q: %v", u.name, u.val, err)
		}
	}
	c.validateAddrs(add)
	if c.Drain < 0 || c.Drain > 5*time.Minute {
		add("--drain %s: use a duration from 0s to 5m", c.Drain)
	}
	if c.PortalSessionTTL < 0 || c.PortalSessionTTL > 7*24*time.Hour {
		add("--portal-session %s: use a duration up to 168h", c.PortalSessionTTL)
	}
	switch strings.ToLower(c.LogLevel) {
	case "", "debug", "info", "warn", "error":
	default:
		add("--log-level %q: use debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		add("--log-format %q: use text or json", c.LogFormat)
	}
	if c.SMTPURL != "" {
		if _, err := mail.NewSMTP(c.SMTPURL, c.SMTPFrom); err != nil {
			add("%v", err)
		}
	}
	if len(problems) > 0 {
		return usageError{"invalid configuration:\n  - " + strings.Join(problems, "\n  - ")}
	}
	return nil
}

// checkBaseURL accepts an absolute http(s) URL without query or fragment.
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("must start with http:// or https://")
	}
	if u.Host == "" {
		return errors.New("needs a host")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("must not have a query, fragment or user info")
	}
	return nil
}

// Location is the parsed --database (valid after Validate).
func (c *Config) Location() sqlstore.Location { return c.location }

// runsIdP and runsSP report which roles the config runs.
func (c *Config) runsIdP() bool { return c.Role == "" || c.Role == "all" || c.Role == "idp" }
func (c *Config) runsSP() bool  { return c.Role == "" || c.Role == "all" || c.Role == "sp" }
