package instance

import (
	"reflect"
	"sort"

	"github.com/conform-dev/conform/internal/contract"
)

// Diff lists the global elements and types that differ between two schema
// models, by name: what a change of the WSDL's types means for messages,
// whatever its formatting.
func Diff(a, b *Schema) []string {
	out := append(diffNamed("element", a.Elements, b.Elements), diffNamed("type", a.Types, b.Types)...)
	sort.Strings(out)
	return out
}

func diffNamed[V any](kind string, a, b map[contract.QName]V) []string {
	var out []string
	for q, va := range a {
		vb, ok := b[q]
		switch {
		case !ok:
			out = append(out, kind+" "+q.String()+" is gone")
		case !reflect.DeepEqual(va, vb):
			out = append(out, kind+" "+q.String()+" changed")
		}
	}
	for q := range b {
		if _, ok := a[q]; !ok {
			out = append(out, kind+" "+q.String()+" is new")
		}
	}
	return out
}
