package mock

import (
	"fmt"
	"testing"
	"time"
)

func TestStoreBounds(t *testing.T) {
	now := time.Unix(1000, 0)
	s := newStore[int](3, 100)
	for i := 0; i < 5; i++ {
		s.put(fmt.Sprint(i), i, 10, time.Time{}, now)
	}
	if s.len() != 3 {
		t.Fatalf("count bound: %d entries", s.len())
	}
	if _, _, ok := s.get("1"); ok {
		t.Errorf("the oldest were not the ones dropped")
	}
	s.put("big", 9, 95, time.Time{}, now) // over the byte bound: older ones go
	if _, _, ok := s.get("4"); ok || s.bytes > 100 {
		t.Errorf("byte bound: %d bytes, %d entries", s.bytes, s.len())
	}

	// Expired entries go as new ones come, whatever the bounds.
	e := newStore[int](1000, 0)
	for i := 0; i < 500; i++ {
		e.put(fmt.Sprint(i), i, 0, now.Add(time.Minute), now)
	}
	e.put("late", 1, 0, now.Add(2*time.Hour), now.Add(time.Hour))
	if e.len() != 1 {
		t.Errorf("expired entries kept: %d", e.len())
	}
	// Deleting out of order does not let the key list grow without bound.
	for i := 0; i < 10000; i++ {
		k := fmt.Sprint("d", i)
		e.put(k, i, 0, time.Time{}, now)
		e.del(k)
	}
	if len(e.order) > 2*e.len()+65 {
		t.Errorf("key list of %d for %d entries", len(e.order), e.len())
	}
}
