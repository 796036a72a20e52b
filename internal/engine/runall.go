package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/results"
)

// RunOptions shape a run of many cases.
type RunOptions struct {
	// Parallel is how many cases run at once (at least 1). Steps inside a
	// case stay in order; exclusive cases run alone, after the others.
	Parallel int
	// MaxTransportFailures: after this many cases in a row end because the
	// endpoint did not answer, the rest are reported at once as errors,
	// not attempted (0: never).
	MaxTransportFailures int
	// Skip names why a case is not to be run ("" to run it): a mutating
	// case against a live endpoint, say. Skipped cases are reported.
	Skip func(*fixture.Case) string
	// Progress, when set, gets each case's result as it ends (from several
	// goroutines, one at a time).
	Progress func(results.Case)
	// Finished, when set, gets each case's result as it ends, before
	// Progress, from the goroutine that ran it, side by side with others:
	// for work that takes time (writing its evidence).
	Finished func(*results.Case)
}

// Reasons a case was not attempted.
const (
	NotAttemptedDead        = "not attempted: the endpoint stopped answering (%d cases in a row could not reach it)"
	NotAttemptedDeadline    = "not attempted: the run's deadline passed"
	NotAttemptedInterrupted = "not attempted: the run was interrupted"
)

// RunAll runs the cases on a pool of workers and returns their results in
// the order given, whatever order they finished in. When ctx ends (Ctrl-C,
// a deadline) the cases not started are reported as not attempted, and
// those running end with the error their calls get.
func (e *Engine) RunAll(ctx context.Context, cases []*fixture.Case, o RunOptions) []results.Case {
	if o.Parallel < 1 {
		o.Parallel = 1
	}
	out := make([]results.Case, len(cases))
	var (
		mu       sync.Mutex
		inARow   int  // cases in a row that ended on a transport failure
		dead     bool // the endpoint stopped answering
		wg       sync.WaitGroup
		sem      = make(chan struct{}, o.Parallel)
		progress = func(r results.Case) {
			if o.Progress != nil {
				mu.Lock()
				defer mu.Unlock()
				o.Progress(r)
			}
		}
	)
	notAttempted := func(c *fixture.Case) (results.Case, bool) {
		mu.Lock()
		isDead := dead
		mu.Unlock()
		why := ""
		switch {
		case isDead:
			why = fmt.Sprintf(NotAttemptedDead, o.MaxTransportFailures)
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			why = NotAttemptedDeadline
		case ctx.Err() != nil:
			why = NotAttemptedInterrupted
		default:
			return results.Case{}, false
		}
		r := Describe(c)
		r.Steps = []results.Step{{Name: "not attempted", Checks: []results.Check{{ID: checks.HTTPTransport, Status: results.Error, Message: why}}}}
		r.Finish()
		return r, true
	}
	runOne := func(i int) {
		c := cases[i]
		if why := skipReason(o, c); why != "" {
			r := Describe(c)
			r.Status, r.SkipReason = results.Skipped, why
			out[i] = r
			progress(r)
			return
		}
		if r, ok := notAttempted(c); ok {
			out[i] = r
			progress(r)
			return
		}
		r := e.Run(ctx, c)
		if o.Finished != nil {
			o.Finished(&r)
		}
		mu.Lock()
		if transportFailed(&r) && ctx.Err() == nil {
			inARow++
			if o.MaxTransportFailures > 0 && inARow >= o.MaxTransportFailures {
				dead = true
			}
		} else if !transportFailed(&r) {
			inARow = 0
		}
		mu.Unlock()
		out[i] = r
		progress(r)
	}
	// Exclusive cases run alone, one after another, once the others are
	// done: one pause of the pool instead of one per case.
	var exclusive []int
	for i, c := range cases {
		if c.Exclusive {
			exclusive = append(exclusive, i)
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			runOne(i)
		}(i)
	}
	wg.Wait()
	for _, i := range exclusive {
		runOne(i)
	}
	wg.Wait()
	return out
}

func skipReason(o RunOptions, c *fixture.Case) string {
	if o.Skip == nil {
		return ""
	}
	return o.Skip(c)
}

// transportFailed reports a case that ended because the endpoint did not
// answer (HTTP-TRANSPORT error): what a dead endpoint looks like.
func transportFailed(c *results.Case) bool {
	for _, st := range c.Steps {
		for _, ch := range st.Checks {
			if ch.ID == checks.HTTPTransport && ch.Status == results.Error {
				return true
			}
		}
	}
	return false
}
