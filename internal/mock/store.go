package mock

import "time"

// store is a map that keeps at most max entries and maxBytes of values,
// dropping the oldest first, and drops entries past their expiry as new
// ones come. The mock's tickets, grants and stored tokens live in stores,
// so that a long-lived mock under load stays within a known size. It is
// not safe for concurrent use: the Mock's lock guards it.
type store[V any] struct {
	max      int
	maxBytes int64
	m        map[string]stored[V]
	order    []string // keys, oldest first (a key may be listed after it was deleted)
	bytes    int64
}

type stored[V any] struct {
	v       V
	size    int64
	expires time.Time // zero: never
}

func newStore[V any](max int, maxBytes int64) *store[V] {
	return &store[V]{max: max, maxBytes: maxBytes, m: map[string]stored[V]{}}
}

// put adds a value of the given size, then evicts expired and oldest
// entries until the store is within its bounds again.
func (s *store[V]) put(k string, v V, size int64, expires time.Time, now time.Time) {
	s.del(k)
	s.m[k] = stored[V]{v: v, size: size, expires: expires}
	s.order = append(s.order, k)
	s.bytes += size
	for len(s.order) > 0 {
		old := s.order[0]
		e, ok := s.m[old]
		over := len(s.m) > s.max || (s.maxBytes > 0 && s.bytes > s.maxBytes)
		expired := ok && !e.expires.IsZero() && !now.Before(e.expires)
		if ok && !over && !expired {
			break
		}
		if old == k && !over {
			break
		}
		s.order = s.order[1:]
		s.del(old)
	}
	if len(s.order) > 2*len(s.m)+64 { // compact keys deleted out of order
		keep := s.order[:0]
		for _, key := range s.order {
			if _, ok := s.m[key]; ok {
				keep = append(keep, key)
			}
		}
		s.order = keep
	}
}

func (s *store[V]) get(k string) (V, time.Time, bool) {
	e, ok := s.m[k]
	return e.v, e.expires, ok
}

func (s *store[V]) del(k string) {
	if e, ok := s.m[k]; ok {
		s.bytes -= e.size
		delete(s.m, k)
	}
}

func (s *store[V]) len() int { return len(s.m) }
