// Package report owns what a run leaves behind. The engine's results
// become one Summary (credentials redacted as it is built), which renders as
// summary.json (format in docs/summary-format.md), junit.xml (a testsuite
// per agent and run, classname Agent.Operation, a testcase per case, per
// step of a multi-step case, or per check), and a self-contained
// report.html grouped by cause; each exchange is written to evidence/ and
// attached to the testcases with [[ATTACHMENT|path]] lines. Summaries of
// several runs merge into one.
package report

import (
	"sort"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/results"
)

// Ledger is every record the summary's runs created, by state.
func (s *Summary) Ledger() (created, removed, left []results.Record) {
	for _, c := range s.Cases {
		for _, r := range c.Records {
			switch r.State {
			case results.Removed:
				removed = append(removed, r)
			case results.Left:
				left = append(left, r)
			default:
				created = append(created, r)
			}
		}
	}
	return
}

// Summary format identifiers.
const (
	Format  = "conform-summary"
	Version = 3
	// Version 1 wrote evidence paths as the run's --reports folder joined
	// with evidence/… (relative to the working directory of the run);
	// version 2 writes them relative to the summary's own folder; version 3
	// adds the run's id and tier, and the records each case created (the
	// ledger). Load reads all three.
)

// Summary is the whole account of one or more runs.
type Summary struct {
	Format     string      `json:"format"`
	Version    int         `json:"version"`
	Runs       []Manifest  `json:"runs"`
	Strictness []Allowance `json:"strictness"`
	Cases      []Case      `json:"cases"`
	Totals     Totals      `json:"totals"`
	Verdict    Verdict     `json:"verdict"`
	// An index (conform report merge) names its runs' own summaries
	// instead of holding their cases, and the fleet's aggregates.
	Parts []string `json:"parts,omitempty"`
	Fleet *Fleet   `json:"fleet,omitempty"`
}

// Manifest is one run's provenance.
type Manifest struct {
	SuiteVersion string            `json:"suiteVersion"`
	Commit       string            `json:"commit"`
	Endpoint     string            `json:"endpoint"`
	Target       string            `json:"target"` // "embedded mock" or "live endpoint"
	Server       map[string]string `json:"server,omitempty"`
	// WSDLDrift lists, per agent, how the endpoint's live WSDL differs from
	// the pinned one (a warning: the run tests the pinned contract).
	WSDLDrift map[string][]string `json:"wsdlDrift,omitempty"`
	// WSDLNotCompared names, per agent, why its live WSDL could not be
	// compared (not fetched, not readable): no drift is claimed either way.
	WSDLNotCompared map[string]string `json:"wsdlNotCompared,omitempty"`
	// Contracts says, per agent tested, where its contract came from: the
	// pinned one, a --contracts directory, or the install's live WSDL (a
	// weaker verdict than one against the published contract).
	Contracts  map[string]string `json:"contracts,omitempty"`
	StartedAt  time.Time         `json:"startedAt"`
	FinishedAt time.Time         `json:"finishedAt"`
	Schemas    map[string]string `json:"schemas"`  // file → sha256
	Fixtures   map[string]string `json:"fixtures"` // file → sha256
	Options    Options           `json:"options"`
	// RunID names what the run created on the install (conform-<run id>).
	RunID string `json:"runId,omitempty"`
	// NotHosted are the agents of --agents all the install does not serve
	// (HTTP 404 for their WSDL): not tested, and no failure.
	NotHosted []string `json:"notHosted,omitempty"`
	// Tier is how far the run could change the install: read-only,
	// own-data, disposable, or embedded-mock.
	Tier string `json:"tier,omitempty"`
}

// TierMock is the tier of a run against the embedded mock: every case.
const TierMock = "embedded-mock"

// Targets of a run.
const (
	TargetMock = "embedded mock"
	TargetLive = "live endpoint"
)

// Options are the filters and options of a run.
type Options struct {
	Ops            []string `json:"ops"`
	LabelFilter    string   `json:"labelFilter"`
	AllowMutations bool     `json:"allowMutations"`
	// MayDamageInstall: the disposable-install tier was chosen.
	MayDamageInstall bool   `json:"mayDamageInstall,omitempty"`
	Timeout          string `json:"timeout"`
	Shard            string `json:"shard,omitempty"` // "K/N": the run took share K of N of the selected cases
}

// Allowance is one thing the suite deliberately does not check, and why.
type Allowance struct {
	What string `json:"what"`
	Why  string `json:"why"`
}

// Outcomes of a check, a case and an operation: the results' statuses,
// as the summary writes them.
const (
	Passed        = string(results.Passed)
	Failed        = string(results.Failed)
	Warning       = string(results.Warning)
	Error         = string(results.Error)
	Skipped       = string(results.Skipped)
	NotApplicable = string(results.NotApplicable)
)

// Case kinds, for the coverage matrix.
const (
	KindHappy    = "happy path"
	KindNegative = "negative"
	KindFault    = "fault"
	KindContract = "contract"
)

// Case is one case's outcome.
type Case struct {
	Run        int      `json:"run"` // index into Runs
	Operation  string   `json:"operation"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Labels     []string `json:"labels"`
	Safety     string   `json:"safety"`
	Source     string   `json:"source"`
	Outcome    string   `json:"outcome"` // passed, failed, error, skipped
	SkipReason string   `json:"skipReason,omitempty"`
	Seconds    float64  `json:"seconds"`
	Steps      []Step   `json:"steps"`
	// Records are what the case created on the install and what became of
	// each (created, removed, left with the reason), identifiers redacted
	// where they are credentials.
	Records []results.Record `json:"records,omitempty"`
}

// Step is one call of a case.
type Step struct {
	Name    string `json:"name"`
	Call    string `json:"call"`
	Fault   bool   `json:"fault"`             // the answer was a SOAP Fault
	CleanUp bool   `json:"cleanUp,omitempty"` // conform's own call deleting what the case created
	// Passed counts the passing checks summary.json leaves out (every
	// passing check but the case's own expectations): a fleet's summaries
	// stay about 1 KB per passing case. In memory, a run's steps hold them all.
	Passed  int     `json:"passed,omitempty"`
	Seconds float64 `json:"seconds,omitempty"` // of the HTTP exchange
	// Evidence are the step's evidence files: in summary.json relative to
	// the summary's folder; in memory absolute.
	Evidence []string  `json:"evidence"`
	Exchange *Exchange `json:"exchange,omitempty"` // kept for steps with a problem
	Results  []Result  `json:"results"`
}

// Exchange is a step's HTTP exchange, redacted.
type Exchange struct {
	URL         string `json:"url"`
	Action      string `json:"soapAction"`
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	Request     string `json:"request"`
	Response    string `json:"response"`
}

// Result is one check of one step.
type Result struct {
	Check    string `json:"check"`
	Severity string `json:"severity"`
	Outcome  string `json:"outcome"`
	Message  string `json:"message"`
	Detail   string `json:"detail,omitempty"`
	Line     int    `json:"line,omitempty"` // of the first finding, in the message as received
	Path     string `json:"path,omitempty"` // element path of the first finding
}

// Totals count cases and checks by outcome.
type Totals struct {
	Cases  map[string]int `json:"cases"`
	Checks map[string]int `json:"checks"`
}

// Verdict is the run's answer: conformant or not, and for which operations.
type Verdict struct {
	Status     string            `json:"status"` // conformant, not conformant, incomplete
	Conformant bool              `json:"conformant"`
	Operations map[string]string `json:"operations"` // Agent.Operation → conformant, not conformant, incomplete, skipped
}

// Verdict statuses.
const (
	Conformant    = "conformant"
	NotConformant = "not conformant"
	Incomplete    = "incomplete"
)

// kindOf places a case in the coverage matrix by its labels.
func kindOf(labels []string, generated bool) string {
	has := func(l string) bool {
		for _, x := range labels {
			if x == l {
				return true
			}
		}
		return false
	}
	switch {
	case has("fault"):
		return KindFault
	case has("negative"):
		return KindNegative
	case generated || has("contract") || has("generated"):
		return KindContract
	}
	return KindHappy
}

// Finish computes the totals and the verdict from the cases.
func (s *Summary) Finish() {
	s.Totals = Totals{Cases: map[string]int{}, Checks: map[string]int{}}
	ops := map[string][]string{}
	for _, c := range s.Cases {
		s.Totals.Cases[c.Outcome]++
		ops[c.Operation] = append(ops[c.Operation], c.Outcome)
		for _, st := range c.Steps {
			for _, r := range st.Results {
				s.Totals.Checks[r.Outcome]++
			}
			if st.Passed > 0 {
				s.Totals.Checks[Passed] += st.Passed
			}
		}
	}
	s.Verdict = Verdict{Operations: map[string]string{}}
	anyRan := false
	for op, outs := range ops {
		status := Conformant
		ran := false
		for _, o := range outs {
			if o != Skipped {
				ran = true
			}
		}
		switch {
		case contains(outs, Failed):
			status = NotConformant
		case contains(outs, Error):
			status = Incomplete
		case !ran:
			status = Skipped
		}
		anyRan = anyRan || ran
		s.Verdict.Operations[op] = status
	}
	switch {
	case s.Totals.Cases[Failed] > 0:
		s.Verdict.Status = NotConformant
	case s.Totals.Cases[Error] > 0 || !anyRan:
		s.Verdict.Status = Incomplete
	default:
		s.Verdict.Status, s.Verdict.Conformant = Conformant, true
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// FailedCases and ErroredCases name cases, "Agent.Operation case".
func (s *Summary) casesWith(outcome string) []string {
	var out []string
	for _, c := range s.Cases {
		if c.Outcome == outcome {
			out = append(out, c.Operation+" "+c.Name)
		}
	}
	return out
}

// FailedCases are the cases with a contract failure.
func (s *Summary) FailedCases() []string { return s.casesWith(Failed) }

// ErroredCases are the cases with an infrastructure error.
func (s *Summary) ErroredCases() []string { return s.casesWith(Error) }

// Operations are the operations of the summary, failing first, then by name.
func (s *Summary) Operations() []string {
	var ops []string
	for op := range s.Verdict.Operations {
		ops = append(ops, op)
	}
	rank := map[string]int{NotConformant: 0, Incomplete: 1, Conformant: 2, Skipped: 3}
	sort.Slice(ops, func(i, j int) bool {
		a, b := rank[s.Verdict.Operations[ops[i]]], rank[s.Verdict.Operations[ops[j]]]
		if a != b {
			return a < b
		}
		return ops[i] < ops[j]
	})
	return ops
}

// Strictness is the profile of what conform lets through on purpose, and
// the rule that allows it: the allowances of the check catalog.
func Strictness() []Allowance {
	var out []Allowance
	for _, c := range checks.Catalog {
		for _, a := range c.Allowances {
			out = append(out, Allowance{What: c.ID + ": " + a.What, Why: a.Rule})
		}
	}
	return out
}

// severity of a check, for results.
func severity(id string) string {
	if c, ok := checks.Lookup(id); ok {
		return string(c.Severity)
	}
	return ""
}

// agentOf is the agent of "Agent.Operation".
func agentOf(op string) string {
	a, _, _ := strings.Cut(op, ".")
	return a
}

// kept are the passing checks summary.json keeps: what the case itself
// expected and proved (a value read back, an outcome).
var kept = map[string]bool{checks.ExpOutcome: true, checks.ExpValue: true}

// Compact is the summary as summary.json holds it: each step's passing
// checks counted, not listed, but the case's expectations; failures,
// warnings, errors and evidence whole. Totals and verdict are unchanged.
func (s *Summary) Compact() *Summary {
	return s.mapSteps(func(st Step) Step {
		var rs []Result
		for _, r := range st.Results {
			if r.Outcome == Passed && !kept[r.Check] {
				st.Passed++
				continue
			}
			rs = append(rs, r)
		}
		st.Results = rs
		return st
	})
}

// mapSteps is a copy of the summary with each step of each case replaced
// by f's (the summary itself is left as it was).
func (s *Summary) mapSteps(f func(Step) Step) *Summary {
	out := *s
	out.Cases = make([]Case, len(s.Cases))
	for i, c := range s.Cases {
		if c.Steps != nil {
			steps := make([]Step, len(c.Steps))
			for j, st := range c.Steps {
				steps[j] = f(st)
			}
			c.Steps = steps
		}
		out.Cases[i] = c
	}
	return &out
}
