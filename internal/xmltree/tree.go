// Package xmltree reads a trusted-but-checked XML document (a WSDL, a
// schema) into a tree of elements that keep their in-scope namespace
// declarations and their byte span in the source, so that QName values can
// be resolved and parts of the source copied verbatim. It refuses DTDs and
// anything but UTF-8.
package xmltree

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
)

// Node is an element, with its in-scope namespace declarations and its
// byte span in the source.
type Node struct {
	Name      xml.Name
	Attrs     []xml.Attr        // without namespace declarations
	Own       map[string]string // the declarations on this element itself (nil: none)
	parent    *Node
	Children  []*Node
	Start     int64 // offset of '<'
	StartEnd  int64 // offset just past the start tag
	End       int64 // offset just past the end tag
	Line      int
	SelfClose bool
}

// Attr is the value of the unqualified attribute local ("" when absent).
func (n *Node) Attr(local string) string {
	for _, a := range n.Attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// ChildrenNamed are the children named {space}local.
func (n *Node) ChildrenNamed(space, local string) []*Node {
	var out []*Node
	for _, c := range n.Children {
		if c.Name.Space == space && c.Name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// Child is the first child named {space}local, nil when none.
func (n *Node) Child(space, local string) *Node {
	if c := n.ChildrenNamed(space, local); len(c) > 0 {
		return c[0]
	}
	return nil
}

// Resolve turns a QName value ("tns:Foo") into a namespace and local name,
// by the prefixes in scope at n (the default namespace for no prefix).
func (n *Node) Resolve(v string) (ns, local string, err error) {
	prefix, local := "", v
	if i := bytes.IndexByte([]byte(v), ':'); i >= 0 {
		prefix, local = v[:i], v[i+1:]
	}
	ns, ok := n.Lookup(prefix)
	if !ok && prefix != "" {
		return "", "", fmt.Errorf("line %d: prefix %q of %q is not declared", n.Line, prefix, v)
	}
	return ns, local, nil
}

// Lookup is the namespace a prefix ("" = default) is bound to at n: the
// nearest declaration on n or an ancestor. Declarations are not copied into
// every element (a namespace bomb would make that quadratic); a lookup costs
// at most the depth, which Parse bounds.
func (n *Node) Lookup(prefix string) (string, bool) {
	for e := n; e != nil; e = e.parent {
		if ns, ok := e.Own[prefix]; ok {
			return ns, true
		}
	}
	return "", false
}

// Scope is every declaration in scope at n: prefix → namespace.
func (n *Node) Scope() map[string]string {
	out := map[string]string{}
	var chain []*Node
	for e := n; e != nil; e = e.parent {
		chain = append(chain, e)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].Own {
			out[k] = v
		}
	}
	return out
}

// MaxDepth bounds element nesting in Parse.
const MaxDepth = 256

// SourceError is a problem in a document, with its place.
type SourceError struct {
	Source string
	Line   int
	Msg    string
}

func (e *SourceError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Source, e.Msg)
}

// Parse reads a whole document; source names it in errors. It refuses a
// DOCTYPE (and so any entity) and anything that is not UTF-8.
func Parse(source string, data []byte) (*Node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q is not supported; conform reads UTF-8 only", label)
	}
	lineAt := lineIndex(data)
	var root *Node
	var stack []*Node
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			return nil, &SourceError{source, line, "not well-formed XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, &SourceError{source, lineAt(off), "has a DOCTYPE or other declaration; conform refuses DTDs here (they can pull in files or URLs): remove it"}
		case xml.StartElement:
			if len(stack) >= MaxDepth {
				return nil, &SourceError{source, lineAt(off), fmt.Sprintf("elements are nested deeper than %d; no WSDL or schema is", MaxDepth)}
			}
			n := &Node{Name: t.Name, Start: off, StartEnd: dec.InputOffset(), Line: lineAt(off)}
			if len(stack) > 0 {
				n.parent = stack[len(stack)-1]
			}
			own := func(prefix, ns string) {
				if n.Own == nil {
					n.Own = map[string]string{}
				}
				n.Own[prefix] = ns
			}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					own(a.Name.Local, a.Value)
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					own("", a.Value)
				default:
					n.Attrs = append(n.Attrs, a)
				}
			}
			n.SelfClose = bytes.HasSuffix(data[off:n.StartEnd], []byte("/>"))
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.End = dec.InputOffset()
			stack = stack[:len(stack)-1]
		}
	}
	if root == nil {
		return nil, &SourceError{source, 0, "is empty: no root element"}
	}
	return root, nil
}

// lineIndex returns a function from byte offset to 1-based line.
func lineIndex(data []byte) func(int64) int {
	var starts []int64
	starts = append(starts, 0)
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, int64(i+1))
		}
	}
	return func(off int64) int {
		return sort.Search(len(starts), func(i int) bool { return starts[i] > off })
	}
}
