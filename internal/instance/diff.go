package instance

import (
	"reflect"
	"sort"
)

// Diff lists the global elements and types that differ between two schema
// models, by name: what a change of the WSDL's types means for messages,
// whatever its formatting.
func Diff(a, b *Schema) []string {
	var out []string
	for q, pa := range a.Elements {
		pb, ok := b.Elements[q]
		switch {
		case !ok:
			out = append(out, "element "+q.String()+" is gone")
		case !reflect.DeepEqual(pa, pb):
			out = append(out, "element "+q.String()+" changed")
		}
	}
	for q := range b.Elements {
		if _, ok := a.Elements[q]; !ok {
			out = append(out, "element "+q.String()+" is new")
		}
	}
	for q, ta := range a.Types {
		tb, ok := b.Types[q]
		switch {
		case !ok:
			out = append(out, "type "+q.String()+" is gone")
		case !reflect.DeepEqual(ta, tb):
			out = append(out, "type "+q.String()+" changed")
		}
	}
	for q := range b.Types {
		if _, ok := a.Types[q]; !ok {
			out = append(out, "type "+q.String()+" is new")
		}
	}
	sort.Strings(out)
	return out
}
