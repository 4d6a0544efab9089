// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
)

// ErrAddressNotAllowed means an outbound request would reach a private,
// loopback, link-local, shared, benchmarking, reserved or translated
// address (SECURITY-CASES 80, 95).
var ErrAddressNotAllowed = errors.New("the URL points at a private or reserved address, which Signet does not connect to")

// NewOutboundClient is the one HTTP client for requests Signet makes on
// someone's behalf (metadata URLs; later SCIM pushes and webhooks). Unless
// allowPrivate (an operator's flag for labs), its dialer connects only to
// global unicast addresses, checked on the address actually dialled, so
// neither DNS rebinding nor a redirect gets around it; NAT64, 6to4,
// IPv4-compatible and -mapped forms are refused with the rest.
func NewOutboundClient(allowPrivate bool, timeout time.Duration) *http.Client {
	guard := ssrf.New(ssrf.WithAnyPort())
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, c syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		if err := guard.Safe(network, address, c); err != nil {
			return ErrAddressNotAllowed
		}
		return nil
	}}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second, Proxy: nil,
		ResponseHeaderTimeout: timeout, MaxResponseHeaderBytes: 64 << 10, DisableKeepAlives: true}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("too many redirects")
		}
		if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
			return errors.New("a redirect to a URL that is not http or https")
		}
		return nil
	}}
}

// OutboundProblem words a failed outbound request for people: the kind of
// failure, never an address, a port or the resolver that was asked.
func OutboundProblem(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, ErrAddressNotAllowed):
		return ErrAddressNotAllowed.Error()
	case errors.As(err, &dnsErr):
		return "the URL's host name could not be found"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "the server did not answer in time"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the server refused the connection"
	}
	return "the server could not be reached"
}
