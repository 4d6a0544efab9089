// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package xmlsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// NewElement makes a detached element named tag ("prefix:local" or
// "local"). The builder gives an element and its attributes their
// namespace names as soon as the declarations in scope allow (when the
// element is created, or when its own prefix is declared on it), so Is and
// Child find what was just built; Write and Sign resolve the whole tree
// again from the final declarations.
func NewElement(tag string) *Node {
	return newElement(new(slab), tag)
}

func newElement(s *slab, tag string) *Node {
	n := s.node()
	n.Kind = ElementNode
	if p, l, ok := strings.Cut(tag, ":"); ok {
		n.Prefix, n.Local = p, l
	} else {
		n.Local = tag
	}
	return n
}

// slab hands out the nodes of one built tree from blocks, so building a
// message costs a few allocations, not one per node.
type slab struct{ free []Node }

func (s *slab) node() *Node {
	if len(s.free) == 0 {
		s.free = make([]Node, 16)
	}
	n := &s.free[0]
	s.free = s.free[1:]
	n.slab = s
	return n
}

// slabOf is where n's new children come from: its own slab, or (for a
// parsed node) a new one.
func (n *Node) slabOf() *slab {
	if n.slab == nil {
		n.slab = new(slab)
	}
	return n.slab
}

// CreateElement appends a new child element named tag and returns it.
func (n *Node) CreateElement(tag string) *Node {
	c := newElement(n.slabOf(), tag)
	appendChild(n, c)
	c.NS, _ = c.LookupPrefix(c.Prefix)
	return c
}

// CreateAttr sets an attribute, or declares a namespace when key is
// "xmlns" or "xmlns:prefix".
func (n *Node) CreateAttr(key, value string) *Node {
	p, l, ok := strings.Cut(key, ":")
	switch {
	case key == "xmlns":
		n.Decls = append(n.Decls, NSDecl{URI: value})
		if n.Prefix == "" {
			n.NS = value
		}
	case ok && p == "xmlns":
		n.Decls = append(n.Decls, NSDecl{Prefix: l, URI: value})
		if n.Prefix == l {
			n.NS = value
		}
	case ok:
		ns, _ := n.LookupPrefix(p)
		n.Attrs = append(n.Attrs, Attr{Prefix: p, Local: l, NS: ns, Value: value})
	default:
		for i := range n.Attrs {
			if n.Attrs[i].Prefix == "" && n.Attrs[i].Local == key {
				n.Attrs[i].Value = value
				return n
			}
		}
		n.Attrs = append(n.Attrs, Attr{Local: key, Value: value})
	}
	return n
}

// SetText replaces n's content with the text s.
func (n *Node) SetText(s string) *Node {
	n.first, n.last = nil, nil
	if s != "" {
		t := n.slabOf().node()
		t.Kind, t.Text = TextNode, s
		appendChild(n, t)
	}
	return n
}

// AddChild appends c, a detached element, to n.
func (n *Node) AddChild(c *Node) {
	appendChild(n, c)
	c.NS, _ = c.LookupPrefix(c.Prefix)
}

// InsertAfter puts c, a detached element, right after ref, one of n's
// children; with ref nil, first.
func (n *Node) InsertAfter(ref, c *Node) {
	c.parent = n
	if ref == nil {
		c.next = n.first
		n.first = c
	} else {
		c.next = ref.next
		ref.next = c
	}
	if c.next == nil {
		n.last = c
	}
}

// resolveNames gives every element and attribute of the tree at root its
// namespace name from the final declarations in scope.
func resolveNames(root *Node) error {
	for el := range root.Descendants() {
		var ok bool
		if el.NS, ok = el.LookupPrefix(el.Prefix); !ok {
			return fmt.Errorf("element <%s> uses the undeclared prefix %q", el.FullTag(), el.Prefix)
		}
		for i := range el.Attrs {
			a := &el.Attrs[i]
			if a.Prefix == "" {
				a.NS = ""
			} else if a.NS, ok = el.LookupPrefix(a.Prefix); !ok {
				return fmt.Errorf("attribute %s:%s uses the undeclared prefix", a.Prefix, a.Local)
			}
		}
	}
	return nil
}

// Write appends the XML of the tree at root to dst. Text and attribute
// values are escaped as canonical XML escapes them, so a parser reads back
// exactly the values in the tree.
func Write(dst []byte, root *Node) ([]byte, error) {
	if err := resolveNames(root); err != nil {
		return nil, err
	}
	w := writer{out: dst}
	w.node(root, 0)
	return w.out, nil
}

// WriteIndented is Write with each element that holds only elements (and
// white space) laid out one child per line, indented: for documents people
// read, such as metadata.
func WriteIndented(dst []byte, root *Node, indent string) ([]byte, error) {
	if err := resolveNames(root); err != nil {
		return nil, err
	}
	w := writer{out: dst, indent: indent}
	w.node(root, 0)
	return w.out, nil
}

type writer struct {
	out    []byte
	indent string
}

// elementOnly reports whether n's content is elements and white space.
func elementOnly(n *Node) bool {
	hasElement := false
	for c := n.first; c != nil; c = c.next {
		switch c.Kind {
		case ElementNode:
			hasElement = true
		case TextNode:
			if strings.TrimLeft(c.Text, " \t\n\r") != "" {
				return false
			}
		default:
			return false
		}
	}
	return hasElement
}

func (w *writer) newline(depth int) {
	w.out = append(w.out, '\n')
	for range depth {
		w.out = append(w.out, w.indent...)
	}
}

func (w *writer) node(n *Node, depth int) {
	switch n.Kind {
	case TextNode:
		w.out = appendEscaped(w.out, n.Text, false)
	case CommentNode:
		w.out = append(w.out, "<!--"...)
		w.out = append(w.out, n.Text...)
		w.out = append(w.out, "-->"...)
	case ProcInstNode:
		w.out = appendProcInst(w.out, n)
	case ElementNode:
		w.out = append(w.out, '<')
		w.out = n.appendTag(w.out)
		for _, d := range n.Decls {
			w.out = append(w.out, " xmlns"...)
			if d.Prefix != "" {
				w.out = append(w.out, ':')
				w.out = append(w.out, d.Prefix...)
			}
			w.out = append(w.out, "=\""...)
			w.out = appendEscaped(w.out, d.URI, true)
			w.out = append(w.out, '"')
		}
		for _, a := range n.Attrs {
			w.out = append(w.out, ' ')
			if a.Prefix != "" {
				w.out = append(w.out, a.Prefix...)
				w.out = append(w.out, ':')
			}
			w.out = append(w.out, a.Local...)
			w.out = append(w.out, "=\""...)
			w.out = appendEscaped(w.out, a.Value, true)
			w.out = append(w.out, '"')
		}
		if n.first == nil {
			w.out = append(w.out, "/>"...)
			return
		}
		w.out = append(w.out, '>')
		if w.indent != "" && elementOnly(n) {
			for c := n.first; c != nil; c = c.next {
				if c.Kind == ElementNode {
					w.newline(depth + 1)
					w.node(c, depth+1)
				}
			}
			w.newline(depth)
		} else {
			for c := n.first; c != nil; c = c.next {
				w.node(c, depth+1)
			}
		}
		w.out = append(w.out, "</"...)
		w.out = n.appendTag(w.out)
		w.out = append(w.out, '>')
	}
}

// Sign signs el (which must have an ID attribute) with an enveloped
// signature: exclusive c14n, SHA-256, and RSA-SHA256 for RSA keys or
// ECDSA-SHA256 (r‖s) for ECDSA keys. The ds:Signature, with KeyInfo
// holding certDER, is inserted after the child after (nil: first), where
// the SAML schema wants it (after the Issuer).
func Sign(el, after *Node, key crypto.Signer, certDER []byte) error {
	id := el.AttrValue("ID")
	if id == "" {
		return errors.New("sign: the element has no ID")
	}
	method := AlgRSASHA256
	var curveSize int
	switch k := key.Public().(type) {
	case *rsa.PublicKey:
	case *ecdsa.PublicKey:
		method, curveSize = AlgECDSASHA256, (k.Curve.Params().BitSize+7)/8
	default:
		return fmt.Errorf("sign: unsupported key type %T", k)
	}
	if err := resolveNames(el); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	buf := bufPool.Get().(*[]byte)
	defer bufPool.Put(buf)
	*buf = Canonicalize((*buf)[:0], el, nil, nil)
	h := crypto.SHA256.New()
	h.Write(*buf)
	var sum [32]byte
	digest := base64.StdEncoding.EncodeToString(h.Sum(sum[:0]))

	sig := NewElement("ds:Signature").CreateAttr("xmlns:ds", NSDSig)
	si := sig.CreateElement("ds:SignedInfo")
	si.CreateElement("ds:CanonicalizationMethod").CreateAttr("Algorithm", AlgExcC14N)
	si.CreateElement("ds:SignatureMethod").CreateAttr("Algorithm", method)
	ref := si.CreateElement("ds:Reference").CreateAttr("URI", "#"+id)
	tr := ref.CreateElement("ds:Transforms")
	tr.CreateElement("ds:Transform").CreateAttr("Algorithm", AlgEnveloped)
	tr.CreateElement("ds:Transform").CreateAttr("Algorithm", AlgExcC14N)
	ref.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", DigestSHA256)
	ref.CreateElement("ds:DigestValue").SetText(digest)
	if err := resolveNames(sig); err != nil {
		return err
	}
	*buf = Canonicalize((*buf)[:0], si, nil, nil)
	h.Reset()
	h.Write(*buf)
	value, err := key.Sign(rand.Reader, h.Sum(sum[:0]), crypto.SHA256)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	if curveSize > 0 {
		if value, err = ecdsaDERToRaw(value, curveSize); err != nil {
			return fmt.Errorf("sign: %w", err)
		}
	}
	sig.CreateElement("ds:SignatureValue").SetText(base64.StdEncoding.EncodeToString(value))
	sig.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
		SetText(base64.StdEncoding.EncodeToString(certDER))
	if err := resolveNames(sig); err != nil {
		return err
	}
	el.InsertAfter(after, sig)
	return nil
}

// ecdsaDERToRaw turns an ASN.1 DER ECDSA signature (what crypto.Signer
// returns) into r‖s, each left-padded to the curve's size: the XML
// Signature encoding (RFC 4051 §3.3), as xmlsec1 and Santuario write it.
func ecdsaDERToRaw(der []byte, size int) ([]byte, error) {
	var sig struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) > 0 || sig.R == nil || sig.S == nil {
		return nil, errors.New("the ECDSA signature is not DER")
	}
	raw := make([]byte, 2*size)
	sig.R.FillBytes(raw[:size])
	sig.S.FillBytes(raw[size:])
	return raw, nil
}
