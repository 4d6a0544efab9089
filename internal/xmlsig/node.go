// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package xmlsig

import (
	"iter"
	"strings"
)

// Kind is what a [Node] is.
type Kind uint8

// Node kinds.
const (
	ElementNode Kind = iota
	TextNode         // character data, CDATA sections included
	CommentNode
	ProcInstNode // Target holds the target, Text the data
)

// Well-known namespaces.
const (
	NSXML     = "http://www.w3.org/XML/1998/namespace"
	NSXMLNS   = "http://www.w3.org/2000/xmlns/"
	NSDSig    = "http://www.w3.org/2000/09/xmldsig#"
	NSExcC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
)

// Attr is an attribute other than a namespace declaration.
type Attr struct {
	Prefix, Local string
	NS            string // the namespace name ("" when unprefixed)
	Value         string // normalized, references resolved
}

// NSDecl is a namespace declaration: xmlns="URI" (Prefix "") or
// xmlns:p="URI".
type NSDecl struct {
	Prefix, URI string
}

// Node is an element, a run of text, a comment or a processing
// instruction. Trees are linked lists: a node knows its parent, its first
// and last child, and its next sibling.
type Node struct {
	Kind Kind
	// Elements: the name as written and its namespace name.
	Prefix, Local, NS string
	Attrs             []Attr
	Decls             []NSDecl
	// Text is the character data of a text node, the content of a
	// comment, or the data of a processing instruction.
	Text   string
	Target string

	parent, first, last, next *Node
	slab                      *slab // where the builder takes n's new children from
}

// Parent is the parent element, nil for the root.
func (n *Node) Parent() *Node { return n.parent }

// FullTag is the element's name as written (prefix:local).
func (n *Node) FullTag() string {
	if n.Prefix == "" {
		return n.Local
	}
	return n.Prefix + ":" + n.Local
}

// hasTag reports whether name is n's name as written, without building it.
func (n *Node) hasTag(name string) bool {
	if n.Prefix == "" {
		return name == n.Local
	}
	return len(name) == len(n.Prefix)+1+len(n.Local) && name[len(n.Prefix)] == ':' &&
		name[:len(n.Prefix)] == n.Prefix && name[len(n.Prefix)+1:] == n.Local
}

// appendTag appends n's name as written.
func (n *Node) appendTag(dst []byte) []byte {
	if n.Prefix != "" {
		dst = append(append(dst, n.Prefix...), ':')
	}
	return append(dst, n.Local...)
}

// Is reports whether n is the element {ns}local. Namespaces are matched by
// name, never by prefix.
func (n *Node) Is(ns, local string) bool {
	return n != nil && n.Kind == ElementNode && n.Local == local && n.NS == ns
}

// Nodes iterates over n's children of every kind, in document order.
func (n *Node) Nodes() iter.Seq[*Node] {
	return func(yield func(*Node) bool) {
		if n == nil {
			return
		}
		for c := n.first; c != nil; c = c.next {
			if !yield(c) {
				return
			}
		}
	}
}

// ChildElements iterates over n's child elements in document order.
func (n *Node) ChildElements() iter.Seq[*Node] {
	return func(yield func(*Node) bool) {
		if n == nil {
			return
		}
		for c := n.first; c != nil; c = c.next {
			if c.Kind == ElementNode && !yield(c) {
				return
			}
		}
	}
}

// Child is the first child element {ns}local of n, or nil.
func (n *Node) Child(ns, local string) *Node {
	if n == nil {
		return nil
	}
	for c := n.first; c != nil; c = c.next {
		if c.Is(ns, local) {
			return c
		}
	}
	return nil
}

// CountChildren counts n's child elements {ns}local.
func (n *Node) CountChildren(ns, local string) int {
	k := 0
	for c := range n.ChildElements() {
		if c.Is(ns, local) {
			k++
		}
	}
	return k
}

// NumChildElements counts n's child elements.
func (n *Node) NumChildElements() int {
	k := 0
	for range n.ChildElements() {
		k++
	}
	return k
}

// Attr returns the unprefixed attribute name, or nil.
func (n *Node) Attr(name string) *Attr {
	if n == nil {
		return nil
	}
	for i := range n.Attrs {
		if a := &n.Attrs[i]; a.Prefix == "" && a.Local == name {
			return a
		}
	}
	return nil
}

// AttrValue is the value of the unprefixed attribute name, or "".
func (n *Node) AttrValue(name string) string {
	if a := n.Attr(name); a != nil {
		return a.Value
	}
	return ""
}

// LeadingText is the character data directly after the element's start tag, up
// to its first child element, comment or processing instruction (etree's
// Element.Text).
func (n *Node) LeadingText() string {
	if n == nil {
		return ""
	}
	c := n.first
	if c == nil || c.Kind != TextNode {
		return ""
	}
	if c.next == nil || c.next.Kind != TextNode {
		return c.Text
	}
	var b strings.Builder
	for ; c != nil && c.Kind == TextNode; c = c.next {
		b.WriteString(c.Text)
	}
	return b.String()
}

// AllText is the character data of n and all its descendants, in document
// order, without comments or processing instructions: what an XPath
// string() reads, so a comment cannot split a value (SECURITY-CASES 19).
func (n *Node) AllText() string {
	if n == nil {
		return ""
	}
	if c := n.first; c != nil && c.next == nil && c.Kind == TextNode {
		return c.Text
	}
	var b strings.Builder
	var walk func(*Node)
	walk = func(e *Node) {
		for c := e.first; c != nil; c = c.next {
			switch c.Kind {
			case TextNode:
				b.WriteString(c.Text)
			case ElementNode:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// LookupPrefix is the namespace that prefix is bound to where n is, and
// whether it is bound.
func (n *Node) LookupPrefix(prefix string) (string, bool) {
	if prefix == "xml" {
		return NSXML, true
	}
	for e := n; e != nil; e = e.parent {
		for _, d := range e.Decls {
			if d.Prefix == prefix {
				return d.URI, true
			}
		}
	}
	return "", prefix == ""
}

// Descendants iterates over n and every element below it, depth first in
// document order, without recursion.
func (n *Node) Descendants() iter.Seq[*Node] {
	return n.SkipDescendants(func(*Node) bool { return false })
}

// SkipDescendants is like Descendants but does not enter the subtrees of
// the elements for which skip reports true (they are not yielded either).
func (n *Node) SkipDescendants(skip func(*Node) bool) iter.Seq[*Node] {
	return func(yield func(*Node) bool) {
		if n == nil {
			return
		}
		e := n
		for {
			enter := false
			if e.Kind == ElementNode && !skip(e) {
				if !yield(e) {
					return
				}
				enter = e.first != nil
			}
			if enter {
				e = e.first
				continue
			}
			for e != n && e.next == nil {
				e = e.parent
			}
			if e == n {
				return
			}
			e = e.next
		}
	}
}
