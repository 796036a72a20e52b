package instance

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"github.com/conform-dev/conform/internal/contract"
)

const (
	nsXSI = "http://www.w3.org/2001/XMLSchema-instance"
	nsSer = "http://schemas.microsoft.com/2003/10/Serialization/"
	// maxDepth bounds how deep optional content is filled in.
	maxDepth = 8
)

// knownValues are values for the pattern-restricted types of WCF's
// serialization namespace.
var knownValues = map[contract.QName]string{
	{Namespace: nsSer, Name: "guid"}:     "00000000-0000-0000-0000-000000000001",
	{Namespace: nsSer, Name: "duration"}: "PT1S",
}

// builtin values, by XML Schema type name.
var builtin = map[string]string{
	"boolean": "true", "int": "1", "long": "1", "short": "1", "byte": "1",
	"unsignedInt": "1", "unsignedLong": "1", "unsignedShort": "1", "unsignedByte": "1",
	"decimal": "1.5", "double": "1.5", "float": "1.5",
	"dateTime": "2026-01-01T00:00:00", "base64Binary": "AAAA", "anyURI": "urn:conform:sample",
	"QName": "sample", "duration": "PT1S",
}

// Element writes a deterministic, schema-valid instance of the global
// element el: every required particle, and optional ones while they do not
// recurse into a type already being written.
func (s *Schema) Element(el contract.QName) ([]byte, error) {
	p, ok := s.Elements[el]
	if !ok {
		return nil, fmt.Errorf("no global element %s in the schema set", el)
	}
	var b bytes.Buffer
	w := &writer{s: s, b: &b}
	if err := w.element(*p, "", 0, nil, true); err != nil {
		return nil, fmt.Errorf("%s: %w", el, err)
	}
	return b.Bytes(), nil
}

type writer struct {
	s *Schema
	b *bytes.Buffer
}

func (w *writer) typeOf(p Particle) (*Type, error) {
	if p.Inline != nil {
		return p.Inline, nil
	}
	if p.Type.Namespace == nsXS {
		return &Type{Simple: true, Base: p.Type}, nil
	}
	t, ok := w.s.Types[p.Type]
	if !ok {
		return nil, fmt.Errorf("type %s is not defined", p.Type)
	}
	return t, nil
}

// value is a valid lexical value of a simple type.
func (w *writer) value(t *Type, name string) (string, error) {
	if v, ok := knownValues[t.Name]; ok {
		return v, nil
	}
	if len(t.Enum) > 0 {
		return t.Enum[0], nil
	}
	if t.List != nil {
		return w.value(t.List, name)
	}
	if t.Pattern {
		return "", fmt.Errorf("no sample value for pattern-restricted type %s", t.Name)
	}
	if t.Base.Namespace == nsXS {
		switch t.Base.Name {
		case "string", "anySimpleType":
			// "sample-<element>": recognizably made up, and never the
			// bare name of an element (secrets are redacted by value).
			return "sample-" + name, nil
		case "anyType":
			return "", nil
		}
		if t.Min != "" {
			return t.Min, nil
		}
		if v, ok := builtin[t.Base.Name]; ok {
			return v, nil
		}
		return "", fmt.Errorf("no sample value for xs:%s", t.Base.Name)
	}
	base, ok := w.s.Types[t.Base]
	if !ok {
		return "", fmt.Errorf("simple type %s is not defined", t.Base)
	}
	return w.value(base, name)
}

// particles are a complex type's particles, its bases' first.
func (w *writer) particles(t *Type) ([]Particle, error) {
	var chain []*Type
	for cur := t; cur != nil; {
		chain = append([]*Type{cur}, chain...)
		if cur.Base == (contract.QName{}) || cur.Base.Namespace == nsXS {
			break
		}
		next, ok := w.s.Types[cur.Base]
		if !ok {
			return nil, fmt.Errorf("base type %s is not defined", cur.Base)
		}
		cur = next
		if len(chain) > 32 {
			return nil, fmt.Errorf("type %s: derivation too deep", t.Name)
		}
	}
	var out []Particle
	for _, c := range chain {
		out = append(out, c.Seq...)
	}
	return out, nil
}

func onStack(stack []contract.QName, q contract.QName) bool {
	for _, s := range stack {
		if s == q {
			return true
		}
	}
	return false
}

func (w *writer) element(p Particle, parentNS string, depth int, stack []contract.QName, root bool) error {
	t, err := w.typeOf(p)
	if err != nil {
		return err
	}
	// Render into a scratch buffer, so that a failure leaves nothing behind.
	var tag bytes.Buffer
	tag.WriteString("<" + p.Name.Name)
	if root || p.Name.Namespace != parentNS {
		fmt.Fprintf(&tag, " xmlns=%q", p.Name.Namespace)
	}
	if root {
		fmt.Fprintf(&tag, " xmlns:i=%q", nsXSI)
	}
	if t.Simple {
		v, err := w.value(t, p.Name.Name)
		if err != nil {
			if p.Nillable {
				w.b.Write(tag.Bytes())
				w.b.WriteString(` i:nil="true" />`)
				return nil
			}
			return err
		}
		w.b.Write(tag.Bytes())
		w.b.WriteString(">")
		xml.EscapeText(w.b, []byte(v))
		w.b.WriteString("</" + p.Name.Name + ">")
		return nil
	}
	parts, err := w.particles(t)
	if err != nil {
		return err
	}
	w.b.Write(tag.Bytes())
	w.b.WriteString(">")
	stack = append(stack, p.Type)
	for _, c := range parts {
		n := c.MinOccurs
		if n == 0 && depth < maxDepth && (c.Inline != nil || !onStack(stack, c.Type)) {
			n = 1
		}
		for i := 0; i < n; i++ {
			mark := w.b.Len()
			if err := w.element(c, p.Name.Namespace, depth+1, stack, false); err != nil {
				w.b.Truncate(mark)
				if c.MinOccurs == 0 {
					break // optional: leave it out
				}
				return err
			}
		}
	}
	w.b.WriteString("</" + p.Name.Name + ">")
	return nil
}
