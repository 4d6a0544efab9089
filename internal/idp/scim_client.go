// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/signet-sso/signet/internal/scim"
	"github.com/signet-sso/signet/internal/web"
)

// scimTarget is an application's SCIM 2.0 service, called through the
// SSRF-safe client with the application's bearer token.
type scimTarget struct {
	base, token string
	client      *http.Client
}

// maxSCIMAnswer bounds what an application's answer may make us read.
const maxSCIMAnswer = 1 << 20

// pushError is an application's refusal: its status and what it said.
type pushError struct {
	status int
	detail string
}

func (e *pushError) Error() string {
	if e.detail == "" {
		return fmt.Sprintf("the application answered %d %s", e.status, http.StatusText(e.status))
	}
	return fmt.Sprintf("the application answered %d: %s", e.status, e.detail)
}

// statusOf is an error's HTTP status from the application (0: none).
func statusOf(err error) int {
	if e, ok := err.(*pushError); ok {
		return e.status
	}
	return 0
}

// call sends one request and decodes a 2xx answer into out (may be nil).
func (c scimTarget) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", scim.ContentType)
	if body != nil {
		req.Header.Set("Content-Type", scim.ContentType)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s", web.OutboundProblem(err)) // never an internal address
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSCIMAnswer))
	if err != nil {
		return fmt.Errorf("the application's answer could not be read")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e scim.Error
		_ = json.Unmarshal(data, &e) // a SCIM error says why; anything else is just its status
		return &pushError{status: resp.StatusCode, detail: truncate(e.Detail, 200)}
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("the application's answer is not SCIM JSON")
		}
	}
	return nil
}

// findUser returns the ID of the application's user with this userName,
// "" when it has none.
func (c scimTarget) findUser(ctx context.Context, userName string) (string, error) {
	var list struct {
		Resources []struct {
			ID string `json:"id"`
		} `json:"Resources"`
	}
	filter := url.QueryEscape(fmt.Sprintf("userName eq %q", userName))
	if err := c.call(ctx, http.MethodGet, "/Users?filter="+filter, nil, &list); err != nil {
		return "", err
	}
	if len(list.Resources) == 0 {
		return "", nil
	}
	return list.Resources[0].ID, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
