// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"fmt"
	"time"

	"github.com/beevik/etree"
)

// is reports whether el is the element {ns}local. Namespaces are matched
// exactly, by URI, never by prefix (SECURITY-CASES 22–23).
func is(el *etree.Element, ns, local string) bool {
	return el != nil && el.Tag == local && el.NamespaceURI() == ns
}

// child returns the first child element {ns}local of el, or nil.
func child(el *etree.Element, ns, local string) *etree.Element {
	if el == nil {
		return nil
	}
	for _, c := range el.ChildElements() {
		if is(c, ns, local) {
			return c
		}
	}
	return nil
}

// children returns every child element {ns}local of el.
func children(el *etree.Element, ns, local string) []*etree.Element {
	if el == nil {
		return nil
	}
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if is(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// countDescendants counts elements {ns}local under el (el included),
// skipping the subtrees for which skip returns true.
func countDescendants(el *etree.Element, ns, local string, skip func(*etree.Element) bool) int {
	n := 0
	stack := []*etree.Element{el}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if skip != nil && skip(e) {
			continue
		}
		if is(e, ns, local) {
			n++
		}
		stack = append(stack, e.ChildElements()...)
	}
	return n
}

// parseTime reads an xs:dateTime. SAML times are in UTC "with no time zone
// component" other than Z (SAML core §1.3.3): a value without a zone is
// refused rather than guessed (SECURITY-CASES 32), and so are years outside
// 1970–9999.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("time %q out of range", s)
	}
	return t.UTC(), nil
}

// formatTime writes an xs:dateTime in UTC with millisecond precision.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
