// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Limits of metadata fetched from a URL.
const (
	maxFetchBytes = 512 << 10
	fetchTimeout  = 10 * time.Second
)

// ErrAddressNotAllowed means a metadata URL points at an internal address.
var ErrAddressNotAllowed = errors.New("the metadata URL points at a private, loopback or link-local address, which Signet does not fetch. " +
	"Give the metadata as a file or pasted XML instead; or, for a test lab only, the Signet operator can start Signet with --allow-private-metadata-urls (signet demo does)")

// NewFetcher returns an HTTP client for metadata URLs. Unless allowPrivate
// (an operator flag for development), it refuses to connect to loopback,
// private, link-local, multicast and unspecified addresses, checking the
// address actually dialled (so DNS rebinding and redirects cannot get
// around it: SECURITY-CASES 80).
func NewFetcher(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return ErrAddressNotAllowed
		}
		if !publicAddress(ap.Addr()) {
			return ErrAddressNotAllowed
		}
		return nil
	}}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: fetchTimeout, MaxResponseHeaderBytes: 64 << 10, DisableKeepAlives: true}
	return &http.Client{Transport: tr, Timeout: fetchTimeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("too many redirects")
		}
		if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
			return errors.New("redirect to a non-http URL")
		}
		return nil
	}}
}

func publicAddress(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && !a.IsLoopback() && !a.IsPrivate() && !a.IsLinkLocalUnicast() && !a.IsLinkLocalMulticast() &&
		!a.IsMulticast() && !a.IsUnspecified() && !a.IsInterfaceLocalMulticast() &&
		!netip.MustParsePrefix("100.64.0.0/10").Contains(a) && // carrier-grade NAT
		!netip.MustParsePrefix("fc00::/7").Contains(a)
}

// FetchMetadata downloads metadata from an http(s) URL, capped in size and time.
func (s *Service) FetchMetadata(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return nil, errors.New("enter the metadata URL as an http or https URL")
	}
	client := s.Fetch
	if client == nil {
		client = NewFetcher(false)
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml, text/xml")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, ErrAddressNotAllowed) {
			return nil, ErrAddressNotAllowed
		}
		return nil, fmt.Errorf("could not download the metadata: %v", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the metadata URL answered %s", resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes+1))
	if err != nil {
		return nil, fmt.Errorf("could not download the metadata: %v", err)
	}
	if len(b) > maxFetchBytes {
		return nil, fmt.Errorf("the metadata is larger than %d KB", maxFetchBytes>>10)
	}
	return b, nil
}
