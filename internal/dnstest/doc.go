// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Package dnstest runs a real DNS server in the test process (on a
// loopback UDP and TCP port, with github.com/miekg/dns) whose TXT records a
// test sets and removes, so domain verification is tested through
// net.Resolver and the wire protocol, not a fake resolver.
package dnstest
