// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/signet-sso/signet/internal/web"
)

// Limits of metadata fetched from a URL.
const (
	maxFetchBytes = 512 << 10
	fetchTimeout  = 10 * time.Second
)

// ErrAddressNotAllowed means a metadata URL points at an internal address.
var ErrAddressNotAllowed = web.ErrAddressNotAllowed

// NewFetcher returns an HTTP client for metadata URLs: the one outbound
// client with the SSRF guard (web.NewOutboundClient), unless allowPrivate
// (an operator flag for development).
func NewFetcher(allowPrivate bool) *http.Client {
	return web.NewOutboundClient(allowPrivate, fetchTimeout)
}

// errPrivateMetadataURL explains a refused metadata URL to an org admin.
var errPrivateMetadataURL = fmt.Errorf("%w. Give the metadata as a file or pasted XML instead; or, for a test lab only, "+
	"the Signet operator can start Signet with --allow-private-metadata-urls (signet demo does)", ErrAddressNotAllowed)

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
			return nil, errPrivateMetadataURL
		}
		return nil, fmt.Errorf("could not download the metadata: %s", web.OutboundProblem(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the metadata URL answered %s", resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes+1))
	if err != nil {
		return nil, fmt.Errorf("could not download the metadata: %s", web.OutboundProblem(err))
	}
	if len(b) > maxFetchBytes {
		return nil, fmt.Errorf("the metadata is larger than %d KB", maxFetchBytes>>10)
	}
	return b, nil
}
