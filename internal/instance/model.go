// Package instance reads the XML Schema subset WCF emits (global and local
// elements, complex types with sequences and extensions, simple types with
// restrictions and lists) from a service's extracted schemas, and writes
// deterministic, schema-valid instances of any element declaration: the
// mock's generated responses and the suite's generated requests.
package instance

import (
	"fmt"
	"io/fs"
	"strconv"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/xmltree"
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
		if err := s.read(dir+"/"+f.File, data); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// qname resolves a QName value by the prefixes in scope at n.
func qname(n *xmltree.Node, v string) contract.QName {
	ns, local, _ := n.Resolve(v) // an undeclared prefix leaves ns empty: "type … is not defined" follows
	return contract.QName{Namespace: ns, Name: local}
}

// is reports whether n is the XML Schema element xs:local.
func is(n *xmltree.Node, local string) bool { return n.Name.Space == nsXS && n.Name.Local == local }

func (s *Schema) read(name string, data []byte) error {
	root, err := xmltree.Parse(name, data)
	if err != nil {
		return err
	}
	tns := root.Attr("targetNamespace")
	for _, k := range root.Children {
		name := contract.QName{Namespace: tns, Name: k.Attr("name")}
		switch {
		case is(k, "element"):
			p, err := s.particle(k, tns)
			if err != nil {
				return err
			}
			s.Elements[name] = p
		case is(k, "complexType"):
			t, err := s.complexType(k, tns)
			if err != nil {
				return err
			}
			t.Name = name
			s.Types[name] = t
		case is(k, "simpleType"):
			t := s.simpleType(k)
			t.Name = name
			s.Types[name] = t
		}
	}
	return nil
}

func (s *Schema) particle(k *xmltree.Node, tns string) (*Particle, error) {
	p := &Particle{Name: contract.QName{Namespace: tns, Name: k.Attr("name")}, MinOccurs: 1, MaxOccurs: 1, Nillable: k.Attr("nillable") == "true"}
	if v := k.Attr("minOccurs"); v != "" {
		p.MinOccurs, _ = strconv.Atoi(v)
	}
	if v := k.Attr("maxOccurs"); v != "" {
		if v == "unbounded" {
			p.MaxOccurs = -1
		} else {
			p.MaxOccurs, _ = strconv.Atoi(v)
		}
	}
	if t := k.Attr("type"); t != "" {
		p.Type = qname(k, t)
		return p, nil
	}
	for _, c := range k.Children {
		switch {
		case is(c, "complexType"):
			t, err := s.complexType(c, tns)
			if err != nil {
				return nil, err
			}
			p.Inline = t
		case is(c, "simpleType"):
			p.Inline = s.simpleType(c)
		}
	}
	if p.Inline == nil {
		p.Type = contract.QName{Namespace: nsXS, Name: "anyType"}
	}
	return p, nil
}

func (s *Schema) sequence(k *xmltree.Node, tns string) ([]Particle, error) {
	var out []Particle
	for _, e := range k.Children {
		if !is(e, "element") {
			if is(e, "annotation") {
				continue
			}
			return nil, fmt.Errorf("unsupported <xs:%s> in a sequence", e.Name.Local)
		}
		if ref := e.Attr("ref"); ref != "" {
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

func (s *Schema) complexType(k *xmltree.Node, tns string) (*Type, error) {
	t := &Type{}
	for _, c := range k.Children {
		switch {
		case is(c, "sequence"):
			seq, err := s.sequence(c, tns)
			if err != nil {
				return nil, err
			}
			t.Seq = seq
		case is(c, "complexContent"):
			for _, ext := range c.Children {
				if !is(ext, "extension") {
					return nil, fmt.Errorf("unsupported complexContent <xs:%s>", ext.Name.Local)
				}
				t.Base = qname(ext, ext.Attr("base"))
				for _, e := range ext.Children {
					if is(e, "sequence") {
						seq, err := s.sequence(e, tns)
						if err != nil {
							return nil, err
						}
						t.Seq = seq
					}
				}
			}
		case is(c, "annotation"), is(c, "attribute"):
		default:
			return nil, fmt.Errorf("unsupported <xs:%s> in complexType %s", c.Name.Local, k.Attr("name"))
		}
	}
	return t, nil
}

func (s *Schema) simpleType(k *xmltree.Node) *Type {
	t := &Type{Simple: true}
	for _, c := range k.Children {
		switch {
		case is(c, "restriction"):
			t.Base = qname(c, c.Attr("base"))
			for _, f := range c.Children {
				switch {
				case is(f, "enumeration"):
					t.Enum = append(t.Enum, f.Attr("value"))
				case is(f, "pattern"):
					t.Pattern = true
				case is(f, "minInclusive"):
					t.Min = f.Attr("value")
				}
			}
		case is(c, "list"):
			for _, it := range c.Children {
				if is(it, "simpleType") {
					t.List = s.simpleType(it)
				}
			}
			if v := c.Attr("itemType"); v != "" {
				t.List = &Type{Simple: true, Base: qname(c, v)}
			}
		}
	}
	return t
}

// TypeAt is the declared type of the element at path (local names below
// the global element el), following named types and their bases; the zero
// QName when the path leads nowhere or to an anonymous type.
func (s *Schema) TypeAt(el contract.QName, path []string) contract.QName {
	p := s.Elements[el]
	for _, name := range path {
		if p == nil {
			return contract.QName{}
		}
		t := p.Inline
		if t == nil {
			t = s.Types[p.Type]
		}
		var next *Particle
		for depth := 0; t != nil && next == nil && depth < 64; depth++ {
			for i := range t.Seq {
				if t.Seq[i].Name.Name == name {
					next = &t.Seq[i]
					break
				}
			}
			if t.Base.Name == "" {
				break
			}
			t = s.Types[t.Base]
		}
		p = next
	}
	if p == nil {
		return contract.QName{}
	}
	return p.Type
}

// IsBoolean reports whether the element at path is an xs:boolean.
func (s *Schema) IsBoolean(el contract.QName, path []string) bool {
	return s.TypeAt(el, path) == contract.QName{Namespace: nsXS, Name: "boolean"}
}
