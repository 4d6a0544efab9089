// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/store"
)

// scimStep is one request of a recorded IdP sequence (testdata/scim).
type scimStep struct {
	Note     string          `json:"note"`
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Body     json.RawMessage `json:"body"`
	Status   int             `json:"status"`
	SCIMType string          `json:"scimType"`
	Save     string          `json:"save"`
	Expect   map[string]any  `json:"expect"`
}

// TestSCIMSequences replays the request sequences Okta and Microsoft Entra
// ID send, as their documentation shows them, against an org's SCIM server.
func TestSCIMSequences(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scim", "*.json"))
	if err != nil || len(files) < 2 {
		t.Fatalf("sequences: %v %v", files, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var steps []scimStep
			if err := json.Unmarshal(raw, &steps); err != nil {
				t.Fatal(err)
			}
			w := newWorld(t)
			c := scimFor(t, w, w.acme)
			saved := map[string]string{}
			fill := func(s string) string {
				for k, v := range saved {
					s = strings.ReplaceAll(s, "{{"+k+"}}", v)
				}
				return s
			}
			for i, st := range steps {
				body := ""
				if len(st.Body) > 0 {
					body = fill(string(st.Body))
				}
				status, out, _ := c.do(st.Method, fill(st.Path), body)
				if status != st.Status || (st.SCIMType != "" && out["scimType"] != st.SCIMType) {
					t.Fatalf("step %d (%s): %s %s = %d %v, want %d %s", i+1, st.Note, st.Method, st.Path, status, out, st.Status, st.SCIMType)
				}
				if st.Save != "" {
					saved[st.Save], _ = out["id"].(string)
				}
				for path, want := range st.Expect {
					got := lookup(out, path)
					if s, ok := want.(string); ok {
						want = fill(s)
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("step %d (%s): %s = %v, want %v", i+1, st.Note, path, got, want)
					}
				}
			}
		})
	}
}

// lookup reads a dotted path ("emails.0.value") from decoded JSON; nil
// when any part is missing.
func lookup(v any, path string) any {
	for part := range strings.SplitSeq(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	if l, ok := v.([]any); ok && len(l) == 0 {
		return nil
	}
	return v
}

// TestSCIMHostileInputs: requests an attacker (or a broken IdP) might send
// get the SCIM error each deserves, and change nothing: not the users,
// groups and members of either org, not the event log.
func TestSCIMHostileInputs(t *testing.T) {
	w := newWorld(t)
	acme, beta := scimFor(t, w, w.acme), scimFor(t, w, w.beta)
	pat := acme.want(201, "", "POST", "/Users", oktaUser)["id"].(string)
	eng := acme.want(201, "", "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Eng","members":[{"value":"`+pat+`"}]}`)["id"].(string)
	betaUser := beta.want(201, "", "POST", "/Users", strings.ReplaceAll(oktaUser, "corp.example", "beta.example"))["id"].(string)

	snapshot := func() string {
		var b strings.Builder
		for _, c := range []scimClient{acme, beta} {
			for _, p := range []string{"/Users", "/Groups"} {
				_, out, _ := c.do("GET", p, "")
				delete(out, "itemsPerPage")
				fmt.Fprintln(&b, out)
			}
		}
		for _, o := range []string{w.acme.ID, w.beta.ID} {
			members, _, err := w.st.ListMembers(t.Context(), o, store.ListOptions{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, members)
		}
		events, err := w.st.EventsAfter(t.Context(), "", 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, len(events))
		return b.String()
	}
	before := snapshot()
	huge := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"big@corp.example","displayName":"` + strings.Repeat("A", 10<<20) + `"}`
	for _, tc := range []struct {
		name               string
		c                  scimClient
		method, path, body string
		status             int
		scimType           string
	}{
		{"another org's token writing", scimClient{t: t, w: w, org: "acme", token: beta.token}, "POST", "/Users", oktaUser, 401, ""},
		{"another org's user by ID", acme, "PUT", "/Users/" + betaUser, oktaUser, 404, ""},
		{"another org's user deleted by ID", acme, "DELETE", "/Users/" + betaUser, "", 404, ""},
		{"a 10 MB request", acme, "POST", "/Users", huge, 413, ""},
		{"a duplicate userName, in other case", acme, "POST", "/Users", strings.Replace(oktaUser, `"userName":"pat@corp.example"`, `"userName":"PAT@Corp.Example"`, 1), 409, "uniqueness"},
		{"an unknown attribute as a PATCH path", acme, "PATCH", "/Users/" + pat, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"favouriteColour","value":"blue"}]}`, 400, "invalidPath"},
		{"an unknown attribute on a group", acme, "PATCH", "/Groups/" + eng, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"owner","value":"x"}]}`, 400, "invalidPath"},
		{"a group of another org's user", acme, "PUT", "/Groups/" + eng, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Eng","members":[{"value":"` + betaUser + `"}]}`, 400, "invalidValue"},
		{"a wrongly typed value", acme, "PATCH", "/Users/" + pat, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":{"$ne":null}}]}`, 400, "invalidValue"},
		{"a control character in userName", acme, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"eve\u0000@corp.example"}`, 400, "invalidValue"},
		{"a filter that does not parse", acme, "GET", "/Users?filter=" + url.QueryEscape(`userName eq "a" or (`), "", 400, "invalidFilter"},
		{"a filter too long to parse", acme, "GET", "/Users?filter=" + url.QueryEscape(strings.Repeat("(", 600)+`userName eq "a"`+strings.Repeat(")", 600)), "", 400, "invalidFilter"},
		{"a bad startIndex", acme, "GET", "/Users?startIndex=-5&count=abc", "", 400, "invalidValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out, _ := tc.c.do(tc.method, tc.path, tc.body)
			if status != tc.status || (tc.scimType != "" && out["scimType"] != tc.scimType) {
				t.Errorf("%s %s = %d %v, want %d %s", tc.method, tc.path, status, out, tc.status, tc.scimType)
			}
		})
	}
	// Filters that try to escape their string match nothing.
	for _, f := range []string{`userName eq "x\" or \"1\" eq \"1"`, `userName eq "' OR '1'='1' --"`, `userName eq "pat@corp.example\u0000"`} {
		if out := acme.want(200, "", "GET", "/Users?filter="+url.QueryEscape(f), ""); out["totalResults"] != float64(0) {
			t.Errorf("filter %s matched %v", f, out["totalResults"])
		}
	}
	if after := snapshot(); after != before {
		t.Errorf("hostile requests changed stored data:\nbefore %s\nafter  %s", before, after)
	}
}
