package engine_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/results"
)

func sampleCases(n int, op string) []*fixture.Case {
	var out []*fixture.Case
	for i := 0; i < n; i++ {
		out = append(out, &fixture.Case{Operation: "User." + op, Name: "c" + string(rune('A'+i)), Safety: fixture.ReadOnly,
			Steps: []fixture.Step{{Name: op, Call: "User." + op, Auth: fixture.AuthTicket, Sample: true, Expect: fixture.Expect{Outcome: fixture.OutcomeAny}}}})
	}
	return out
}

// Results come back in the order given, whatever order cases finish in;
// cases really run side by side; an exclusive case runs alone.
func TestRunAllOrderParallelExclusive(t *testing.T) {
	m := mock.MustNew(mock.Options{})
	var running, most atomic.Int32
	var exclusiveAlone atomic.Bool
	exclusiveAlone.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/User.svc") {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				old := most.Load()
				if n <= old || most.CompareAndSwap(old, n) {
					break
				}
			}
			if strings.Contains(r.Header.Get("SOAPAction"), "IsNickNameUnique") && n != 1 {
				exclusiveAlone.Store(false)
			}
			time.Sleep(30 * time.Millisecond)
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	e, _ := engine.New(engine.Config{Endpoint: srv.URL, Timeout: 5 * time.Second})
	if err := e.Authenticate(context.Background(), mock.DefaultUser, mock.DefaultPassword); err != nil {
		t.Fatal(err)
	}
	cases := sampleCases(12, "GetUserInfo")
	excl := sampleCases(1, "IsNickNameUnique")[0]
	excl.Exclusive = true
	cases = append(cases[:6], append([]*fixture.Case{excl}, cases[6:]...)...)
	var mu sync.Mutex
	var finished []string
	res := e.RunAll(context.Background(), cases, engine.RunOptions{Parallel: 4, Progress: func(r results.Case) {
		mu.Lock()
		finished = append(finished, r.Name)
		mu.Unlock()
	}})
	for i, r := range res {
		if r.Name != cases[i].Name || r.Status != results.Passed {
			t.Errorf("result %d: %s %s, want %s passed", i, r.Name, r.Status, cases[i].Name)
		}
	}
	if len(finished) != len(cases) {
		t.Errorf("progress saw %d cases", len(finished))
	}
	if most.Load() < 2 {
		t.Errorf("at most %d calls at once: the cases did not run side by side", most.Load())
	}
	if !exclusiveAlone.Load() {
		t.Errorf("the exclusive case ran beside another")
	}
}

// A dead endpoint costs N cases, not all of them; a deadline stops the rest.
func TestRunAllNoticesADeadEndpointAndADeadline(t *testing.T) {
	m := mock.MustNew(mock.Options{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/User.svc") {
			calls.Add(1)
			io.Copy(io.Discard, r.Body) // so that the server notices the client leave
			select {                    // hangs until the client gives up
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	e, _ := engine.New(engine.Config{Endpoint: srv.URL, Timeout: 200 * time.Millisecond})
	cases := sampleCases(20, "GetUserInfo")
	start := time.Now()
	res := e.RunAll(context.Background(), cases, engine.RunOptions{Parallel: 1, MaxTransportFailures: 3})
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("a dead endpoint took %s", took)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls reached the dead endpoint; want 3", calls.Load())
	}
	last := res[len(res)-1]
	if last.Status != results.Error || !strings.Contains(last.Summary(), "not attempted: the endpoint stopped answering") {
		t.Errorf("the last case: %s %s", last.Status, last.Summary())
	}

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	calls.Store(0)
	res = e.RunAll(ctx, cases, engine.RunOptions{Parallel: 1}) // no dead-endpoint cut-off: the deadline ends it
	if n := calls.Load(); n < 2 || n > 4 {
		t.Errorf("%d calls within a 500ms deadline of 200ms calls", n)
	}
	if last := res[len(res)-1]; !strings.Contains(last.Summary(), "not attempted: the run's deadline passed") {
		t.Errorf("after the deadline: %s", last.Summary())
	}
}

// StepDone gets each step as it ends, in order, with the step just added
// and its exchange (what the report writer streams to disk then).
func TestStepDoneEveryStep(t *testing.T) {
	srv := httptest.NewServer(mock.MustNew(mock.Options{}))
	defer srv.Close()
	var seen []int
	e, _ := engine.New(engine.Config{Endpoint: srv.URL, Timeout: 5 * time.Second, StepDone: func(r *results.Case, i int) {
		if i != len(r.Steps)-1 || r.Steps[i].Exchange == nil || r.Steps[i].Exchange.Response == "" {
			t.Errorf("step %d of %d handed without its exchange", i, len(r.Steps))
		}
		seen = append(seen, i)
	}})
	if err := e.Authenticate(context.Background(), mock.DefaultUser, mock.DefaultPassword); err != nil {
		t.Fatal(err)
	}
	c := sampleCases(1, "GetUserInfo")[0]
	c.Steps = append(c.Steps, c.Steps[0], c.Steps[0])
	r := e.Run(context.Background(), c)
	if r.Status != results.Passed || len(seen) != 3 || seen[0] != 0 || seen[2] != 2 {
		t.Errorf("status %s, StepDone saw %v", r.Status, seen)
	}
}
