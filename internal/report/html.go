package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"github.com/conform-dev/conform/internal/results"
	"html/template"
	"sort"
	"strings"

	"github.com/conform-dev/conform/internal/checks"
)

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"numbered": prettyLines,
	"lower":    strings.ToLower,
	"slug":     slug,
	"class": func(outcome string) string {
		return strings.ReplaceAll(outcome, " ", "-")
	},
	"check": func(id string) checks.Check {
		c, _ := checks.Lookup(id)
		return c
	},
	"add": func(a, b int) int { return a + b },
}).Parse(pageTemplate))

// caseRef is a case as the page links it: its anchor, name and outcome.
type caseRef struct {
	ID, Operation, Name, Outcome string
}

// matrixRow is one operation's cases by kind.
type matrixRow struct {
	Operation string
	Verdict   string
	Cells     map[string][]caseRef
}

// problem is a case with a failure, error or warning, with its bad steps.
type problem struct {
	Ref   caseRef
	Case  Case
	Steps []problemStep
}

type problemStep struct {
	Step    Step
	Index   int
	Results []Result
}

// group is one root cause: the failures (or warnings) of one check at one
// element path, across cases.
type group struct {
	Check, Path, Outcome string
	Example              string // the first message
	Count                int    // results
	Operations           []string
	Cases                []caseRef
}

// OperationsShort names the first few operations and counts the rest.
func (g group) OperationsShort() string {
	const shown = 4
	if len(g.Operations) <= shown {
		return strings.Join(g.Operations, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(g.Operations[:shown], ", "), len(g.Operations)-shown)
}

type view struct {
	*Summary
	Kinds    []string
	Matrix   []matrixRow
	Groups   []group
	Problems []problem
	Passing  []problem // passing cases (no steps listed as bad)
	Skipped  []Case
	Title    string
	Ran      int
	Checks   int
	Hosts    []string
	Open     bool // few problems: their cards open
	// Records are what the runs created on the install, left ones first.
	Records []results.Record
	Left    int
	// SkipGroups are the skipped cases by reason, the largest first.
	SkipGroups []skipGroup
	// Agents group the matrix and the cards: one line per agent, opened
	// on demand, the agents with problems first (a page of 1,800
	// operations stays short).
	Agents []agentView
}

// skipGroup is the skipped cases of one reason.
type skipGroup struct {
	Reason string
	Cases  []Case
}

// agentView is one agent's part of the page.
type agentView struct {
	Name                                                string
	Rows                                                []matrixRow
	Problems                                            []problem
	Ops, Conformant, NotConformant, Incomplete, Skipped int
	Open                                                bool // its cards open (few problems in all)
}

// HTML renders the summary as one self-contained page: inline styles, no
// script, no network. Failures come first grouped by root cause (check and
// element path), then case by case, collapsed; the matrix links each
// square to its case.
func (s *Summary) HTML() ([]byte, error) {
	v := view{Summary: s, Kinds: []string{KindHappy, KindNegative, KindFault, KindContract}, Checks: s.Totals.CheckCount()}
	created, removed, left := s.Ledger()
	v.Records = append(append(append(v.Records, left...), created...), removed...)
	v.Left = len(left) + len(created)
	rows := map[string]*matrixRow{}
	groups := map[string]*group{}
	for i, c := range s.Cases {
		ref := caseRef{ID: fmt.Sprintf("case-%d", i+1), Operation: c.Operation, Name: c.Name, Outcome: c.Outcome}
		r := rows[c.Operation]
		if r == nil {
			r = &matrixRow{Operation: c.Operation, Verdict: s.Verdict.Operations[c.Operation], Cells: map[string][]caseRef{}}
			rows[c.Operation] = r
		}
		r.Cells[c.Kind] = append(r.Cells[c.Kind], ref)
		if c.Outcome != Skipped {
			v.Ran++
		} else {
			v.Skipped = append(v.Skipped, c)
		}
		if c.Outcome != Failed && c.Outcome != Error && !hasWarning(c) {
			if c.Outcome != Skipped {
				v.Passing = append(v.Passing, problem{Ref: ref, Case: c})
			}
			continue
		}
		p := problem{Ref: ref, Case: c}
		for j, st := range c.Steps {
			var bad []Result
			for _, r := range st.Results {
				if r.Outcome != Failed && r.Outcome != Error && r.Outcome != Warning {
					continue
				}
				bad = append(bad, r)
				key := r.Check + "\x00" + r.Path + "\x00" + r.Outcome
				g := groups[key]
				if g == nil {
					g = &group{Check: r.Check, Path: r.Path, Outcome: r.Outcome, Example: r.Message}
					groups[key] = g
				}
				g.Count++
				if !contains(g.Operations, c.Operation) {
					g.Operations = append(g.Operations, c.Operation)
				}
				if n := len(g.Cases); n == 0 || g.Cases[n-1].ID != ref.ID {
					g.Cases = append(g.Cases, ref)
				}
			}
			if len(bad) > 0 {
				p.Steps = append(p.Steps, problemStep{Step: st, Index: j + 1, Results: bad})
			}
		}
		v.Problems = append(v.Problems, p)
	}
	rank := map[string]int{Failed: 0, Error: 1, Warning: 2}
	for _, g := range groups {
		sort.Strings(g.Operations)
		v.Groups = append(v.Groups, *g)
	}
	sort.Slice(v.Groups, func(i, j int) bool {
		a, b := v.Groups[i], v.Groups[j]
		if rank[a.Outcome] != rank[b.Outcome] {
			return rank[a.Outcome] < rank[b.Outcome]
		}
		if len(a.Cases) != len(b.Cases) {
			return len(a.Cases) > len(b.Cases)
		}
		return a.Check+a.Path < b.Check+b.Path
	})
	v.Open = len(v.Problems) <= 8
	for _, op := range s.Operations() {
		v.Matrix = append(v.Matrix, *rows[op])
	}
	v.Agents = agentViews(v.Matrix, v.Problems, v.Open)
	v.SkipGroups = skipGroups(v.Skipped)
	for i, r := range s.Runs {
		h := s.host(i)
		if r.Target == TargetMock {
			h = "embedded mock (not an installation) at " + h
		}
		v.Hosts = append(v.Hosts, h)
	}
	v.Title = fmt.Sprintf("conform: %s", strings.ToUpper(s.Verdict.Status))
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// agentViews groups the matrix and the problem cards by agent, agents with
// failures first, then with errors, then by how many problems.
func agentViews(matrix []matrixRow, problems []problem, open bool) []agentView {
	byAgent := map[string]*agentView{}
	var agents []*agentView
	agentOf := func(op string) *agentView {
		name, _, _ := strings.Cut(op, ".")
		a := byAgent[name]
		if a == nil {
			a = &agentView{Name: name, Open: open}
			byAgent[name] = a
			agents = append(agents, a)
		}
		return a
	}
	for _, r := range matrix {
		a := agentOf(r.Operation)
		a.Rows = append(a.Rows, r)
		a.Ops++
		switch r.Verdict {
		case Conformant:
			a.Conformant++
		case NotConformant:
			a.NotConformant++
		case Incomplete:
			a.Incomplete++
		default:
			a.Skipped++
		}
	}
	for _, p := range problems {
		a := agentOf(p.Case.Operation)
		a.Problems = append(a.Problems, p)
	}
	sort.SliceStable(agents, func(i, j int) bool {
		a, b := agents[i], agents[j]
		if (a.NotConformant > 0) != (b.NotConformant > 0) {
			return a.NotConformant > 0
		}
		if (a.Incomplete > 0) != (b.Incomplete > 0) {
			return a.Incomplete > 0
		}
		return len(a.Problems) > len(b.Problems)
	})
	out := make([]agentView, len(agents))
	for i, a := range agents {
		out[i] = *a
	}
	return out
}

// skipGroups groups the skipped cases by reason, the largest group first.
func skipGroups(skipped []Case) []skipGroup {
	var groups []skipGroup
	idx := map[string]int{}
	for _, c := range skipped {
		i, ok := idx[c.SkipReason]
		if !ok {
			i = len(groups)
			idx[c.SkipReason] = i
			groups = append(groups, skipGroup{Reason: c.SkipReason})
		}
		groups[i].Cases = append(groups[i].Cases, c)
	}
	sort.SliceStable(groups, func(i, j int) bool { return len(groups[i].Cases) > len(groups[j].Cases) })
	return groups
}

// CheckCount is the number of checks made, whatever their outcome: the one
// count the console and the page both show.
func (t Totals) CheckCount() int {
	n := 0
	for _, k := range t.Checks {
		n += k
	}
	return n
}

func hasWarning(c Case) bool {
	for _, st := range c.Steps {
		for _, r := range st.Results {
			if r.Outcome == Warning {
				return true
			}
		}
	}
	return false
}
