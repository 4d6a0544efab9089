// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package scim

import (
	"fmt"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// maxFilterLength bounds a filter: IdPs send short ones.
const maxFilterLength = 1000

// Attrs is a resource as filters see it: single-valued attributes by
// lower-case name ("username", "name.givenname", "active"), and the items
// of multi-valued ones ("emails", "members") with their sub-attributes.
type Attrs struct {
	Single map[string]string
	Multi  map[string][]map[string]string
}

// caseExact are the attributes compared case-sensitively (RFC 7643:
// caseExact true); every other string is compared without case.
var caseExact = map[string]bool{"id": true, "externalid": true, "members.value": true, "value": true}

// Filter is a parsed SCIM filter.
type Filter struct{ expr filter.Expression }

// ParseFilter parses a filter (RFC 7644 §3.4.2.2); "" is no filter (nil).
func ParseFilter(s string) (*Filter, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if len(s) > maxFilterLength {
		return nil, InvalidFilter(fmt.Sprintf("the filter is longer than %d characters", maxFilterLength))
	}
	e, err := filter.ParseFilter([]byte(s))
	if err != nil {
		return nil, InvalidFilter("the filter does not parse: " + err.Error())
	}
	return &Filter{e}, nil
}

// Match reports whether a resource passes the filter (nil passes all).
func (f *Filter) Match(a Attrs) bool {
	return f == nil || matchExpr(f.expr, a.Single, a.Multi)
}

func matchExpr(e filter.Expression, single map[string]string, multi map[string][]map[string]string) bool {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		if e.Operator == filter.AND {
			return matchExpr(e.Left, single, multi) && matchExpr(e.Right, single, multi)
		}
		return matchExpr(e.Left, single, multi) || matchExpr(e.Right, single, multi)
	case *filter.NotExpression:
		return !matchExpr(e.Expression, single, multi)
	case *filter.ValuePath:
		for _, item := range multi[strings.ToLower(e.AttributePath.AttributeName)] {
			if matchExpr(e.ValueFilter, item, nil) {
				return true
			}
		}
		return false
	case *filter.AttributeExpression:
		return matchAttr(*e, single, multi)
	}
	return false
}

// matchAttr compares one attribute: a single value, or any item of a
// multi-valued attribute (its "value" unless a sub-attribute is named).
func matchAttr(e filter.AttributeExpression, single map[string]string, multi map[string][]map[string]string) bool {
	name := strings.ToLower(e.AttributePath.AttributeName)
	sub := strings.ToLower(e.AttributePath.SubAttributeName())
	key := name
	if sub != "" {
		key += "." + sub
	}
	if v, ok := single[key]; ok {
		return compare(key, v, true, e)
	}
	items, ok := multi[name]
	if !ok {
		return e.Operator == filter.NE // an attribute the resource lacks equals nothing
	}
	if sub == "" {
		sub = "value"
	}
	for _, item := range items {
		v, ok := item[sub]
		if compare(name+"."+sub, v, ok, e) {
			return true
		}
	}
	return false
}

func compare(key, v string, present bool, e filter.AttributeExpression) bool {
	if e.Operator == filter.PR {
		return present && v != ""
	}
	want := fmt.Sprint(e.CompareValue)
	if e.CompareValue == nil {
		want = ""
	}
	if !caseExact[key] {
		v, want = strings.ToLower(v), strings.ToLower(want)
	}
	switch e.Operator {
	case filter.EQ:
		return present && v == want
	case filter.NE:
		return !present || v != want
	case filter.CO:
		return present && strings.Contains(v, want)
	case filter.SW:
		return present && strings.HasPrefix(v, want)
	case filter.EW:
		return present && strings.HasSuffix(v, want)
	case filter.GT:
		return present && v > want
	case filter.GE:
		return present && v >= want
	case filter.LT:
		return present && v < want
	case filter.LE:
		return present && v <= want
	}
	return false
}
