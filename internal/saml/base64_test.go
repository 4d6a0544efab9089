// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// TestDecodeBase64 covers the fast path (no whitespace, or only line
// breaks, which the decoder skips) and the slow one (spaces and tabs
// removed first): both give the same bytes, and bad or oversized input is
// refused with its code either way.
func TestDecodeBase64(t *testing.T) {
	msg := bytes.Repeat([]byte("<samlp:Response/>"), 40)
	enc := base64.StdEncoding.EncodeToString(msg)
	wrapped := func(sep string) string {
		var b strings.Builder
		for i := 0; i < len(enc); i += 64 {
			b.WriteString(enc[i:min(i+64, len(enc))])
			b.WriteString(sep)
		}
		return b.String()
	}
	cases := []struct {
		name, in string
		max      int
		code     Code // "" for success
	}{
		{"one line", enc, 1 << 20, ""},
		{"CRLF lines", wrapped("\r\n"), 1 << 20, ""},
		{"LF lines", wrapped("\n"), 1 << 20, ""},
		{"space-separated", wrapped(" "), 1 << 20, ""},
		{"tabs and spaces", " \t" + wrapped("\t \n"), 1 << 20, ""},
		{"not base64", enc[:40] + "*" + enc[41:], 1 << 20, CodeMalformed},
		{"not base64 with spaces", wrapped(" ") + "!", 1 << 20, CodeMalformed},
		{"cut short", enc[:len(enc)-1], 1 << 20, CodeMalformed},
		{"decoded over the limit", enc, len(msg) - 1, CodeTooLarge},
		{"decoded over the limit with spaces", wrapped(" "), len(msg) - 1, CodeTooLarge},
		{"far over the limit before decoding", enc, 100, CodeTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeBase64([]byte(c.in), c.max)
			if c.code == "" {
				if err != nil || !bytes.Equal(got, msg) {
					t.Fatalf("DecodeBase64 = %q, %v; want the message", got, err)
				}
				return
			}
			if code := CodeOf(err); code != c.code {
				t.Fatalf("DecodeBase64 error = %v (%s), want %s", err, code, c.code)
			}
		})
	}
}
