package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Node is an element of a message read by Read.
type Node struct {
	Name xml.Name
	Attr []xml.Attr
	Text string // character content, when the element has no children
	Kids []*Node
}

// Nil reports xsi:nil="true".
func (n *Node) Nil() bool {
	for _, a := range n.Attr {
		if a.Name.Space == NSXSI && a.Name.Local == "nil" {
			b, _ := Bool(a.Value)
			return b
		}
	}
	return false
}

// Child is the first child with the local name, nil when there is none.
func (n *Node) Child(local string) *Node {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Name.Local == local {
			return k
		}
	}
	return nil
}

// At follows local names down from n.
func (n *Node) At(path ...string) *Node {
	for _, p := range path {
		n = n.Child(p)
	}
	return n
}

// Value is the element's text; nil for an absent or nil element.
func (n *Node) Value() *string {
	if n == nil || n.Nil() {
		return nil
	}
	s := n.Text
	return &s
}

// Message is a SOAP envelope read into nodes.
type Message struct {
	Version string  // "1.1" or "1.2"
	Headers []*Node // header blocks
	Body    *Node   // the Body's first element, nil when empty
	Fault   *Fault  // set when the Body is a Fault
}

// Header returns the header block with the local name.
func (m *Message) Header(local string) *Node {
	for _, h := range m.Headers {
		if h.Name.Local == local {
			return h
		}
	}
	return nil
}

// Fault is a SOAP fault's code and reason.
type Fault struct {
	Code   string
	Reason string
}

// ErrNotEnvelope is returned for a document that is not a SOAP envelope.
var ErrNotEnvelope = errors.New("not a SOAP envelope")

// Bounds of Read: element nesting, and elements built.
const (
	maxDepth = 256
	maxNodes = 200_000
)

// wanted: whether an element under the open ones is part of what Read
// builds. Under the Envelope only Header and Body; under Body only its
// first element.
func wanted(stack []*Node, name xml.Name) bool {
	switch len(stack) {
	case 1:
		env := stack[0].Name.Space
		return name.Space == env && (name.Local == "Header" || name.Local == "Body")
	case 2:
		if stack[1].Name.Local == "Body" {
			return len(stack[1].Kids) == 0
		}
	}
	return true
}

// text is the element's character content, "" for an absent element.
func (n *Node) text() string {
	if n == nil {
		return ""
	}
	return n.Text
}

// Read reads a SOAP envelope in UTF-8 or UTF-16 (see Decode). It refuses
// DTDs and never expands entities; use it on messages the validator has
// already vetted, or as a second line of defence on untrusted ones.
func Read(data []byte) (*Message, error) {
	data, _, err := Decode(data, "")
	if err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*Node
	var texts [][]byte // character content of the open elements
	var root *Node
	nodes := 0
	for {
		if root != nil && stack == nil {
			break
		}
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, errors.New("the message has a DTD")
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", maxDepth)
			}
			// Only what a reader needs is built: the Envelope's Header and
			// Body, the Body's first element; the rest is skipped, and a
			// message of more than maxNodes elements is not read further.
			if len(stack) > 0 && !wanted(stack, t.Name) {
				if err := dec.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			if nodes++; nodes > maxNodes {
				return nil, fmt.Errorf("more than %d elements to read", maxNodes)
			}
			n := &Node{Name: t.Name, Attr: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
			texts = append(texts, nil)
		case xml.CharData:
			if len(stack) > 0 {
				texts[len(texts)-1] = append(texts[len(texts)-1], t...)
			}
		case xml.EndElement:
			n := stack[len(stack)-1]
			if len(n.Kids) == 0 {
				n.Text = string(texts[len(texts)-1])
			}
			stack, texts = stack[:len(stack)-1], texts[:len(texts)-1]
			if len(stack) == 2 && stack[1].Name.Local == "Body" {
				// The Body's first element is complete: nothing after it
				// is read (the validator has seen the whole message).
				stack = nil
			}
		}
	}
	if root == nil || root.Name.Local != "Envelope" || Version(root.Name.Space) == "" {
		return nil, ErrNotEnvelope
	}
	var headers []*Node
	var body *Node
	for _, k := range root.Kids {
		switch {
		case k.Name.Space == root.Name.Space && k.Name.Local == "Header":
			headers = k.Kids
		case k.Name.Space == root.Name.Space && k.Name.Local == "Body" && len(k.Kids) > 0:
			body = k.Kids[0]
		}
	}
	return Assemble(Version(root.Name.Space), headers, body), nil
}

// Assemble is a message of the given SOAP version from its header blocks
// and the Body's first element (nil when empty), its Fault read when it is
// one.
func Assemble(version string, headers []*Node, body *Node) *Message {
	m := &Message{Version: version, Headers: headers, Body: body}
	ns := Namespace(version)
	if m.Body != nil && m.Body.Name.Space == ns && m.Body.Name.Local == "Fault" {
		f := &Fault{}
		if m.Version == "1.1" {
			f.Code = strings.TrimSpace(m.Body.At("faultcode").text())
			f.Reason = m.Body.At("faultstring").text()
		} else {
			f.Code = strings.TrimSpace(m.Body.At("Code", "Value").text())
			f.Reason = m.Body.At("Reason", "Text").text()
		}
		m.Fault = f
	}
	return m
}
