// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package xmlsig

import (
	"slices"
	"strings"
	"sync"
)

// AlgExcC14N is Exclusive XML Canonicalization 1.0 without comments.
const AlgExcC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"

// Canonicalize appends to dst the Exclusive XML Canonicalization 1.0
// (without comments) of the subtree at apex, leaving out the subtree at
// omit (the enveloped signature; nil for none). inclusive is the
// InclusiveNamespaces PrefixList ("#default" for the default namespace):
// those prefixes are rendered as inclusive c14n would.
//
// It reads the tree in place: nothing is copied and namespace scopes are
// kept on one small stack.
func Canonicalize(dst []byte, apex, omit *Node, inclusive []string) []byte {
	c := canonPool.Get().(*canonicalizer)
	c.out, c.omit, c.inclusive = dst, omit, inclusive
	c.rendered = c.rendered[:0]
	c.element(apex)
	out := c.out
	c.out, c.omit, c.inclusive = nil, nil, nil
	canonPool.Put(c)
	return out
}

var canonPool = sync.Pool{New: func() any { return new(canonicalizer) }}

type canonicalizer struct {
	out       []byte
	omit      *Node
	inclusive []string
	// rendered holds the namespace declarations output by the elements
	// being written, outermost first; marks[i] is where element i's begin.
	rendered []NSDecl
	marks    []int
	// scratch, reused by every element
	decls []NSDecl
	attrs []*Attr
}

// element writes apex and its content without recursion.
func (c *canonicalizer) element(apex *Node) {
	c.start(apex)
	n := apex.first
	if n == nil {
		c.end(apex)
		return
	}
	for {
		switch {
		case n == c.omit:
		case n.Kind == TextNode:
			c.text(n.Text)
		case n.Kind == ProcInstNode:
			c.out = appendProcInst(c.out, n)
		case n.Kind == ElementNode:
			c.start(n)
			if n.first != nil {
				n = n.first
				continue
			}
			c.end(n)
		}
		// Next: the sibling, or climb, closing elements, until one has a
		// sibling or the apex is closed.
		for n.next == nil {
			n = n.parent
			c.end(n)
			if n == apex {
				return
			}
		}
		n = n.next
	}
}

// start writes el's start tag: its name, the namespace declarations it
// needs that no output ancestor rendered with the same value, sorted by
// prefix, and its attributes sorted by namespace name and local name.
func (c *canonicalizer) start(el *Node) {
	c.marks = append(c.marks, len(c.rendered))
	c.decls = c.decls[:0]
	// Visibly utilized: the element's prefix (or the default namespace)
	// and its attributes' prefixes.
	c.need(el.Prefix, el.NS)
	for i := range el.Attrs {
		if a := &el.Attrs[i]; a.Prefix != "" && a.Prefix != "xml" {
			c.need(a.Prefix, a.NS)
		}
	}
	for _, p := range c.inclusive {
		if p == "#default" {
			p = ""
		}
		if uri, ok := el.LookupPrefix(p); ok && p != "xml" {
			c.need(p, uri)
		}
	}
	slices.SortFunc(c.decls, func(a, b NSDecl) int { return strings.Compare(a.Prefix, b.Prefix) })

	c.out = append(c.out, '<')
	c.name(el.Prefix, el.Local)
	for _, d := range c.decls {
		c.rendered = append(c.rendered, d)
		if d.Prefix == "" {
			c.out = append(c.out, " xmlns=\""...)
		} else {
			c.out = append(c.out, " xmlns:"...)
			c.out = append(c.out, d.Prefix...)
			c.out = append(c.out, "=\""...)
		}
		c.attrValue(d.URI)
		c.out = append(c.out, '"')
	}
	c.attrs = c.attrs[:0]
	for i := range el.Attrs {
		c.attrs = append(c.attrs, &el.Attrs[i])
	}
	if len(c.attrs) > 1 {
		slices.SortFunc(c.attrs, func(a, b *Attr) int {
			if a.NS != b.NS {
				return strings.Compare(a.NS, b.NS)
			}
			return strings.Compare(a.Local, b.Local)
		})
	}
	for _, a := range c.attrs {
		c.out = append(c.out, ' ')
		c.name(a.Prefix, a.Local)
		c.out = append(c.out, "=\""...)
		c.attrValue(a.Value)
		c.out = append(c.out, '"')
	}
	c.out = append(c.out, '>')
}

// need adds the declaration prefix=uri to the element being started,
// unless an output ancestor rendered it with the same value (for the
// default namespace, "no default" counts as xmlns="").
func (c *canonicalizer) need(prefix, uri string) {
	for _, d := range c.decls {
		if d.Prefix == prefix {
			return
		}
	}
	current, found := "", false
	for i := len(c.rendered) - 1; i >= 0; i-- {
		if c.rendered[i].Prefix == prefix {
			current, found = c.rendered[i].URI, true
			break
		}
	}
	if found && current == uri || !found && prefix == "" && uri == "" {
		return
	}
	c.decls = append(c.decls, NSDecl{Prefix: prefix, URI: uri})
}

func (c *canonicalizer) end(el *Node) {
	c.out = append(c.out, "</"...)
	c.name(el.Prefix, el.Local)
	c.out = append(c.out, '>')
	c.rendered = c.rendered[:c.marks[len(c.marks)-1]]
	c.marks = c.marks[:len(c.marks)-1]
}

func (c *canonicalizer) name(prefix, local string) {
	if prefix != "" {
		c.out = append(c.out, prefix...)
		c.out = append(c.out, ':')
	}
	c.out = append(c.out, local...)
}

// text escapes character data as c14n does: &, <, > and CR.
func (c *canonicalizer) text(s string) { c.out = appendEscaped(c.out, s, false) }

// attrValue escapes an attribute value as c14n does: &, <, ", TAB, LF, CR.
func (c *canonicalizer) attrValue(s string) { c.out = appendEscaped(c.out, s, true) }

// appendEscaped appends s escaped as c14n escapes text (attr false: &, <,
// >, CR) or attribute values (attr true: &, <, ", TAB, LF, CR).
func appendEscaped(out []byte, s string, attr bool) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch c := s[i]; {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '\r':
			esc = "&#xD;"
		case c == '>' && !attr:
			esc = "&gt;"
		case c == '"' && attr:
			esc = "&quot;"
		case c == '\t' && attr:
			esc = "&#x9;"
		case c == '\n' && attr:
			esc = "&#xA;"
		default:
			continue
		}
		out = append(out, s[start:i]...)
		out = append(out, esc...)
		start = i + 1
	}
	return append(out, s[start:]...)
}

// appendProcInst appends the processing instruction n as c14n writes it.
func appendProcInst(out []byte, n *Node) []byte {
	out = append(out, "<?"...)
	out = append(out, n.Target...)
	if n.Text != "" {
		out = append(out, ' ')
		out = append(out, n.Text...)
	}
	return append(out, "?>"...)
}
