// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxFormBytes is net/http's own bound on a urlencoded body that has no
// http.MaxBytesReader of its own.
const maxFormBytes = 10 << 20

// maxFastFormParams bounds the parameters the fast path parses; a body with
// more goes to url.ParseQuery, with its limits.
const maxFastFormParams = 16

// ParseForm is r.ParseForm — the same values in r.PostForm and r.Form, the
// same errors — made cheap for a urlencoded POST of a few large values,
// such as an ACS's base64 SAML message (about 14 KB): the body is read into
// one buffer sized from its announced length (at most 64 KB before the bytes
// arrive), and each value is unescaped a run at a time rather than a byte at
// a time, which through net/url cost 50 µs of a sign-in. Anything else is
// r.ParseForm's.
func ParseForm(r *http.Request) error {
	if r.PostForm != nil || r.Method != http.MethodPost || r.Body == nil || !urlencoded(r.Header.Get("Content-Type")) {
		return r.ParseForm()
	}
	body, err := readBody(io.LimitReader(r.Body, maxFormBytes+1), r.ContentLength)
	if err == nil && len(body) > maxFormBytes {
		err = errors.New("http: POST too large")
	}
	vs := make(url.Values) // as net/http: a body that cannot be read gives no values
	if err == nil {
		vs, err = ParseQuery(string(body))
	}
	r.PostForm = vs
	if qerr := r.ParseForm(); err == nil { // merges the URL's query into r.Form
		err = qerr
	}
	return err
}

// urlencoded reports whether the Content-Type is a urlencoded form.
func urlencoded(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// maxPreallocated bounds what readBody allocates before the body's bytes
// arrive: a Content-Length is only the client's claim, and a stranger
// announcing megabytes must not make every request allocate them.
const maxPreallocated = 64 << 10

// readBody reads r to its end, in one allocation when size (the announced
// Content-Length, -1 if unknown) is right and small; otherwise the buffer
// grows as the bytes come.
func readBody(r io.Reader, size int64) ([]byte, error) {
	if size < 0 {
		size = 512
	}
	b := make([]byte, 0, min(size, maxPreallocated)+1) // +1: the read that finds the end needs room
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// ParseQuery is url.ParseQuery — the same values and the same first error —
// for a query of at most a few parameters; a longer one is url.ParseQuery's.
func ParseQuery(query string) (url.Values, error) {
	if strings.Count(query, "&") >= maxFastFormParams {
		return url.ParseQuery(query)
	}
	m := make(url.Values)
	var err error
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if strings.Contains(pair, ";") {
			err = errors.New("invalid semicolon separator in query")
			continue
		}
		if pair == "" {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		key, err1 := unescapeQuery(key)
		if err1 == nil {
			value, err1 = unescapeQuery(value)
		}
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		m[key] = append(m[key], value)
	}
	return m, err
}

// unescapeQuery is url.QueryUnescape, copying the runs between escapes
// whole (a base64 value has an escape every 30 bytes or so).
func unescapeQuery(s string) (string, error) {
	pct, plus := strings.IndexByte(s, '%'), strings.IndexByte(s, '+')
	if pct < 0 && plus < 0 {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for pct >= 0 || plus >= 0 {
		if plus >= 0 && (pct < 0 || plus < pct) {
			b.WriteString(s[i:plus])
			b.WriteByte(' ')
			i = plus + 1
			plus = indexFrom(s, i, '+')
			continue
		}
		if pct+2 >= len(s) || !isHex(s[pct+1]) || !isHex(s[pct+2]) {
			return "", url.EscapeError(s[pct:min(pct+3, len(s))])
		}
		b.WriteString(s[i:pct])
		b.WriteByte(unhex(s[pct+1])<<4 | unhex(s[pct+2]))
		i = pct + 3
		pct = indexFrom(s, i, '%')
	}
	b.WriteString(s[i:])
	return b.String(), nil
}

// indexFrom is the index of c in s at or after from, or -1.
func indexFrom(s string, from int, c byte) int {
	if j := strings.IndexByte(s[from:], c); j >= 0 {
		return from + j
	}
	return -1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}
