// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// formCases are bodies and queries where ParseQuery must agree with
// url.ParseQuery, hostile ones included.
var formCases = []string{
	"",
	"SAMLResponse=PHNhbWw%2BPC9zYW1sPg%3D%3D&RelayState=%2Forgs%2Facme",
	"a=1&a=2&b=&=c&&d",
	"a=b+c%20d+%2B",
	"a=%",
	"a=%4",
	"a=%zz&b=2",
	"a=%41%",
	"%=1&b=2",
	"a=1;b=2&c=3",
	"a=1&b=%G0&c=%%&d=4",
	"k%00=v%ff%FE",
	"a=%2",
	"+=+&%2B=%2b",
	"a==b=c",
	"a=\xff\xfe&b=é",
	strings.Repeat("x=1&", 20), // past the fast path's parameter count
	strings.Repeat("a%", 10),
}

func TestParseQueryMatchesNetURL(t *testing.T) {
	for _, q := range formCases {
		checkParseQuery(t, q)
	}
}

func checkParseQuery(t *testing.T, q string) {
	t.Helper()
	want, wantErr := url.ParseQuery(q)
	got, err := ParseQuery(q)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Errorf("ParseQuery(%q) error = %v, url.ParseQuery's = %v", q, err, wantErr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseQuery(%q) values differ from url.ParseQuery's (-want +got):\n%s", q, diff)
	}
}

// FuzzParseQuery checks ParseQuery against url.ParseQuery on any input;
// its seeds (testdata/fuzz and formCases) run in every go test.
func FuzzParseQuery(f *testing.F) {
	for _, q := range formCases {
		f.Add(q)
	}
	f.Fuzz(checkParseQuery)
}

// TestParseFormMatchesNetHTTP posts the same requests to ParseForm and to
// r.ParseForm and compares what each leaves in the request and returns.
func TestParseFormMatchesNetHTTP(t *testing.T) {
	big := make([]byte, 10_000)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	acsBody := url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString(big)}, "RelayState": {"/orgs/acme?x=1"}}.Encode()
	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name, method, target, contentType, body string
		unknownLength, limit                    bool
	}{
		{name: "ACS post", method: "POST", target: "/acs", contentType: form, body: acsBody},
		{name: "unknown length", method: "POST", target: "/acs", contentType: form, body: acsBody, unknownLength: true},
		{name: "charset parameter", method: "POST", target: "/acs", contentType: form + "; charset=UTF-8", body: "a=1"},
		{name: "query and body", method: "POST", target: "/acs?a=q&z=%zz", contentType: form, body: "a=b&c=%41"},
		{name: "bad escape in body", method: "POST", target: "/acs?a=q", contentType: form, body: "a=%G1&b=2"},
		{name: "semicolon", method: "POST", target: "/acs", contentType: form, body: "a=1;b=2&c=3"},
		{name: "over the body limit", method: "POST", target: "/acs", contentType: form, body: acsBody, limit: true},
		{name: "multipart", method: "POST", target: "/acs?a=1", contentType: "multipart/form-data; boundary=x", body: "--x--"},
		{name: "no content type", method: "POST", target: "/acs", body: "a=1"},
		{name: "bad content type", method: "POST", target: "/acs", contentType: "application/x-www-form-urlencoded; ;", body: "a=1"},
		{name: "PUT", method: "PUT", target: "/acs", contentType: form, body: "a=1"},
		{name: "GET", method: "GET", target: "/acs?SAMLResponse=abc", body: ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			newRequest := func() *http.Request {
				var body io.Reader = strings.NewReader(c.body)
				if c.unknownLength {
					body = io.MultiReader(body) // hides the length from NewRequest
				}
				r := httptest.NewRequest(c.method, c.target, body)
				if c.contentType != "" {
					r.Header.Set("Content-Type", c.contentType)
				}
				if c.limit {
					r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 100)
				}
				return r
			}
			want, got := newRequest(), newRequest()
			wantErr := want.ParseForm()
			err := ParseForm(got)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("error = %v, net/http's = %v", err, wantErr)
			}
			var maxErr *http.MaxBytesError
			if c.limit && !errors.As(err, &maxErr) {
				t.Errorf("error = %v, want an *http.MaxBytesError", err)
			}
			if diff := cmp.Diff(want.PostForm, got.PostForm); diff != "" {
				t.Errorf("PostForm differs (-net/http +ours):\n%s", diff)
			}
			if diff := cmp.Diff(want.Form, got.Form); diff != "" {
				t.Errorf("Form differs (-net/http +ours):\n%s", diff)
			}
		})
	}
}

// TestParseFormTrustsNoContentLength: a request announcing 10 MB and
// sending a few bytes costs what it sent, not what it announced
// (unauthenticated traffic never causes unbounded work).
func TestParseFormTrustsNoContentLength(t *testing.T) {
	r := httptest.NewRequest("POST", "/acs", strings.NewReader("SAMLResponse=abc"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.ContentLength = maxFormBytes
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := ParseForm(r)
	runtime.ReadMemStats(&after)
	if err != nil || r.PostForm.Get("SAMLResponse") != "abc" {
		t.Fatalf("ParseForm = %v, SAMLResponse %q", err, r.PostForm.Get("SAMLResponse"))
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("parsing a 16-byte body that claimed %d bytes allocated %d bytes", maxFormBytes, n)
	}
}

func BenchmarkParseForm(b *testing.B) {
	big := make([]byte, 10_000)
	if _, err := rand.Read(big); err != nil {
		b.Fatal(err)
	}
	body := []byte(url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString(big)}, "RelayState": {"/orgs/acme"}}.Encode())
	for _, impl := range []struct {
		name  string
		parse func(*http.Request) error
	}{{"signet", ParseForm}, {"net-http", (*http.Request).ParseForm}} {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("POST", "/acs", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if err := impl.parse(r); err != nil || len(r.PostForm.Get("SAMLResponse")) < 13_000 {
					b.Fatal(err)
				}
			}
		})
	}
}
