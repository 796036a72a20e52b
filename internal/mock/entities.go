package mock

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/family"
	"github.com/conform-dev/conform/internal/soap"
)

// entities keeps one family's records: what Save was given, under the key
// the mock gave it, as the XML of the entity's elements. Bounded like the
// other stores (MaxStored records, MaxStoredBytes in all; the oldest go).
type entities struct {
	f      family.Family
	order  []string // the entity's elements in schema order
	store  *store[string]
	last   int // the last key given out
	prefix string
}

// firstKey: keys the mock gives out start after it; key 1 is a record the
// mock holds from the start (an install is not empty: a generated request's
// sample id names it, not the run's own).
const firstKey = 100

// familiesFor sets up a store for every family of a service and the
// handlers of their operations.
func (m *Mock) familiesFor(s *service, fams []family.Family) error {
	for _, f := range fams {
		f := f
		t := returnsType(s, f.Save.Op)
		es := &entities{f: f, order: family.Elements(s.model, t), store: newStore[string](m.opts.MaxStored, m.opts.MaxStoredBytes), last: firstKey}
		// The record an install already has.
		seed, err := s.model.Element(s.c.Op(f.Get.Op).Output.Body)
		if err != nil {
			return err
		}
		if msg, err := soap.Read(soap.Envelope("1.1", nil, string(seed))); err == nil {
			if r := msg.Body.Child("Response"); r != nil && !r.Nil() {
				es.store.put("1", es.xml(r, "1"), int64(len(seed)), time.Time{}, m.opts.Now())
			}
		}
		m.entities[s.c.Service+"."+f.Entity] = es
		s.handlers[f.Save.Op] = func(c call) reply { return m.saveEntity(c, es) }
		s.handlers[f.Get.Op] = func(c call) reply { return m.getEntity(c, es) }
		s.handlers[f.Delete.Op] = func(c call) reply { return m.deleteEntity(c, es) }
		if f.CreateDefault != "" {
			s.handlers[f.CreateDefault] = func(c call) reply { return m.createDefault(c, es) }
		}
	}
	return nil
}

func returnsType(s *service, op string) contract.QName {
	if p := s.model.Elements[s.c.Op(op).Output.Body]; p != nil && p.Inline != nil {
		for _, k := range p.Inline.Seq {
			if k.Name.Name == "Response" {
				return k.Type
			}
		}
	}
	return contract.QName{}
}

// xml writes an entity's elements as the XML of a Response, with the key
// set (or put in its place by schema order when the request left it out).
func (es *entities) xml(n *soap.Node, key string) string {
	var b strings.Builder
	wroteKey := false
	pos := func(name string) int {
		for i, o := range es.order {
			if o == name {
				return i
			}
		}
		return len(es.order)
	}
	keyPos := pos(es.f.Key)
	for _, k := range n.Kids {
		if !wroteKey && pos(k.Name.Local) > keyPos {
			b.WriteString(soap.Text(es.f.Key, key))
			wroteKey = true
		}
		if k.Name.Local == es.f.Key {
			if !wroteKey {
				b.WriteString(soap.Text(es.f.Key, key))
				wroteKey = true
			}
			continue
		}
		writeNode(&b, k, n.Name.Space)
	}
	if !wroteKey {
		b.WriteString(soap.Text(es.f.Key, key))
	}
	return b.String()
}

// writeNode writes an element read from a request back as XML: its
// namespace declared where it differs from its parent's, nil kept.
func writeNode(b *strings.Builder, n *soap.Node, parentNS string) {
	b.WriteString("<" + n.Name.Local)
	if n.Name.Space != parentNS {
		b.WriteString(` xmlns="` + soap.Escape(n.Name.Space) + `"`)
	}
	if n.Nil() {
		b.WriteString(` xmlns:i="` + soap.NSXSI + `" i:nil="true" />`)
		return
	}
	b.WriteString(">")
	if len(n.Kids) == 0 {
		b.WriteString(soap.Escape(n.Text))
	}
	for _, k := range n.Kids {
		writeNode(b, k, n.Name.Space)
	}
	b.WriteString("</" + n.Name.Local + ">")
}

func (m *Mock) entityReply(c call, inner string) reply {
	return reply{body: soap.Elem(c.s.c.TargetNamespace, c.op.Output.Body.Name, "<Response>"+inner+"</Response>")}
}

// saveEntity keeps what Save was given: key 0 (or none) makes a new
// record with the next key, another key replaces that record if there is
// one. It answers the record as kept.
func (m *Mock) saveEntity(c call, es *entities) reply {
	e := c.msg.Body.Child(es.f.Save.Param)
	if e == nil || e.Nil() {
		return m.failure(c, "ArgumentNullException", es.f.Save.Param+" is nil")
	}
	id := 0
	if v := e.Child(es.f.Key).Value(); v != nil && strings.TrimSpace(*v) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(*v))
		if err != nil {
			return m.failure(c, "ArgumentException", es.f.Key+" is not an integer")
		}
		id = n
	}
	m.mu.Lock()
	now := m.opts.Now()
	var created []string
	if id == 0 {
		es.last++
		id = es.last
		created = append(created, strconv.Itoa(id))
	} else if _, _, ok := es.store.get(strconv.Itoa(id)); !ok {
		m.mu.Unlock()
		return m.failure(c, "SoException", fmt.Sprintf("there is no %s %d to save", es.f.Entity, id))
	}
	key := strconv.Itoa(id)
	x := es.xml(e, key)
	es.store.put(key, x, int64(len(x))+64, time.Time{}, now)
	m.mu.Unlock()
	rep := m.entityReply(c, x)
	rep.created = created
	return rep
}

// getEntity answers the record kept under the key, or a nil Response (as
// NetServer answers an unknown id).
func (m *Mock) getEntity(c call, es *entities) reply {
	id := c.msg.Body.Child(es.f.Get.Param).Value()
	if id == nil {
		return reply{body: c.s.nilBody[c.op.Name]}
	}
	m.mu.RLock()
	x, _, ok := es.store.get(strings.TrimSpace(*id))
	m.mu.RUnlock()
	if !ok {
		return reply{body: c.s.nilBody[c.op.Name]}
	}
	return m.entityReply(c, x)
}

// deleteEntity removes the record; an unknown key fails, as deleting what
// is not there does.
func (m *Mock) deleteEntity(c call, es *entities) reply {
	id := c.msg.Body.Child(es.f.Delete.Param).Value()
	if id == nil {
		return m.failure(c, "ArgumentException", es.f.Delete.Param+" is missing")
	}
	key := strings.TrimSpace(*id)
	m.mu.Lock()
	_, _, ok := es.store.get(key)
	es.store.del(key)
	m.mu.Unlock()
	if !ok {
		return m.failure(c, "SoException", fmt.Sprintf("there is no %s %s to delete", es.f.Entity, key))
	}
	return reply{body: string(c.s.canned[c.op.Name])}
}

// createDefault answers an unsaved entity: its key 0.
func (m *Mock) createDefault(c call, es *entities) reply {
	zero := "0"
	body, err := c.s.model.Build(c.op.Output.Body, map[string]*string{"Response/" + es.f.Key: &zero})
	if err != nil {
		return m.failure(c, "SoException", "the mock cannot make a default "+es.f.Entity+": "+err.Error())
	}
	return reply{body: string(body)}
}

// Keys are the keys of the records the mock keeps of an entity
// ("User.RoleEntity"), sorted, for tests.
func (m *Mock) Keys(entity string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	es := m.entities[entity]
	if es == nil {
		return nil
	}
	var out []string
	for k := range es.store.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
