// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package xmlsig

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits bound the work one document can cause.
type Limits struct {
	MaxBytes      int // the document (default 1 MiB)
	MaxDepth      int // element nesting (default 48)
	MaxAttributes int // attributes and namespace declarations per element (default 64)
	MaxElements   int // elements in the document (default 20,000)
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 1 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 48
	}
	if l.MaxAttributes <= 0 {
		l.MaxAttributes = 64
	}
	if l.MaxElements <= 0 {
		l.MaxElements = 20000
	}
	return l
}

// ErrorKind classifies a [SyntaxError].
type ErrorKind uint8

// Kinds of syntax error.
const (
	// Malformed: not well-formed XML or not namespace-well-formed.
	Malformed ErrorKind = iota
	// Forbidden: well-formed, perhaps, but outside the profile: a DTD, a
	// duplicate attribute, a name or character other parsers read
	// differently.
	Forbidden
	// TooLarge: beyond the Limits.
	TooLarge
)

// SyntaxError is why a document was refused, with where.
type SyntaxError struct {
	Kind         ErrorKind
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Document is a parsed document: its root element and the nodes before
// and after it are not kept (only comments and white space may be there).
type Document struct {
	Root *Node
}

// Parse reads data, a UTF-8 XML document (a byte order mark is skipped),
// into a tree, refusing everything outside the profile (see the package
// documentation).
func Parse(data []byte, lim Limits) (*Document, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, &SyntaxError{Kind: TooLarge, Msg: fmt.Sprintf("document of %d bytes exceeds the %d-byte limit", len(data), lim.MaxBytes)}
	}
	src := string(data)
	src = strings.TrimPrefix(src, "\ufeff")
	if err := checkChars(src); err != nil {
		return nil, err
	}
	p := parser{src: src, lim: lim}
	p.nodes = make([]Node, 0, estimateNodes(src))
	root, err := p.document()
	if err != nil {
		return nil, err
	}
	return &Document{Root: root}, nil
}

// estimateNodes guesses how many nodes src holds, to allocate them at once.
func estimateNodes(src string) int {
	n := strings.Count(src, "<")
	if n > 4096 {
		n = 4096
	}
	return n + 8
}

type parser struct {
	src string
	pos int
	lim Limits

	nodes    []Node   // the current block of nodes; a new block when full
	attrs    []Attr   // backing store for every element's Attrs
	decls    []NSDecl // backing store for every element's Decls
	scope    []NSDecl // in-scope declarations, innermost last
	elements int
	buf      []byte // scratch for text with references or line ends
}

func (p *parser) fail(kind ErrorKind, format string, args ...any) *SyntaxError {
	line, col := 1, 1
	for i := 0; i < p.pos && i < len(p.src); i++ {
		if p.src[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &SyntaxError{Kind: kind, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) newNode(kind Kind) *Node {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]Node, 0, 256)
	}
	p.nodes = p.nodes[:len(p.nodes)+1]
	n := &p.nodes[len(p.nodes)-1]
	n.Kind = kind
	return n
}

func appendChild(parent, c *Node) {
	c.parent = parent
	if parent.last == nil {
		parent.first = c
	} else {
		parent.last.next = c
	}
	parent.last = c
}

func (p *parser) has(s string) bool { return strings.HasPrefix(p.src[p.pos:], s) }

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// document: prolog, one root element, then only comments and white space.
func (p *parser) document() (*Node, error) {
	if err := p.xmlDecl(); err != nil {
		return nil, err
	}
	var root *Node
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			break
		}
		switch {
		case p.has("<!--"):
			if _, err := p.comment(); err != nil {
				return nil, err
			}
		case p.has("<?"):
			return nil, p.fail(Forbidden, "processing instruction outside the root element")
		case p.has("<!"):
			return nil, p.fail(Forbidden, "DTD or markup declaration")
		case p.has("</"):
			return nil, p.fail(Malformed, "end tag without a start tag")
		case p.src[p.pos] == '<':
			if root != nil {
				return nil, p.fail(Malformed, "a second root element")
			}
			var err error
			if root, err = p.element(); err != nil {
				return nil, err
			}
		default:
			return nil, p.fail(Malformed, "text outside the root element")
		}
	}
	if root == nil {
		return nil, p.fail(Malformed, "no root element")
	}
	return root, nil
}

// xmlDecl reads an optional <?xml version="1.0" encoding="UTF-8"?>.
func (p *parser) xmlDecl() error {
	if !p.has("<?xml") || len(p.src) < 6 || !isSpace(p.src[5]) {
		return nil
	}
	end := strings.Index(p.src, "?>")
	if end < 0 {
		return p.fail(Malformed, "unterminated XML declaration")
	}
	decl := p.src[5:end]
	if !strings.Contains(decl, "version") {
		return p.fail(Malformed, "XML declaration without a version")
	}
	for _, f := range strings.Fields(decl) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || len(v) < 2 || (v[0] != '"' && v[0] != '\'') || v[len(v)-1] != v[0] {
			return p.fail(Malformed, "malformed XML declaration")
		}
		v = v[1 : len(v)-1]
		switch k {
		case "version":
			if v != "1.0" {
				return p.fail(Forbidden, "XML version %q (only 1.0)", truncate(v, 20))
			}
		case "encoding":
			if !strings.EqualFold(v, "UTF-8") {
				return p.fail(Forbidden, "encoding %q (only UTF-8)", truncate(v, 20))
			}
		case "standalone":
		default:
			return p.fail(Malformed, "malformed XML declaration")
		}
	}
	p.pos = end + 2
	return nil
}

// comment reads <!-- ... --> at p.pos and returns its content.
func (p *parser) comment() (string, error) {
	start := p.pos + 4
	end := strings.Index(p.src[start:], "--")
	if end < 0 {
		return "", p.fail(Malformed, "unterminated comment")
	}
	if !strings.HasPrefix(p.src[start+end:], "-->") {
		p.pos = start + end
		return "", p.fail(Malformed, "\"--\" inside a comment")
	}
	text := p.src[start : start+end]
	p.pos = start + end + 3
	return text, nil
}

// procInst reads <?target data?> at p.pos.
func (p *parser) procInst() (target, data string, err error) {
	p.pos += 2
	target, err = p.name()
	if err != nil {
		return "", "", err
	}
	if strings.EqualFold(target, "xml") || strings.Contains(target, ":") {
		return "", "", p.fail(Forbidden, "processing instruction target %q", truncate(target, 40))
	}
	end := strings.Index(p.src[p.pos:], "?>")
	if end < 0 {
		return "", "", p.fail(Malformed, "unterminated processing instruction")
	}
	data = p.src[p.pos : p.pos+end]
	if data != "" && !isSpace(data[0]) {
		return "", "", p.fail(Malformed, "processing instruction target not followed by white space")
	}
	p.pos += end + 2
	return target, strings.TrimLeft(normalizeNewlines(data), " \t\n"), nil
}

// element reads one element and its content, without recursion: a stack
// of open elements replaces the call stack.
func (p *parser) element() (*Node, error) {
	root, selfClosing, err := p.startTag(nil)
	if err != nil {
		return nil, err
	}
	if selfClosing {
		return root, nil
	}
	open := root
	depth := 1
	for open != nil {
		if p.pos >= len(p.src) {
			return nil, p.fail(Malformed, "unexpected end of document inside <%s>", open.FullTag())
		}
		if p.src[p.pos] != '<' {
			if err := p.text(open); err != nil {
				return nil, err
			}
			continue
		}
		switch {
		case p.has("</"):
			if err := p.endTag(open); err != nil {
				return nil, err
			}
			p.popScope(open)
			open = open.parent
			depth--
		case p.has("<!--"):
			text, err := p.comment()
			if err != nil {
				return nil, err
			}
			c := p.newNode(CommentNode)
			c.Text = normalizeNewlines(text)
			appendChild(open, c)
		case p.has("<![CDATA["):
			if err := p.cdata(open); err != nil {
				return nil, err
			}
		case p.has("<!"):
			return nil, p.fail(Forbidden, "DTD or markup declaration")
		case p.has("<?"):
			target, data, err := p.procInst()
			if err != nil {
				return nil, err
			}
			c := p.newNode(ProcInstNode)
			c.Target, c.Text = target, data
			appendChild(open, c)
		default:
			if depth+1 > p.lim.MaxDepth {
				return nil, p.fail(TooLarge, "elements nested deeper than %d", p.lim.MaxDepth)
			}
			el, selfClosing, err := p.startTag(open)
			if err != nil {
				return nil, err
			}
			appendChild(open, el)
			if !selfClosing {
				open = el
				depth++
			} else {
				p.popScope(el)
			}
		}
	}
	return root, nil
}

// startTag reads <name attrs...> or <name attrs.../> at p.pos, declares
// its namespaces in scope and resolves its names.
func (p *parser) startTag(parent *Node) (*Node, bool, error) {
	p.elements++
	if p.elements > p.lim.MaxElements {
		return nil, false, p.fail(TooLarge, "more than %d elements", p.lim.MaxElements)
	}
	p.pos++ // '<'
	name, err := p.name()
	if err != nil {
		return nil, false, err
	}
	el := p.newNode(ElementNode)
	el.parent = parent // for error messages only until appended
	if el.Prefix, el.Local, err = p.splitQName(name); err != nil {
		return nil, false, err
	}
	attrStart, declStart := len(p.attrs), len(p.decls)
	count := 0
	selfClosing := false
	for {
		hadSpace := p.pos < len(p.src) && isSpace(p.src[p.pos])
		p.skipSpace()
		if p.pos >= len(p.src) {
			return nil, false, p.fail(Malformed, "unexpected end of document in <%s>", truncate(name, 60))
		}
		if p.has("/>") {
			p.pos += 2
			selfClosing = true
			break
		}
		if p.src[p.pos] == '>' {
			p.pos++
			break
		}
		if !hadSpace {
			return nil, false, p.fail(Malformed, "attributes of <%s> not separated by white space", truncate(name, 60))
		}
		count++
		if count > p.lim.MaxAttributes {
			return nil, false, p.fail(TooLarge, "element <%s> has more than %d attributes", truncate(name, 60), p.lim.MaxAttributes)
		}
		if err := p.attribute(); err != nil {
			return nil, false, err
		}
	}
	el.Decls = p.decls[declStart:len(p.decls):len(p.decls)]
	el.Attrs = p.attrs[attrStart:len(p.attrs):len(p.attrs)]
	if len(el.Decls) == 0 {
		el.Decls = nil
	}
	if len(el.Attrs) == 0 {
		el.Attrs = nil
	}
	p.scope = append(p.scope, el.Decls...)
	if err := p.resolve(el); err != nil {
		return nil, false, err
	}
	return el, selfClosing, nil
}

// attribute reads name="value" and files it as a declaration or an
// attribute (names resolved later, when all declarations are known).
func (p *parser) attribute() error {
	name, err := p.name()
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '=' {
		return p.fail(Malformed, "attribute %s without a value", truncate(name, 60))
	}
	p.pos++
	p.skipSpace()
	value, err := p.attrValue()
	if err != nil {
		return err
	}
	prefix, local, err := p.splitQName(name)
	if err != nil {
		return err
	}
	switch {
	case prefix == "" && local == "xmlns":
		if value == NSXML || value == NSXMLNS {
			return p.fail(Forbidden, "the default namespace cannot be %q", value)
		}
		p.decls = append(p.decls, NSDecl{Prefix: "", URI: value})
	case prefix == "xmlns":
		switch {
		case local == "xmlns":
			return p.fail(Forbidden, "the prefix xmlns cannot be declared")
		case local == "xml" && value != NSXML, local != "xml" && (value == NSXML || value == NSXMLNS):
			return p.fail(Forbidden, "the prefix %s cannot be bound to %q", local, truncate(value, 60))
		case value == "":
			return p.fail(Malformed, "the prefix %s is bound to an empty namespace name", local)
		}
		if local == "xml" {
			return nil // allowed, and meaningless
		}
		p.decls = append(p.decls, NSDecl{Prefix: local, URI: value})
	default:
		p.attrs = append(p.attrs, Attr{Prefix: prefix, Local: local, Value: value})
	}
	return nil
}

// resolve gives el and its attributes their namespace names and refuses
// duplicates: two attributes with one expanded name (also under two
// prefixes bound to one namespace) or two declarations of one prefix.
func (p *parser) resolve(el *Node) error {
	var ok bool
	if el.Prefix == "xmlns" || el.Prefix == "xml" {
		return p.fail(Forbidden, "element name %s uses a reserved prefix", el.FullTag())
	}
	if el.NS, ok = p.lookup(el.Prefix); !ok {
		return p.fail(Malformed, "element <%s> uses the undeclared prefix %q", truncate(el.FullTag(), 60), el.Prefix)
	}
	for i := range el.Decls {
		for j := range i {
			if el.Decls[i].Prefix == el.Decls[j].Prefix {
				return p.fail(Forbidden, "element <%s> declares the namespace prefix %q twice", truncate(el.FullTag(), 60), el.Decls[i].Prefix)
			}
		}
	}
	for i := range el.Attrs {
		a := &el.Attrs[i]
		if a.Prefix != "" {
			if a.NS, ok = p.lookup(a.Prefix); !ok {
				return p.fail(Malformed, "attribute %s:%s uses the undeclared prefix %q", a.Prefix, a.Local, a.Prefix)
			}
		}
		for j := range i {
			if b := &el.Attrs[j]; b.Local == a.Local && b.NS == a.NS {
				return p.fail(Forbidden, "element <%s> has the attribute %s twice", truncate(el.FullTag(), 60), a.Local)
			}
		}
	}
	return nil
}

// lookup is the namespace name of prefix in the current scope.
func (p *parser) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return NSXML, true
	}
	for i := len(p.scope) - 1; i >= 0; i-- {
		if p.scope[i].Prefix == prefix {
			return p.scope[i].URI, true
		}
	}
	return "", prefix == ""
}

func (p *parser) popScope(el *Node) { p.scope = p.scope[:len(p.scope)-len(el.Decls)] }

// endTag reads </name> and checks it closes open.
func (p *parser) endTag(open *Node) error {
	p.pos += 2
	name, err := p.name()
	if err != nil {
		return err
	}
	if !open.hasTag(name) {
		return p.fail(Malformed, "</%s> closes <%s>", truncate(name, 60), truncate(open.FullTag(), 60))
	}
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '>' {
		return p.fail(Malformed, "malformed end tag </%s>", truncate(name, 60))
	}
	p.pos++
	return nil
}

// cdata reads <![CDATA[...]]> as text.
func (p *parser) cdata(open *Node) error {
	start := p.pos + len("<![CDATA[")
	end := strings.Index(p.src[start:], "]]>")
	if end < 0 {
		return p.fail(Malformed, "unterminated CDATA section")
	}
	text := p.src[start : start+end]
	p.pos = start + end + 3
	c := p.newNode(TextNode)
	c.Text = normalizeNewlines(text)
	appendChild(open, c)
	return nil
}

// text reads character data up to the next '<'.
func (p *parser) text(open *Node) error {
	start := p.pos
	end := strings.IndexByte(p.src[start:], '<')
	if end < 0 {
		end = len(p.src) - start
	}
	raw := p.src[start : start+end]
	if strings.Contains(raw, "]]>") {
		p.pos = start + strings.Index(raw, "]]>")
		return p.fail(Malformed, "\"]]>\" in text")
	}
	text, err := p.unescape(raw, start, false)
	if err != nil {
		return err
	}
	p.pos = start + end
	c := p.newNode(TextNode)
	c.Text = text
	appendChild(open, c)
	return nil
}

// attrValue reads a quoted attribute value and normalizes it (XML 1.0
// §3.3.3: each white-space character becomes a space; references are
// resolved after, so &#9; stays a tab).
func (p *parser) attrValue() (string, error) {
	if p.pos >= len(p.src) || (p.src[p.pos] != '"' && p.src[p.pos] != '\'') {
		return "", p.fail(Malformed, "attribute value not quoted")
	}
	q := p.src[p.pos]
	start := p.pos + 1
	end := strings.IndexByte(p.src[start:], q)
	if end < 0 {
		return "", p.fail(Malformed, "unterminated attribute value")
	}
	raw := p.src[start : start+end]
	if i := strings.IndexByte(raw, '<'); i >= 0 {
		p.pos = start + i
		return "", p.fail(Malformed, "'<' in an attribute value")
	}
	v, err := p.unescape(raw, start, true)
	if err != nil {
		return "", err
	}
	p.pos = start + end + 1
	return v, nil
}

// unescape resolves references in raw and normalizes line ends (and, in
// attribute values, white space). Text without either is returned as is.
func (p *parser) unescape(raw string, at int, attr bool) (string, error) {
	clean := true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '&' || c == '\r' || attr && (c == '\n' || c == '\t') {
			clean = false
			break
		}
	}
	if clean {
		return raw, nil
	}
	b := p.buf[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			if attr {
				b = append(b, ' ')
			} else {
				b = append(b, '\n')
			}
		case attr && (c == '\n' || c == '\t'):
			b = append(b, ' ')
		case c == '&':
			end := strings.IndexByte(raw[i:], ';')
			if end < 0 {
				p.pos = at + i
				return "", p.fail(Malformed, "'&' without a reference")
			}
			r, err := p.reference(raw[i+1:i+end], at+i)
			if err != nil {
				return "", err
			}
			b = utf8.AppendRune(b, r)
			i += end
		default:
			b = append(b, c)
		}
	}
	p.buf = b
	return string(b), nil
}

// reference resolves the name of &name; (one of the five predefined
// entities or a character reference).
func (p *parser) reference(name string, at int) (rune, error) {
	switch name {
	case "lt":
		return '<', nil
	case "gt":
		return '>', nil
	case "amp":
		return '&', nil
	case "apos":
		return '\'', nil
	case "quot":
		return '"', nil
	}
	p.pos = at
	if len(name) < 2 || name[0] != '#' || len(name) > 10 {
		return 0, p.fail(Forbidden, "entity reference &%s; (only the five predefined ones)", truncate(name, 20))
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" {
		return 0, p.fail(Malformed, "malformed character reference &%s;", name)
	}
	var r rune
	for i := 0; i < len(digits); i++ {
		d := digitValue(digits[i])
		if d < 0 || d >= base {
			return 0, p.fail(Malformed, "malformed character reference &%s;", name)
		}
		r = r*rune(base) + rune(d)
		if r > unicode.MaxRune {
			break
		}
	}
	if !isXMLChar(r) {
		return 0, p.fail(Forbidden, "character reference &%s; is not an XML character", name)
	}
	return r, nil
}

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// checkChars refuses a document with bytes that are not UTF-8 or not XML
// characters (XML 1.0 §2.2), before anything else reads it.
func checkChars(s string) error {
	line := 1
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return &SyntaxError{Kind: Malformed, Line: line, Msg: fmt.Sprintf("control character %#x: not UTF-8 XML text", c)}
			}
			if c == '\n' {
				line++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return &SyntaxError{Kind: Malformed, Line: line, Msg: "not UTF-8 text"}
		}
		if !isXMLChar(r) {
			return &SyntaxError{Kind: Forbidden, Line: line, Msg: fmt.Sprintf("%U is not an XML character", r)}
		}
		i += size
	}
	return nil
}

func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= unicode.MaxRune
}

// name reads an XML name at p.pos. Names are ASCII letters, digits, '_',
// '-', '.', ':' and non-ASCII letters and digits; SAML needs no more, and
// stricter names leave nothing for parsers to disagree on.
func (p *parser) name() (string, error) {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c < 0x80 {
			if isASCIINameChar(c) {
				p.pos++
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		p.pos += size
	}
	name := p.src[start:p.pos]
	if name == "" {
		return "", p.fail(Malformed, "expected a name")
	}
	if c := name[0]; c == '-' || c == '.' || c >= '0' && c <= '9' {
		return "", p.fail(Malformed, "name %q starts with %q", truncate(name, 60), c)
	}
	if r, _ := utf8.DecodeRuneInString(name); r >= 0x80 && !unicode.IsLetter(r) {
		return "", p.fail(Malformed, "name %q starts with %q", truncate(name, 60), r)
	}
	return name, nil
}

func isASCIINameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':'
}

// splitQName splits prefix:local; both parts must be non-empty names
// without colons (Namespaces in XML 1.0 §3; xml-roundtrip-validator's
// hazards: "a:b:c", ":a", "a:").
func (p *parser) splitQName(name string) (prefix, local string, err error) {
	i := strings.IndexByte(name, ':')
	if i < 0 {
		return "", name, nil
	}
	prefix, local = name[:i], name[i+1:]
	switch {
	case strings.IndexByte(local, ':') >= 0:
		return "", "", p.fail(Malformed, "name %q is not a qualified name (Namespaces in XML §3)", truncate(name, 60))
	case prefix == "" || local == "":
		// ":a", "a:", ":": Go's encoding/xml reads these back as other
		// names (CVE-2020-29511).
		return "", "", p.fail(Forbidden, "name %q is read differently by different parsers", truncate(name, 60))
	}
	if c := local[0]; c == '-' || c == '.' || c >= '0' && c <= '9' {
		return "", "", p.fail(Malformed, "name %q has a local part starting with %q", truncate(name, 60), c)
	}
	return prefix, local, nil
}

// normalizeNewlines turns "\r\n" and "\r" into "\n" (XML 1.0 §2.11).
func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
