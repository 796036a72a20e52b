package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/conform-dev/conform/internal/checks"
)

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"pretty": prettyXML,
	"lower":  strings.ToLower,
	"slug":   slug,
	"class": func(outcome string) string {
		return strings.ReplaceAll(outcome, " ", "-")
	},
	"check": func(id string) checks.Check {
		c, _ := checks.Lookup(id)
		return c
	},
	"add": func(a, b int) int { return a + b },
}).Parse(pageTemplate))

// matrixRow is one operation's cases by kind.
type matrixRow struct {
	Operation string
	Verdict   string
	Cells     map[string][]Case
}

// problem is a failing case, with its failing steps and results.
type problem struct {
	Case  Case
	Steps []problemStep
}

type problemStep struct {
	Step    Step
	Index   int
	Results []Result
}

type view struct {
	*Summary
	Kinds    []string
	Matrix   []matrixRow
	Problems []problem
	Skipped  []Case
	Title    string
	Ran      int
	Hosts    []string
}

// HTML renders the summary as one self-contained page: inline styles, no
// script, no network.
func (s *Summary) HTML() ([]byte, error) {
	v := view{Summary: s, Kinds: []string{KindHappy, KindNegative, KindFault, KindContract}}
	rows := map[string]*matrixRow{}
	for _, c := range s.Cases {
		r := rows[c.Operation]
		if r == nil {
			r = &matrixRow{Operation: c.Operation, Verdict: s.Verdict.Operations[c.Operation], Cells: map[string][]Case{}}
			rows[c.Operation] = r
		}
		r.Cells[c.Kind] = append(r.Cells[c.Kind], c)
		if c.Outcome != Skipped {
			v.Ran++
		} else {
			v.Skipped = append(v.Skipped, c)
		}
		if c.Outcome == Failed || c.Outcome == Error || hasWarning(c) {
			p := problem{Case: c}
			for i, st := range c.Steps {
				var bad []Result
				for _, r := range st.Results {
					if r.Outcome == Failed || r.Outcome == Error || r.Outcome == Warning {
						bad = append(bad, r)
					}
				}
				if len(bad) > 0 {
					p.Steps = append(p.Steps, problemStep{Step: st, Index: i + 1, Results: bad})
				}
			}
			v.Problems = append(v.Problems, p)
		}
	}
	for _, op := range s.Operations() {
		v.Matrix = append(v.Matrix, *rows[op])
	}
	for i := range s.Runs {
		v.Hosts = append(v.Hosts, s.host(i))
	}
	v.Title = fmt.Sprintf("conform: %s", strings.ToUpper(s.Verdict.Status))
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
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
