// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package scim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// maxOperations bounds one PATCH request.
const maxOperations = 1000

// PatchRequest is a PATCH body (RFC 7644 §3.5.2).
type PatchRequest struct {
	Schemas    []string    `json:"schemas"`
	Operations []Operation `json:"Operations"`
}

// Operation is one PATCH operation. Op is read without case ("Replace",
// as Entra ID sends it).
type Operation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

// Check refuses a body that is not a PatchOp with operations.
func (p PatchRequest) Check() error {
	if !slices.Contains(p.Schemas, SchemaPatch) {
		return InvalidSyntax("a PATCH body names the schema " + SchemaPatch)
	}
	if len(p.Operations) == 0 || len(p.Operations) > maxOperations {
		return InvalidSyntax(fmt.Sprintf("a PATCH body has 1 to %d Operations", maxOperations))
	}
	return nil
}

// parse returns the operation's kind (add, replace or remove) and its
// parsed path (nil when it has none).
func (o Operation) parse() (string, *filter.Path, error) {
	kind := strings.ToLower(o.Op)
	if kind != "add" && kind != "replace" && kind != "remove" {
		return "", nil, InvalidSyntax(fmt.Sprintf("unknown PATCH op %q: use add, replace or remove", o.Op))
	}
	if o.Path == "" {
		return kind, nil, nil
	}
	p, err := filter.ParsePath([]byte(o.Path))
	if err != nil {
		return "", nil, InvalidPath(fmt.Sprintf("the path %q does not parse: %v", o.Path, err))
	}
	return kind, &p, nil
}

func decode(raw json.RawMessage, v any, what string) error {
	if len(raw) == 0 {
		return InvalidValue(what + " needs a value")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		if e, ok := err.(*Error); ok {
			return e
		}
		return InvalidValue(fmt.Sprintf("%s: the value is not what it should be (%v)", what, err))
	}
	return nil
}

// PatchUser applies the operations to u, in order.
func PatchUser(u *User, ops []Operation) error {
	for _, o := range ops {
		kind, p, err := o.parse()
		if err != nil {
			return err
		}
		if p == nil {
			if kind == "remove" {
				return NewError(400, "noTarget", "a remove operation needs a path")
			}
			if err := patchUserObject(u, o.Value); err != nil {
				return err
			}
			continue
		}
		if err := patchUserPath(u, kind, p, o.Value); err != nil {
			return err
		}
	}
	return nil
}

// patchUserObject applies a path-less add or replace: an object of
// attributes, whose keys may themselves be paths ("name.givenName", as
// Entra ID and Okta send).
func patchUserObject(u *User, raw json.RawMessage) error {
	var fields map[string]json.RawMessage
	if err := decode(raw, &fields, "a PATCH without a path"); err != nil {
		return err
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range fields {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		p, err := filter.ParsePath([]byte(k))
		if err != nil {
			continue // an attribute Signet does not keep
		}
		if err := patchUserPath(u, "replace", &p, fields[k]); err != nil {
			return err
		}
	}
	return nil
}

func patchUserPath(u *User, kind string, p *filter.Path, raw json.RawMessage) error {
	attr := strings.ToLower(p.AttributePath.AttributeName)
	sub := strings.ToLower(p.AttributePath.SubAttributeName())
	if p.SubAttribute != nil {
		sub = strings.ToLower(*p.SubAttribute)
	}
	if uri := strings.ToLower(p.AttributePath.URI()); uri != "" && uri != strings.ToLower(SchemaUser) {
		return nil // an extension (enterprise attributes): not kept
	}
	if !slices.Contains(userAttributes, attr) {
		return InvalidPath(fmt.Sprintf("a User has no attribute %q", p.AttributePath.AttributeName))
	}
	remove := kind == "remove"
	var s string
	str := func(what string) error {
		if remove {
			return nil
		}
		return decode(raw, &s, what)
	}
	switch {
	case attr == "active":
		if remove {
			return Mutability("active cannot be removed; set it to false")
		}
		var b Bool
		if err := decode(raw, &b, "active"); err != nil {
			return err
		}
		u.Active = &b
	case attr == "username":
		if remove {
			return Mutability("userName is required")
		}
		if err := str("userName"); err != nil {
			return err
		}
		u.UserName = s
	case attr == "externalid":
		if err := str("externalId"); err != nil {
			return err
		}
		u.ExternalID = s
	case attr == "displayname":
		if err := str("displayName"); err != nil {
			return err
		}
		u.DisplayName = s
	case attr == "name":
		return patchName(u, sub, remove, raw)
	case attr == "emails":
		return patchEmails(u, kind, p, sub, raw)
	}
	return nil // attributes Signet does not keep (title, phoneNumbers, …) are ignored
}

// userAttributes are the core User schema's attributes (RFC 7643 §4.1),
// lower-cased: those Signet does not keep are accepted and ignored, any
// other name is an invalid path.
var userAttributes = []string{"id", "externalid", "meta", "schemas", "username", "name", "displayname", "nickname",
	"profileurl", "title", "usertype", "preferredlanguage", "locale", "timezone", "active", "password", "emails",
	"phonenumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles", "x509certificates"}

func patchName(u *User, sub string, remove bool, raw json.RawMessage) error {
	if u.Name == nil {
		u.Name = &Name{}
	}
	if sub == "" {
		if remove {
			u.Name = nil
			return nil
		}
		return decode(raw, u.Name, "name")
	}
	var s string
	if !remove {
		if err := decode(raw, &s, "name."+sub); err != nil {
			return err
		}
	}
	switch sub {
	case "givenname":
		u.Name.GivenName = s
	case "familyname":
		u.Name.FamilyName = s
	case "formatted":
		u.Name.Formatted = s
	}
	return nil
}

// patchEmails changes the emails: all of them, or those a value filter
// selects (emails[type eq "work"].value).
func patchEmails(u *User, kind string, p *filter.Path, sub string, raw json.RawMessage) error {
	if p.ValueExpression == nil {
		switch {
		case kind == "remove":
			u.Emails = nil
		case sub == "value": // emails.value: the primary one
			var s string
			if err := decode(raw, &s, "emails.value"); err != nil {
				return err
			}
			setPrimaryEmail(u, s)
		default:
			var list []Email
			if err := decode(raw, &list, "emails"); err != nil {
				return err
			}
			if kind == "add" {
				u.Emails = append(u.Emails, list...)
			} else {
				u.Emails = list
			}
		}
		return nil
	}
	match := func(e Email) bool {
		return matchExpr(p.ValueExpression, map[string]string{"value": e.Value, "type": e.Type, "primary": fmt.Sprint(bool(e.Primary))}, nil)
	}
	if kind == "remove" {
		u.Emails = slices.DeleteFunc(u.Emails, match)
		return nil
	}
	var s string
	if err := decode(raw, &s, "emails[…].value"); err != nil {
		var e Email
		if derr := decode(raw, &e, "emails[…]"); derr != nil {
			return err
		}
		s = e.Value
	}
	for i := range u.Emails {
		if match(u.Emails[i]) {
			u.Emails[i].Value = s
			return nil
		}
	}
	// None yet: add one with the filter's type (emails[type eq "work"]).
	e := Email{Value: s, Type: "work", Primary: len(u.Emails) == 0}
	if ae, ok := p.ValueExpression.(*filter.AttributeExpression); ok && strings.EqualFold(ae.AttributePath.AttributeName, "type") {
		e.Type = fmt.Sprint(ae.CompareValue)
	}
	u.Emails = append(u.Emails, e)
	return nil
}

func setPrimaryEmail(u *User, s string) {
	for i := range u.Emails {
		if u.Emails[i].Primary {
			u.Emails[i].Value = s
			return
		}
	}
	if len(u.Emails) > 0 {
		u.Emails[0].Value = s
		return
	}
	u.Emails = []Email{{Value: s, Type: "work", Primary: true}}
}

// PatchGroup applies the operations to g, in order.
func PatchGroup(g *Group, ops []Operation) error {
	for _, o := range ops {
		kind, p, err := o.parse()
		if err != nil {
			return err
		}
		if err := patchGroupOp(g, kind, p, o.Value); err != nil {
			return err
		}
	}
	return nil
}

func patchGroupOp(g *Group, kind string, p *filter.Path, raw json.RawMessage) error {
	if p == nil {
		if kind == "remove" {
			return NewError(400, "noTarget", "a remove operation needs a path")
		}
		var v struct {
			DisplayName *string `json:"displayName"`
			ExternalID  *string `json:"externalId"`
			Members     *[]Ref  `json:"members"`
		}
		if err := decode(raw, &v, "a PATCH without a path"); err != nil {
			return err
		}
		if v.DisplayName != nil {
			g.DisplayName = *v.DisplayName
		}
		if v.ExternalID != nil {
			g.ExternalID = *v.ExternalID
		}
		if v.Members != nil {
			return patchMembers(g, kind, nil, mustJSON(*v.Members))
		}
		return nil
	}
	switch strings.ToLower(p.AttributePath.AttributeName) {
	case "displayname":
		if kind == "remove" {
			return Mutability("displayName is required")
		}
		return decode(raw, &g.DisplayName, "displayName")
	case "externalid":
		if kind == "remove" {
			g.ExternalID = ""
			return nil
		}
		return decode(raw, &g.ExternalID, "externalId")
	case "members":
		return patchMembers(g, kind, p.ValueExpression, raw)
	}
	return InvalidPath(fmt.Sprintf("a Group has no attribute %q to change", p.AttributePath.AttributeName))
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v) // a []Ref always marshals
	return b
}

// patchMembers adds, replaces or removes group members: those listed in
// the value, or (remove) those a filter selects (members[value eq "…"]).
func patchMembers(g *Group, kind string, sel filter.Expression, raw json.RawMessage) error {
	var list []Ref
	if len(raw) > 0 && string(raw) != "null" {
		if err := decode(raw, &list, "members"); err != nil {
			return err
		}
	}
	switch kind {
	case "replace":
		g.Members = list
	case "add":
		for _, m := range list {
			if !slices.ContainsFunc(g.Members, func(x Ref) bool { return x.Value == m.Value }) {
				g.Members = append(g.Members, m)
			}
		}
	case "remove":
		switch {
		case sel != nil:
			g.Members = slices.DeleteFunc(g.Members, func(x Ref) bool {
				return matchExpr(sel, map[string]string{"value": x.Value, "display": x.Display}, nil)
			})
		case list != nil:
			g.Members = slices.DeleteFunc(g.Members, func(x Ref) bool {
				return slices.ContainsFunc(list, func(m Ref) bool { return m.Value == x.Value })
			})
		default:
			g.Members = nil
		}
	}
	return nil
}
