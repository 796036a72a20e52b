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
			return nil, fmt.Errorf("the schemas extracted from %s: %w", c.WSDLFile, err)
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

// unsupported names an XSD construct the model cannot generate instances
// of, and where it is: never a silently wrong instance.
func unsupported(n *xmltree.Node, where string) error {
	what := "<xs:" + n.Name.Local + ">"
	if n.Name.Local == "attribute" {
		what = fmt.Sprintf("a required attribute %q", n.Attr("name"))
	}
	return fmt.Errorf("line %d: unsupported %s %s; conform cannot generate instances of it (please report it with the WSDL)", n.Line, what, where)
}

func (s *Schema) read(name string, data []byte) error {
	root, err := xmltree.Parse(name, data)
	if err != nil {
		return err
	}
	if err := s.readRoot(root); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (s *Schema) readRoot(root *xmltree.Node) error {
	tns := root.Attr("targetNamespace")
	for _, k := range root.Children {
		if !(is(k, "element") || is(k, "complexType") || is(k, "simpleType") || is(k, "import") || is(k, "annotation") || is(k, "attribute") || is(k, "include")) {
			return unsupported(k, "at the top of a schema")
		}
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
			return nil, unsupported(e, "in a sequence (conform generates sequences of elements only)")
		}
		if ref := e.Attr("ref"); ref != "" {
			return nil, unsupported(e, fmt.Sprintf("with ref=%q (conform generates elements declared in place)", ref))
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
					return nil, unsupported(ext, "in complexContent (conform generates extensions only)")
				}
				t.Base = qname(ext, ext.Attr("base"))
				for _, e := range ext.Children {
					switch {
					case is(e, "sequence"):
						seq, err := s.sequence(e, tns)
						if err != nil {
							return nil, err
						}
						t.Seq = seq
					case is(e, "annotation"):
					case is(e, "attribute") && e.Attr("use") != "required":
					default:
						return nil, unsupported(e, "in an extension")
					}
				}
			}
		case is(c, "annotation"):
		case is(c, "attribute") && c.Attr("use") != "required":
			// Optional attributes are left out of generated instances.
		default:
			return nil, unsupported(c, fmt.Sprintf("in complexType %q", k.Attr("name")))
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
