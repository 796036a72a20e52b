package instance

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"

	"github.com/conform-dev/conform/internal/contract"
)

// Build writes an instance of the global element el holding exactly the
// given values, in schema order. Keys are slash paths below el
// ("TokenManagementInfo/Provider"); a nil value writes a nil element (the
// particle must be nillable). Elements no path names are left out unless
// required, in which case they get sample values. An unknown path is an
// error naming it.
func (s *Schema) Build(el contract.QName, values map[string]*string) ([]byte, error) {
	p, ok := s.Elements[el]
	if !ok {
		return nil, fmt.Errorf("no global element %s in the schema set", el)
	}
	used := map[string]bool{}
	var b bytes.Buffer
	w := &writer{s: s, b: &b}
	if err := w.build(*p, "", "", values, used, true); err != nil {
		return nil, fmt.Errorf("%s: %w", el.Name, err)
	}
	var unknown []string
	for k := range values {
		if !used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("%s has no element %s (paths are element names below %s, joined by /)", el.Name, strings.Join(unknown, ", "), el.Name)
	}
	return b.Bytes(), nil
}

func mentions(values map[string]*string, path string) bool {
	for k := range values {
		if k == path || strings.HasPrefix(k, path+"/") {
			return true
		}
	}
	return false
}

func (w *writer) build(p Particle, path, parentNS string, values map[string]*string, used map[string]bool, root bool) error {
	if !root {
		if v, ok := values[path]; ok {
			used[path] = true
			t, err := w.typeOf(p)
			if err != nil {
				return err
			}
			open := "<" + p.Name.Name
			if p.Name.Namespace != parentNS {
				open += fmt.Sprintf(" xmlns=%q", p.Name.Namespace)
			}
			if v == nil {
				if !p.Nillable {
					return fmt.Errorf("%s cannot be nil (it is not nillable)", path)
				}
				w.b.WriteString(open + fmt.Sprintf(" xmlns:i=%q i:nil=\"true\" />", nsXSI))
				return nil
			}
			if !t.Simple {
				return fmt.Errorf("%s has element content: give values for the elements below it", path)
			}
			w.b.WriteString(open + ">")
			xml.EscapeText(w.b, []byte(*v))
			w.b.WriteString("</" + p.Name.Name + ">")
			return nil
		}
		if !mentions(values, path) {
			return w.element(p, parentNS, 0, nil, false)
		}
	}
	t, err := w.typeOf(p)
	if err != nil {
		return err
	}
	if t.Simple {
		return fmt.Errorf("%s is a simple value; nothing lies below it", path)
	}
	parts, err := w.particles(t)
	if err != nil {
		return err
	}
	w.b.WriteString("<" + p.Name.Name)
	if root || p.Name.Namespace != parentNS {
		fmt.Fprintf(w.b, " xmlns=%q", p.Name.Namespace)
	}
	w.b.WriteString(">")
	for _, c := range parts {
		cp := c.Name.Name
		if path != "" {
			cp = path + "/" + c.Name.Name
		}
		if c.MinOccurs == 0 && !mentions(values, cp) {
			continue
		}
		if err := w.build(c, cp, p.Name.Namespace, values, used, false); err != nil {
			return err
		}
	}
	w.b.WriteString("</" + p.Name.Name + ">")
	return nil
}
