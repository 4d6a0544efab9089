// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// variables lists the ${user:…} variables a mapping may use, with what each
// holds, for the editor's help text.
var variables = []struct{ Name, Meaning string }{
	{"email", "the user's primary email"},
	{"subject", "a stable, opaque identifier of the user"},
	{"name", "the display name"},
	{"preferredUsername", "the username"},
	{"givenName", "the first name"},
	{"familyName", "the last name"},
	{"middleName", "the middle name"},
	{"groups", "the names of the user's groups (one value each)"},
}

// subjectFormats are the Subject row's formats; attributeFormats the other rows'.
var (
	subjectFormats   = []string{"unspecified", "emailAddress", "persistent", "transient"}
	attributeFormats = []string{"unspecified", "basic", "uri"}
)

// Default mapping of a new app: AWS's.
const (
	DefaultSubjectValue  = "${user:subject}"
	DefaultSubjectFormat = "persistent"
)

var variablePattern = regexp.MustCompile(`\$\{user:([A-Za-z]*)\}`)

// userFacts are the values of the variables for one user.
type userFacts struct {
	values map[string]string
	groups []string
}

func factsOf(u store.User, groups []store.Group) userFacts {
	name := u.DisplayName
	if name == "" {
		name = strings.TrimSpace(u.GivenName + " " + u.FamilyName)
	}
	f := userFacts{values: map[string]string{
		"email": u.Email, "subject": u.ID, "name": name, "preferredUsername": u.Username,
		"givenName": u.GivenName, "familyName": u.FamilyName, "middleName": "",
	}}
	for _, g := range groups {
		f.groups = append(f.groups, g.Name)
	}
	return f
}

func knownVariable(name string) bool {
	for _, v := range variables {
		if v.Name == name {
			return true
		}
	}
	return false
}

// UnknownVariables returns the ${user:…} names in value that Signet does
// not know; they are sent literally, so the editor warns about them.
func UnknownVariables(value string) []string {
	var out []string
	for _, m := range variablePattern.FindAllStringSubmatch(value, -1) {
		if !knownVariable(m[1]) {
			out = append(out, m[0])
		}
	}
	return out
}

// expand resolves value for a user. A value that is exactly ${user:groups}
// gives one value per group; elsewhere groups are joined with commas.
// Unknown variables stay as literal text (as AWS does); known variables
// whose attribute is empty resolve to empty, and are named in empties.
func expand(value string, f userFacts) (values []string, empties []string) {
	if strings.TrimSpace(value) == "${user:groups}" {
		if len(f.groups) == 0 {
			return []string{}, []string{"groups"}
		}
		return append([]string(nil), f.groups...), nil
	}
	out := variablePattern.ReplaceAllStringFunc(value, func(m string) string {
		name := m[len("${user:") : len(m)-1]
		if !knownVariable(name) {
			return m
		}
		var v string
		if name == "groups" {
			v = strings.Join(f.groups, ",")
		} else {
			v = f.values[name]
		}
		if v == "" {
			empties = append(empties, name)
		}
		return v
	})
	return []string{out}, empties
}

// Resolved is what an application's mappings give for one user.
type Resolved struct {
	NameID       string
	NameIDFormat string // URI
	Attributes   []saml.Attribute
	Rows         []ResolvedRow // the mapping table, for the preview
	// NoAccess is set when no assertion may be issued, and says why.
	NoAccess string
}

// ResolvedRow is one row of the preview table.
type ResolvedRow struct {
	Attribute string // "Subject" or the attribute's name
	Mapping   string
	Format    string
	Values    []string
	Note      string
}

// resolve applies an app's mapping to a user.
func resolve(app store.App, mappings []store.AttributeMapping, f userFacts) Resolved {
	var r Resolved
	vals, empties := expand(app.SubjectValue, f)
	r.NameID = strings.TrimSpace(strings.Join(vals, ","))
	r.NameIDFormat = saml.NameIDFormat(app.SubjectFormat)
	row := ResolvedRow{Attribute: "Subject", Mapping: app.SubjectValue, Format: app.SubjectFormat, Values: vals}
	if r.NameID == "" {
		r.NoAccess = emptySubjectReason(empties)
		row.Note = r.NoAccess
	}
	if unknown := UnknownVariables(app.SubjectValue); len(unknown) > 0 {
		row.Note = fmt.Sprintf("%s is not a known variable and is sent as literal text", strings.Join(unknown, ", "))
	}
	r.Rows = append(r.Rows, row)
	for _, m := range mappings {
		vals, empties := expand(m.Value, f)
		r.Attributes = append(r.Attributes, saml.Attribute{Name: m.Name, NameFormat: saml.AttrNameFormat(m.Format), Values: vals})
		row := ResolvedRow{Attribute: m.Name, Mapping: m.Value, Format: m.Format, Values: vals}
		switch unknown := UnknownVariables(m.Value); {
		case len(unknown) > 0:
			row.Note = fmt.Sprintf("%s is not a known variable and is sent as literal text", strings.Join(unknown, ", "))
		case len(empties) > 0:
			row.Note = fmt.Sprintf("empty: the user has no %s", strings.Join(empties, ", "))
		}
		r.Rows = append(r.Rows, row)
	}
	return r
}

func emptySubjectReason(empties []string) string {
	for _, e := range empties {
		if e == "email" {
			return "the user has no primary email, and the application's Subject is mapped to ${user:email}"
		}
	}
	if len(empties) > 0 {
		return fmt.Sprintf("the application's Subject mapping resolves to an empty value for this user (no %s)", strings.Join(empties, ", "))
	}
	return "the application's Subject mapping resolves to an empty value for this user"
}
