// Package family finds the entity life cycles of a contract, by NetServer's
// conventions: an entity type with an integer key, and around it
// Save<X> (takes the entity, returns it saved with its key), Get<X>(key),
// Delete<X>(key) and, where there is one, CreateDefault<X> (an unsaved
// entity, key 0); the four may share context elements (CustomObject's
// DefinitionName). Derive reads them from a contract and its schema model;
// the committed table of every pinned agent (fixtures/families/<Agent>.yaml)
// is that derivation reviewed by a person, and a test keeps the two equal.
// The case catalog turns each family into a life-cycle case; the mock keeps
// what each family's Save is given.
package family

import (
	"bytes"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/conform-dev/conform/fixtures"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/instance"
)

const nsXS = "http://www.w3.org/2001/XMLSchema"

// Op is one operation of a family and the request element it fills: the
// entity (save), or the key (get, delete).
type Op struct {
	Op    string `yaml:"op"`
	Param string `yaml:"param,omitempty"`
}

// Family is one entity's life cycle.
type Family struct {
	Entity        string   `yaml:"entity"` // the entity type's name
	Key           string   `yaml:"key"`    // its key element (xs:int)
	CreateDefault string   `yaml:"createDefault,omitempty"`
	Save          Op       `yaml:"save"`
	Get           Op       `yaml:"get"`
	Delete        Op       `yaml:"delete"`
	Context       []string `yaml:"context,omitempty"` // request elements the four share (DefinitionName)
	// Review, in the committed table only: whether conform runs the
	// family's life cycle against a live endpoint (at the own-data tier),
	// and if not, why. Against the embedded mock it always runs.
	Live *bool  `yaml:"live,omitempty"`
	Why  string `yaml:"why,omitempty"`

	// Text are the entity's own single-valued xs:string elements, in
	// schema order: what a life cycle fills with recognisable values.
	Text []string `yaml:"-"`
}

// Derived is the family as the derivation finds it (review fields cleared).
func (f Family) Derived() Family {
	f.Live, f.Why, f.Text = nil, "", nil
	return f
}

// Derive finds the families of a contract.
func Derive(c *contract.Contract, m *instance.Schema) []Family {
	ops := map[string]*contract.Operation{}
	for i := range c.Operations {
		ops[c.Operations[i].Name] = &c.Operations[i]
	}
	var out []Family
	for i := range c.Operations {
		op := &c.Operations[i]
		if !strings.HasPrefix(op.Name, "Save") {
			continue
		}
		entity, param, context, ok := saved(m, op)
		if !ok {
			continue
		}
		t := m.Types[entity]
		key := keyOf(m, t)
		if key == "" {
			continue
		}
		base := strings.TrimSuffix(entity.Name, "Entity")
		f := Family{Entity: entity.Name, Key: key, Save: Op{Op: op.Name, Param: param}, Context: context}
		get, gp := pick(c, m, entity, context, base, key, "Get", true)
		del, dp := pick(c, m, entity, context, base, key, "Delete", false)
		if get == "" || del == "" {
			continue
		}
		f.Get, f.Delete = Op{Op: get, Param: gp}, Op{Op: del, Param: dp}
		for _, name := range []string{"CreateDefault" + entity.Name, "CreateDefault" + base} {
			if o := ops[name]; o != nil && returns(m, o) == entity && onlyContext(m, o, context) {
				f.CreateDefault = name
				break
			}
		}
		f.Text = textOf(m, t, context)
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Entity < out[j].Entity })
	// One family per entity: the first save found (a second, such as
	// SaveUserFromName, is an operation of its own).
	var uniq []Family
	for _, f := range out {
		if len(uniq) == 0 || uniq[len(uniq)-1].Entity != f.Entity {
			uniq = append(uniq, f)
		}
	}
	// An operation serves one family: where two claim the same one
	// (DeleteQuote for Quote and for QuoteEntity), the family it is named
	// after keeps it, and the other is no family (its operations keep
	// their generated cases).
	exact := func(f Family, op string) bool {
		for _, verb := range []string{"Save", "Get", "Delete", "CreateDefault"} {
			if op == verb+f.Entity {
				return true
			}
		}
		return false
	}
	owner := map[string]int{}
	drop := map[int]bool{}
	for i, f := range uniq {
		for _, op := range []string{f.Save.Op, f.Get.Op, f.Delete.Op, f.CreateDefault} {
			if op == "" {
				continue
			}
			j, taken := owner[op]
			switch {
			case !taken:
				owner[op] = i
			case exact(f, op) && !exact(uniq[j], op):
				drop[j], owner[op] = true, i
			default:
				drop[i] = true
			}
		}
	}
	var kept []Family
	for i, f := range uniq {
		if !drop[i] {
			kept = append(kept, f)
		}
	}
	return kept
}

// children are the particles of an operation's body element.
func children(m *instance.Schema, el contract.QName) []instance.Particle {
	p := m.Elements[el]
	if p == nil || p.Inline == nil {
		return nil
	}
	return p.Inline.Seq
}

// returns is the type of the Response element an operation answers with.
func returns(m *instance.Schema, op *contract.Operation) contract.QName {
	for _, p := range children(m, op.Output.Body) {
		if p.Name.Name == "Response" {
			return p.Type
		}
	}
	return contract.QName{}
}

func complexType(m *instance.Schema, q contract.QName) bool {
	t := m.Types[q]
	return t != nil && !t.Simple
}

func isString(p instance.Particle) bool {
	return p.Type == contract.QName{Namespace: nsXS, Name: "string"} && p.MaxOccurs == 1
}

func isInt(p instance.Particle) bool {
	return p.Type == contract.QName{Namespace: nsXS, Name: "int"} && p.MaxOccurs == 1
}

// saved: a Save operation that takes one entity and answers it.
func saved(m *instance.Schema, op *contract.Operation) (entity contract.QName, param string, context []string, ok bool) {
	ret := returns(m, op)
	if !complexType(m, ret) {
		return
	}
	for _, p := range children(m, op.Input.Body) {
		switch {
		case p.Type == ret && param == "":
			param = p.Name.Name
		case isString(p):
			context = append(context, p.Name.Name)
		default:
			return contract.QName{}, "", nil, false
		}
	}
	return ret, param, context, param != ""
}

// particles are a type's elements, its bases' first.
func particles(m *instance.Schema, t *instance.Type) []instance.Particle {
	var chain []*instance.Type
	for x := t; x != nil && len(chain) < 16; x = m.Types[x.Base] {
		chain = append([]*instance.Type{x}, chain...)
	}
	var out []instance.Particle
	for _, x := range chain {
		out = append(out, x.Seq...)
	}
	return out
}

// Elements are the names of an entity type's elements in schema order, its
// bases' first: where a key the request left out goes.
func Elements(m *instance.Schema, typeName contract.QName) []string {
	var out []string
	for _, p := range particles(m, m.Types[typeName]) {
		out = append(out, p.Name.Name)
	}
	return out
}

// keyOf is the entity's key: <Type>Id, <Type without Entity>Id or Id, else
// the first of its own integer elements whose name ends in Id.
func keyOf(m *instance.Schema, t *instance.Type) string {
	if t == nil {
		return ""
	}
	all := particles(m, t)
	for _, want := range []string{t.Name.Name + "Id", strings.TrimSuffix(t.Name.Name, "Entity") + "Id", "Id"} {
		for _, p := range all {
			if p.Name.Name == want && isInt(p) {
				return want
			}
		}
	}
	for _, p := range t.Seq {
		if isInt(p) && strings.HasSuffix(p.Name.Name, "Id") {
			return p.Name.Name
		}
	}
	return ""
}

func textOf(m *instance.Schema, t *instance.Type, context []string) []string {
	var out []string
	for _, p := range t.Seq {
		if isString(p) && !contains(context, p.Name.Name) {
			out = append(out, p.Name.Name)
		}
	}
	return out
}

func onlyContext(m *instance.Schema, op *contract.Operation, context []string) bool {
	for _, p := range children(m, op.Input.Body) {
		if !contains(context, p.Name.Name) {
			return false
		}
	}
	return true
}

// pick finds the get (answers the entity) or delete operation of an
// entity: named verb+Type or verb+Base (else any such one, for get),
// taking the context and one integer naming the record.
func pick(c *contract.Contract, m *instance.Schema, entity contract.QName, context []string, base, key, verb string, get bool) (string, string) {
	var cands []*contract.Operation
	for i := range c.Operations {
		op := &c.Operations[i]
		if !strings.HasPrefix(op.Name, verb) {
			continue
		}
		if get && returns(m, op) != entity {
			continue
		}
		if !get && op.Name != verb+entity.Name && op.Name != verb+base {
			continue
		}
		cands = append(cands, op)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		rank := func(o *contract.Operation) int {
			switch o.Name {
			case verb + entity.Name:
				return 0
			case verb + base:
				return 1
			}
			return 2
		}
		return rank(cands[i]) < rank(cands[j])
	})
	for _, op := range cands {
		var ints []string
		okCtx := true
		for _, p := range children(m, op.Input.Body) {
			switch {
			case isInt(p):
				ints = append(ints, p.Name.Name)
			case contains(context, p.Name.Name):
			default:
				okCtx = false
			}
		}
		if !okCtx || len(ints) == 0 {
			continue
		}
		// The integer that names the record: the key's name, one that
		// holds it or says ToDelete, else the only one.
		for _, n := range ints {
			if n == key || strings.Contains(n, key) || strings.HasSuffix(n, "ToDelete") || strings.HasSuffix(n, "Id") && len(ints) == 1 {
				return op.Name, n
			}
		}
		if len(ints) == 1 {
			return op.Name, ints[0]
		}
	}
	return "", ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Table is the reviewed families of one agent.
type Table struct {
	Agent    string   `yaml:"agent"`
	Families []Family `yaml:"families"`
	Source   string   `yaml:"-"`
}

// Tables are the reviewed tables by agent, and the sha256 of each file.
type Tables struct {
	ByAgent map[string]*Table
	Hashes  map[string]string
}

// Dir is the tables' folder in the fixtures tree.
const Dir = "families"

// Load reads dir/*.yaml from fsys.
func Load(fsys fs.FS, dir string) (*Tables, error) {
	out := &Tables{ByAgent: map[string]*Table{}, Hashes: map[string]string{}}
	files, err := fixtures.Files(fsys, dir, 1<<20)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		var t Table
		dec := yaml.NewDecoder(bytes.NewReader(f.Data))
		dec.KnownFields(true)
		if err := dec.Decode(&t); err != nil {
			return nil, fmt.Errorf("%s: %v (the format is in fixtures/README.md, \"Life cycles\")", f.Name, err)
		}
		if t.Agent == "" {
			return nil, fmt.Errorf("%s: no agent:", f.Name)
		}
		for _, fam := range t.Families {
			if fam.Live != nil && !*fam.Live && strings.TrimSpace(fam.Why) == "" {
				return nil, fmt.Errorf("%s: family %s: live: false needs a why: (the reason it does not run against an install)", f.Name, fam.Entity)
			}
		}
		t.Source = f.Name
		out.Hashes[f.Name] = f.Sum
		out.ByAgent[t.Agent] = &t
	}
	return out, nil
}

// Of are an agent's families: the reviewed table's (with the derivation's
// text fields) when it has one, reviewed true; else the derivation's.
func (t *Tables) Of(agent string, c *contract.Contract, m *instance.Schema) (fams []Family, reviewed bool) {
	derived := Derive(c, m)
	tab := t.ByAgent[agent]
	if tab == nil {
		return derived, false
	}
	text := map[string][]string{}
	for _, f := range derived {
		text[f.Entity] = f.Text
	}
	for _, f := range tab.Families {
		f.Text = text[f.Entity]
		fams = append(fams, f)
	}
	return fams, true
}
