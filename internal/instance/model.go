// Package instance reads the XML Schema subset WCF emits (global and local
// elements, complex types with sequences and extensions, simple types with
// restrictions and lists) from a service's extracted schemas, and writes
// deterministic, schema-valid instances of any element declaration: the
// mock's generated responses and the suite's generated requests.
package instance

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/conform-dev/conform/internal/contract"
)

const nsXS = "http://www.w3.org/2001/XMLSchema"

// Particle is an element inside a sequence.
type Particle struct {
	Name      contract.QName
	Type      contract.QName // named type, or zero with Inline set
	Inline    *Type
	MinOccurs int
	MaxOccurs int // -1 = unbounded
	Nillable  bool
}

// Type is a complex or simple type.
type Type struct {
	Name    contract.QName
	Simple  bool
	Base    contract.QName // extension base (complex) or restriction base (simple)
	Seq     []Particle     // own particles, after the base's
	Enum    []string
	Pattern bool   // restricted by a pattern: values come from knownValues
	List    *Type  // item type of an xs:list
	Min     string // minInclusive
}

// Schema is the model of one service's schema set.
type Schema struct {
	Elements map[contract.QName]*Particle
	Types    map[contract.QName]*Type
}

// Load reads every XSD of a service folder (as listed in its contract).
func Load(fsys fs.FS, dir string, c *contract.Contract) (*Schema, error) {
	s := &Schema{Elements: map[contract.QName]*Particle{}, Types: map[contract.QName]*Type{}}
	for _, f := range c.Schemas {
		data, err := fs.ReadFile(fsys, dir+"/"+f.File)
		if err != nil {
			return nil, err
		}
		if err := s.read(data); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", dir, f.File, err)
		}
	}
	return s, nil
}

// xnode is a generic element with its in-scope prefixes.
type xnode struct {
	name  xml.Name
	attrs map[string]string
	scope map[string]string
	kids  []*xnode
}

func parse(data []byte) (*xnode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if err != nil {
			if root != nil && len(stack) == 0 {
				return root, nil
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: t.Name, attrs: map[string]string{}, scope: map[string]string{}}
			if len(stack) > 0 {
				for k, v := range stack[len(stack)-1].scope {
					n.scope[k] = v
				}
			}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					n.scope[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					n.scope[""] = a.Value
				case a.Name.Space == "":
					n.attrs[a.Name.Local] = a.Value
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func (n *xnode) qname(v string) contract.QName {
	p, l, ok := strings.Cut(v, ":")
	if !ok {
		return contract.QName{Namespace: n.scope[""], Name: v}
	}
	return contract.QName{Namespace: n.scope[p], Name: l}
}

func (n *xnode) is(local string) bool { return n.name.Space == nsXS && n.name.Local == local }

func (s *Schema) read(data []byte) error {
	root, err := parse(data)
	if err != nil {
		return err
	}
	tns := root.attrs["targetNamespace"]
	for _, k := range root.kids {
		name := contract.QName{Namespace: tns, Name: k.attrs["name"]}
		switch {
		case k.is("element"):
			p, err := s.particle(k, tns)
			if err != nil {
				return err
			}
			s.Elements[name] = p
		case k.is("complexType"):
			t, err := s.complexType(k, tns)
			if err != nil {
				return err
			}
			t.Name = name
			s.Types[name] = t
		case k.is("simpleType"):
			t := s.simpleType(k)
			t.Name = name
			s.Types[name] = t
		}
	}
	return nil
}

func (s *Schema) particle(k *xnode, tns string) (*Particle, error) {
	p := &Particle{Name: contract.QName{Namespace: tns, Name: k.attrs["name"]}, MinOccurs: 1, MaxOccurs: 1, Nillable: k.attrs["nillable"] == "true"}
	if v, ok := k.attrs["minOccurs"]; ok {
		p.MinOccurs, _ = strconv.Atoi(v)
	}
	if v, ok := k.attrs["maxOccurs"]; ok {
		if v == "unbounded" {
			p.MaxOccurs = -1
		} else {
			p.MaxOccurs, _ = strconv.Atoi(v)
		}
	}
	if t := k.attrs["type"]; t != "" {
		p.Type = k.qname(t)
		return p, nil
	}
	for _, c := range k.kids {
		switch {
		case c.is("complexType"):
			t, err := s.complexType(c, tns)
			if err != nil {
				return nil, err
			}
			p.Inline = t
		case c.is("simpleType"):
			p.Inline = s.simpleType(c)
		}
	}
	if p.Inline == nil {
		p.Type = contract.QName{Namespace: nsXS, Name: "anyType"}
	}
	return p, nil
}

func (s *Schema) sequence(k *xnode, tns string) ([]Particle, error) {
	var out []Particle
	for _, e := range k.kids {
		if !e.is("element") {
			if e.is("annotation") {
				continue
			}
			return nil, fmt.Errorf("unsupported <xs:%s> in a sequence", e.name.Local)
		}
		if ref := e.attrs["ref"]; ref != "" {
			return nil, fmt.Errorf("unsupported element ref %q", ref)
		}
		p, err := s.particle(e, tns)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

func (s *Schema) complexType(k *xnode, tns string) (*Type, error) {
	t := &Type{}
	for _, c := range k.kids {
		switch {
		case c.is("sequence"):
			seq, err := s.sequence(c, tns)
			if err != nil {
				return nil, err
			}
			t.Seq = seq
		case c.is("complexContent"):
			for _, ext := range c.kids {
				if !ext.is("extension") {
					return nil, fmt.Errorf("unsupported complexContent <xs:%s>", ext.name.Local)
				}
				t.Base = ext.qname(ext.attrs["base"])
				for _, e := range ext.kids {
					if e.is("sequence") {
						seq, err := s.sequence(e, tns)
						if err != nil {
							return nil, err
						}
						t.Seq = seq
					}
				}
			}
		case c.is("annotation"), c.is("attribute"):
		default:
			return nil, fmt.Errorf("unsupported <xs:%s> in complexType %s", c.name.Local, k.attrs["name"])
		}
	}
	return t, nil
}

func (s *Schema) simpleType(k *xnode) *Type {
	t := &Type{Simple: true}
	for _, c := range k.kids {
		switch {
		case c.is("restriction"):
			t.Base = c.qname(c.attrs["base"])
			for _, f := range c.kids {
				switch {
				case f.is("enumeration"):
					t.Enum = append(t.Enum, f.attrs["value"])
				case f.is("pattern"):
					t.Pattern = true
				case f.is("minInclusive"):
					t.Min = f.attrs["value"]
				}
			}
		case c.is("list"):
			for _, it := range c.kids {
				if it.is("simpleType") {
					t.List = s.simpleType(it)
				}
			}
			if v := c.attrs["itemType"]; v != "" {
				t.List = &Type{Simple: true, Base: c.qname(v)}
			}
		}
	}
	return t
}
