package mock_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/soap"
)

// A custom object saved is read back exactly as it was given (its values
// dictionary too), under a key the mock gave it; a change is kept; a
// delete removes it; an unknown key reads as a nil Response.
func TestEntityStoreKeepsWhatItIsGiven(t *testing.T) {
	e := start(t, mock.Options{})
	tk := e.ticket()
	h := netserver.RequestHeaders(ns, nil, &tk)
	row := func(id, name string) string {
		return soap.Elem(ns, "SaveCustomObject", soap.Text("DefinitionName", "y_equipment")+
			"<Row>"+soap.Text("DefinitionName", "y_equipment")+soap.Text("Id", id)+
			"<Values><StringKeyValuePair><Key>name</Key><Value>"+soap.Escape(name)+"</Value></StringKeyValuePair>"+
			"<StringKeyValuePair><Key>empty</Key><Value xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" i:nil=\"true\"/></StringKeyValuePair></Values></Row>")
	}
	_, saved := e.call("CustomObject", "SaveCustomObject", h, row("0", "drill & <bit> ✓"))
	id := saved.Body.At("Response", "Id").Value()
	if !succeeded(saved) || id == nil || *id == "0" || *id == "1" {
		t.Fatalf("save: %+v", saved.Body)
	}
	get := func() *soap.Message {
		_, msg := e.call("CustomObject", "GetCustomObject", h, soap.Elem(ns, "GetCustomObject", soap.Text("DefinitionName", "y_equipment")+soap.Text("Id", *id)))
		return msg
	}
	got := get().Body.At("Response")
	pairs := got.Child("Values").Kids
	if len(pairs) != 2 || *pairs[0].Child("Value").Value() != "drill & <bit> ✓" || !pairs[1].Child("Value").Nil() || *got.Child("DefinitionName").Value() != "y_equipment" {
		t.Errorf("read back: %+v", got)
	}
	e.call("CustomObject", "SaveCustomObject", h, row(*id, "saw"))
	if v := *get().Body.At("Response", "Values").Kids[0].Child("Value").Value(); v != "saw" {
		t.Errorf("after a change: %q", v)
	}
	if _, msg := e.call("CustomObject", "SaveCustomObject", h, row("4242", "x")); succeeded(msg) {
		t.Error("saving a key that was never given succeeded")
	}
	_, del := e.call("CustomObject", "DeleteCustomObject", h, soap.Elem(ns, "DeleteCustomObject", soap.Text("DefinitionName", "y_equipment")+soap.Text("Id", *id)))
	if !succeeded(del) || get().Body.At("Response").Value() != nil {
		t.Errorf("after delete: %+v", get().Body)
	}
	if _, msg := e.call("CustomObject", "DeleteCustomObject", h, soap.Elem(ns, "DeleteCustomObject", soap.Text("Id", *id))); succeeded(msg) {
		t.Error("deleting twice succeeded")
	}
	// The record an install has before anyone tests it.
	if keys := e.m.Keys("CustomObject.CustomObject"); strings.Join(keys, ",") != "1" {
		t.Errorf("keys %v, want the seeded 1", keys)
	}
	_, def := e.call("CustomObject", "CreateDefaultCustomObject", h, soap.Elem(ns, "CreateDefaultCustomObject", soap.Text("DefinitionName", "y_equipment")))
	if v := def.Body.At("Response", "Id").Value(); v == nil || *v != "0" {
		t.Errorf("create default: key %v, want 0", v)
	}
}

// The stores keep within their caps: memory is flat over 100,000 saves
// (go test -bench EntityStore -benchtime 100000x reports the heap after).
func BenchmarkEntityStoreMemory(b *testing.B) {
	e := start(b, mock.Options{MaxStored: 1000})
	tk := e.ticket()
	h := netserver.RequestHeaders(ns, nil, &tk)
	body := soap.Elem(ns, "SaveRoleEntity", "<RoleEntity>"+soap.Text("RoleId", "0")+soap.Text("Name", strings.Repeat("n", 200))+"</RoleEntity>")
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.call("User", "SaveRoleEntity", h, body)
	}
	b.StopTimer()
	if n := len(e.m.Keys("User.RoleEntity")); n > 1000 {
		b.Fatalf("%d roles kept, the cap is 1000", n)
	}
	b.ReportMetric(float64(before)/(1<<20), "heap-before-MB")
	b.ReportMetric(float64(heap())/(1<<20), "heap-after-MB")
}
