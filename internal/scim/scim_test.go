// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package scim

import (
	"encoding/json"
	"testing"
)

var pat = Attrs{
	Single: map[string]string{"id": "scu_1", "username": "Pat@corp.example", "externalid": "00uAB", "active": "true"},
	Multi:  map[string][]map[string]string{"emails": {{"value": "pat@corp.example", "type": "work", "primary": "true"}, {"value": "p@home.example", "type": "home"}}},
}

func TestFilters(t *testing.T) {
	for _, tt := range []struct {
		filter string
		want   bool
	}{
		{`userName eq "pat@corp.example"`, true}, // userName is not caseExact
		{`UserName Eq "PAT@CORP.EXAMPLE"`, true},
		{`externalId eq "00uab"`, false}, // externalId is
		{`externalId eq "00uAB"`, true},
		{`emails.value eq "p@home.example"`, true},
		{`emails[type eq "home" and value sw "p@"]`, true},
		{`emails[type eq "home" and value eq "pat@corp.example"]`, false},
		{`userName ew ".example" and not (active eq false)`, true},
		{`displayName pr`, false},
		{`displayName ne "x"`, true},
		{`userName eq "someone" or emails co "home"`, true},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "pat@corp.example"`, true},
	} {
		f, err := ParseFilter(tt.filter)
		if err != nil {
			t.Errorf("%s: %v", tt.filter, err)
			continue
		}
		if got := f.Match(pat); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.filter, got, tt.want)
		}
	}
	for _, bad := range []string{`userName eq`, `userName zz "x"`, `(userName eq "x"`, string(make([]byte, 2000))} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("%q parsed", bad)
		} else if e, ok := err.(*Error); !ok || e.ScimType != "invalidFilter" {
			t.Errorf("%q: %v, want invalidFilter", bad, err)
		}
	}
}

func TestPatchUserShapes(t *testing.T) {
	tests := []struct {
		name, ops string
		check     func(User) bool
	}{
		{"Entra active as a string", `[{"op":"Replace","path":"active","value":"False"}]`, func(u User) bool { return u.Active != nil && !bool(*u.Active) }},
		{"Okta path-less replace", `[{"op":"replace","value":{"active":false,"name.givenName":"Patricia"}}]`,
			func(u User) bool { return !bool(*u.Active) && u.Name.GivenName == "Patricia" }},
		{"email by filter", `[{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@corp.example"}]`,
			func(u User) bool { return u.PrimaryEmail() == "new@corp.example" }},
		{"email of a type not there yet", `[{"op":"add","path":"emails[type eq \"home\"].value","value":"h@home.example"}]`,
			func(u User) bool { return len(u.Emails) == 2 && u.Emails[1].Type == "home" }},
		{"remove a name part", `[{"op":"remove","path":"name.familyName"}]`, func(u User) bool { return u.Name.FamilyName == "" }},
		{"an extension attribute is ignored", `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"x"}}]`,
			func(u User) bool { return u.UserName == "pat" }},
	}
	for _, tt := range tests {
		on := Bool(true)
		u := User{UserName: "pat", Active: &on, Name: &Name{GivenName: "Pat", FamilyName: "Lee"}, Emails: []Email{{Value: "pat@corp.example", Type: "work", Primary: true}}}
		var ops []Operation
		if err := json.Unmarshal([]byte(tt.ops), &ops); err != nil {
			t.Fatal(err)
		}
		if err := PatchUser(&u, ops); err != nil || !tt.check(u) {
			t.Errorf("%s: %v, %+v", tt.name, err, u)
		}
	}
	for name, ops := range map[string]string{
		"unknown op":       `[{"op":"move","path":"active","value":true}]`,
		"remove no path":   `[{"op":"remove"}]`,
		"bad boolean":      `[{"op":"replace","path":"active","value":"yes"}]`,
		"remove userName":  `[{"op":"remove","path":"userName"}]`,
		"unparsable path":  `[{"op":"replace","path":"emails[type eq","value":"x"}]`,
		"value not a text": `[{"op":"replace","path":"userName","value":{"a":1}}]`,
	} {
		var list []Operation
		_ = json.Unmarshal([]byte(ops), &list)
		u := User{UserName: "pat"}
		if err := PatchUser(&u, list); err == nil {
			t.Errorf("%s: accepted", name)
		} else if _, ok := err.(*Error); !ok {
			t.Errorf("%s: %T %v, want a SCIM error", name, err, err)
		}
	}
}

func TestPatchGroupMembers(t *testing.T) {
	g := Group{DisplayName: "G", Members: []Ref{{Value: "a"}, {Value: "b"}}}
	var ops []Operation
	_ = json.Unmarshal([]byte(`[{"op":"add","path":"members","value":[{"value":"c"},{"value":"a"}]},
		{"op":"remove","path":"members[value eq \"b\"]"},
		{"op":"remove","path":"members","value":[{"value":"a"}]}]`), &ops)
	if err := PatchGroup(&g, ops); err != nil || len(g.Members) != 1 || g.Members[0].Value != "c" {
		t.Errorf("members = %v, %v", g.Members, err)
	}
}

// FuzzFilter: any filter text parses or is refused as invalidFilter, and
// matching never panics. Seeds in testdata/fuzz/FuzzFilter.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{`userName eq "a"`, `emails[type eq "work"]`, `not (a pr) or b gt 3`, `x.y.z eq true`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.ScimType != "invalidFilter" {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		flt.Match(pat)
	})
}

// FuzzPatchUser: any PATCH operations apply or are refused with a SCIM
// error, never a panic.
func FuzzPatchUser(f *testing.F) {
	for _, s := range []string{`[{"op":"replace","path":"active","value":"False"}]`, `[{"op":"add","value":{"emails":[{"value":"a@b.c"}]}}]`,
		`[{"op":"remove","path":"emails[value co \"@\"]"}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var ops []Operation
		if json.Unmarshal([]byte(s), &ops) != nil {
			return
		}
		u := User{UserName: "pat"}
		if err := PatchUser(&u, ops); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: %T %v", s, err, err)
			}
		}
	})
}
