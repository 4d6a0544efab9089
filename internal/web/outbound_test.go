// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSecurityCase95OutboundAddresses: the outbound client refuses every
// non-global address before connecting (the dialer's Control runs before
// connect, so nothing is sent to them), and its refusals and failures
// name no address and no resolver.
func TestSecurityCase95OutboundAddresses(t *testing.T) {
	client := NewOutboundClient(false, 2*time.Second)
	for _, target := range []string{
		"http://127.0.0.1/", "https://[::1]/", "http://10.1.2.3/", "http://192.168.1.1/", "http://172.16.0.1/",
		"http://169.254.169.254/latest/meta-data/", // cloud metadata
		"http://100.64.0.1/",                       // CGNAT
		"http://0.1.2.3/",                          // "this network"
		"http://198.18.0.1/",                       // benchmarking
		"http://240.0.0.1/",                        // reserved
		"http://[64:ff9b::7f00:1]/",                // NAT64 of 127.0.0.1
		"http://[2002:7f00:1::]/",                  // 6to4 of 127.0.0.1
		"http://[::127.0.0.1]/",                    // IPv4-compatible
		"http://[::ffff:127.0.0.1]/",               // IPv4-mapped
		"http://[fec0::1]/",                        // site-local
		"http://[fc00::1]/",                        // unique local
		"http://[fe80::1]/",                        // link-local
		"https://127.0.0.1:8443/metadata",          // any port
	} {
		_, err := client.Get(target)
		if !errors.Is(err, ErrAddressNotAllowed) {
			t.Errorf("GET %s = %v, want ErrAddressNotAllowed", target, err)
			continue
		}
		if msg := OutboundProblem(err); strings.ContainsAny(msg, "0123456789") {
			t.Errorf("the refusal of %s shows an address: %q", target, msg)
		}
	}
	// The operator's lab switch lets loopback through.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	if resp, err := NewOutboundClient(true, 2*time.Second).Get(srv.URL); err != nil {
		t.Errorf("with private addresses allowed: %v", err)
	} else {
		resp.Body.Close()
	}
}

func TestOutboundProblemHidesAddresses(t *testing.T) {
	for _, err := range []error{
		&net.DNSError{Err: "no such host", Name: "idp.corp.example", Server: "10.255.255.53:53", IsNotFound: true},
		&net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.ParseIP("203.0.113.9"), Port: 443}, Err: syscall.ECONNREFUSED},
		context.DeadlineExceeded,
		errors.New("tls: handshake failure with 203.0.113.9"),
	} {
		if msg := OutboundProblem(err); strings.ContainsAny(msg, "0123456789:") || msg == "" {
			t.Errorf("OutboundProblem(%v) = %q", err, msg)
		}
	}
}
