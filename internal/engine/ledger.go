package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/safety"
)

// refuse says why a step must not be sent at the engine's guard tier ("" to
// send it). It is the last line of defence: the plan already skips the
// cases a tier does not run.
func (e *Engine) refuse(st *fixture.Step, vars map[string]string, led *ledger) string {
	tier := e.cfg.Guard
	if tier == "" || !st.Safety.Writes() {
		return ""
	}
	what := fmt.Sprintf("%s is %s", st.Call, st.Safety)
	switch {
	case st.Safety == safety.External:
		return what + ": conform never sends a call that acts outside the install to a live endpoint"
	case tier == safety.TierReadOnly:
		return what + ", and the run is read-only"
	case tier == safety.TierDisposable:
		return ""
	case st.Sample:
		return what + " and sends sample values, which may name existing records; the own-data tier sends none"
	case st.Creates != nil:
		return ""
	case st.Target != "" && led.live(st.Target, vars[st.Target]):
		return ""
	case st.Target != "":
		return fmt.Sprintf("%s and targets ${%s}, which is not a record this case created and still holds; the own-data tier writes only to those", what, st.Target)
	}
	return what + " and names no record this case created; the own-data tier writes only to records the run creates"
}

// ledger keeps what one case created: each record, its delete operation,
// and its state.
type ledger struct {
	e    *Engine
	c    *fixture.Case
	recs []*record
}

type record struct {
	results.Record
	as     string
	delete *fixture.Delete
}

func (l *ledger) note(r *record) {
	if l.e.cfg.Ledger != nil {
		l.e.cfg.Ledger(r.Record)
	}
}

// live: the variable holds a record this case created and has not removed.
func (l *ledger) live(as, id string) bool {
	for _, r := range l.recs {
		if r.as == as && r.ID == id && id != "" && r.State == results.Created {
			return true
		}
	}
	return false
}

// sent tells whether a step's request may have reached the endpoint.
func sent(r results.Step) bool {
	for _, ch := range r.Checks {
		if ch.ID == checks.ReqValid && ch.Status == results.Error {
			return false
		}
	}
	return true
}

// track records what a step created, and notes a record its step deleted.
func (l *ledger) track(st *fixture.Step, r results.Step, vars map[string]string) {
	if cr := st.Creates; cr != nil {
		rec := &record{Record: results.Record{What: cr.What, Operation: l.c.Operation, Case: l.c.Name, Step: st.Name, Call: st.Call, State: results.Created},
			as: cr.As, delete: cr.Delete}
		id := strings.TrimSpace(vars[cr.As])
		switch {
		case r.Succeeded && id != "" && id != "0":
			rec.ID = id
		case r.Succeeded:
			rec.State, rec.Note = results.Left, fmt.Sprintf("the call succeeded but its answer names no %s at %s: if one was made, find it by the run's name (conform-%s)", cr.What, cr.ID, l.e.cfg.RunID)
		case r.Exchange != nil && r.Exchange.Status == 0 && sent(r):
			rec.State, rec.Note = results.Left, fmt.Sprintf("the call was sent but not answered: a %s may have been made; find it by the run's name (conform-%s)", cr.What, l.e.cfg.RunID)
		default:
			return // answered, and it did not succeed: nothing was made
		}
		delete(vars, cr.As)
		if rec.ID != "" {
			vars[cr.As] = rec.ID
		}
		l.recs = append(l.recs, rec)
		l.note(rec)
		return
	}
	if st.Target == "" || !r.Succeeded {
		return
	}
	for _, rec := range l.recs {
		if rec.as == st.Target && rec.ID == vars[st.Target] && rec.State == results.Created && rec.delete != nil && rec.delete.Call == st.Call {
			rec.State, rec.Note = results.Removed, "deleted by the case's step "+st.Name
			l.note(rec)
		}
	}
}

// cleanUp deletes every record the case created and still holds, with a
// context of its own: a cancelled run (Ctrl-C, --deadline) still cleans
// up, each call bounded by the timeout. A record with no delete operation
// is left, with the reason.
func (l *ledger) cleanUp(ctx context.Context) []results.Step {
	var out []results.Step
	for _, rec := range l.recs {
		if rec.State != results.Created {
			continue
		}
		if rec.delete == nil {
			kept := "no operation of the contracts deletes a " + rec.What
			if cr := l.creates(rec); cr != nil && cr.Kept != "" {
				kept = fixture.Expand(cr.Kept, map[string]string{fixture.RunVar: l.e.cfg.RunID})
			}
			rec.State, rec.Note = results.Left, kept
			l.note(rec)
			continue
		}
		id := rec.ID
		st := &fixture.Step{Name: "clean up: delete the " + rec.What, Call: rec.delete.Call, Auth: fixture.AuthTicket,
			Params: map[string]*string{rec.delete.Param: &id}, Expect: fixture.Expect{Outcome: fixture.OutcomeSuccess, Severity: fixture.SeverityShould,
				Why: "the clean-up is conform's own; a refusal leaves the record, which the report lists"},
			Safety: safety.Destructive, Target: rec.as}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.e.cfg.Timeout)
		r := l.e.safeStep(cctx, l.c, st, map[string]string{})
		cancel()
		r.CleanUp = true
		out = append(out, r)
		switch {
		case r.Succeeded:
			rec.State, rec.Note = results.Removed, "deleted by conform's clean-up ("+rec.delete.Call+")"
		case r.Exchange == nil || r.Exchange.Status == 0:
			rec.State, rec.Note = results.Left, fmt.Sprintf("the clean-up call %s got no answer: delete it by hand (it is named conform-%s)", rec.delete.Call, l.e.cfg.RunID)
		default:
			rec.State, rec.Note = results.Left, fmt.Sprintf("the clean-up call %s did not succeed: delete it by hand (it is named conform-%s)", rec.delete.Call, l.e.cfg.RunID)
		}
		l.note(rec)
	}
	return out
}

func (l *ledger) creates(rec *record) *fixture.Creates {
	for i := range l.c.Steps {
		if cr := l.c.Steps[i].Creates; cr != nil && cr.As == rec.as && l.c.Steps[i].Name == rec.Step {
			return cr
		}
	}
	return nil
}

func (l *ledger) records() []results.Record {
	var out []results.Record
	for _, r := range l.recs {
		out = append(out, r.Record)
	}
	return out
}
