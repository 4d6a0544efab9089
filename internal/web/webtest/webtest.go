// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package webtest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// Client is one browser against the server at Base.
type Client struct {
	t    testing.TB
	Base string
	http *http.Client
}

// NewClient is a browser with an empty cookie jar.
func NewClient(t testing.TB, base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, Base: base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is what came back.
type Response struct {
	Status         int
	Body, Location string
	Header         http.Header
}

// Do sends method to path (relative to Base if it starts with /), with
// form as an urlencoded body if not nil.
func (c *Client) Do(method, path string, form url.Values) Response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.url(path), body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.Send(req)
}

// MustStatus is Do that fails the test unless the status is want.
func (c *Client) MustStatus(want int, method, path string, form url.Values) Response {
	c.t.Helper()
	r := c.Do(method, path, form)
	if r.Status != want {
		c.t.Fatalf("%s %s = %d, want %d\n%s", method, path, r.Status, want, Excerpt(r.Body))
	}
	return r
}

// Upload posts a multipart form with fields and, unless fileField is "",
// file in fileField.
func (c *Client) Upload(path string, fields map[string]string, fileField string, file []byte) Response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			c.t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, "metadata.xml")
		if err != nil {
			c.t.Fatal(err)
		}
		if _, err := fw.Write(file); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", c.url(path), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req)
}

// Send sends req with the browser's cookies.
func (c *Client) Send(req *http.Request) Response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location"), Header: resp.Header}
}

// Jar is the browser's cookie jar.
func (c *Client) Jar() http.CookieJar { return c.http.Jar }

func (c *Client) url(path string) string {
	if strings.HasPrefix(path, "/") {
		return c.Base + path
	}
	return path
}

// Excerpt is the page's main content, cut to 1,500 bytes, for failures.
func Excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}
