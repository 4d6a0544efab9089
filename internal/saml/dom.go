// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package saml

import (
	"fmt"
	"iter"
	"time"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// is reports whether el is the element {ns}local. Namespaces are matched
// exactly, by URI, never by prefix (SECURITY-CASES 22–23).
func is(el *xmlsig.Node, ns, local string) bool { return el.Is(ns, local) }

// child returns the first child element {ns}local of el, or nil.
func child(el *xmlsig.Node, ns, local string) *xmlsig.Node { return el.Child(ns, local) }

// children iterates over the child elements {ns}local of el (none when el
// is nil), without building a list.
func children(el *xmlsig.Node, ns, local string) iter.Seq[*xmlsig.Node] {
	return func(yield func(*xmlsig.Node) bool) {
		if el == nil {
			return
		}
		for c := range el.ChildElements() {
			if c.Is(ns, local) && !yield(c) {
				return
			}
		}
	}
}

// count is the number of child elements {ns}local of el (0 when el is nil).
func count(el *xmlsig.Node, ns, local string) int {
	if el == nil {
		return 0
	}
	return el.CountChildren(ns, local)
}

// countDescendants counts elements {ns}local under el (el included),
// skipping the subtrees for which skip returns true.
func countDescendants(el *xmlsig.Node, ns, local string, skip func(*xmlsig.Node) bool) int {
	n := 0
	for e := range el.SkipDescendants(skip) {
		if e.Is(ns, local) {
			n++
		}
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
