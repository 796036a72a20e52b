package report

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/conform-dev/conform/internal/checks"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Timestamp  string      `xml:"timestamp,attr,omitempty"`
	Properties *properties `xml:"properties,omitempty"`
	Cases      []junitCase `xml:"testcase"`
	seconds    float64
}

type properties struct {
	Property []property `xml:"property"`
}

type property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr,omitempty"`
	Skipped   *outcome `xml:"skipped,omitempty"`
	Error     *outcome `xml:"error,omitempty"`
	Failure   *outcome `xml:"failure,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

type outcome struct {
	Type    string `xml:"type,attr,omitempty"`
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// properties flattens one run's manifest into JUnit properties.
func (m Manifest) properties() []property {
	var out []property
	add := func(k, v string) { out = append(out, property{k, v}) }
	add("conform.version", m.SuiteVersion)
	add("conform.commit", m.Commit)
	add("endpoint", m.Endpoint)
	add("target", m.Target)
	if m.Target == TargetMock {
		add("target.note", "embedded mock (not an installation): this run says nothing about an install")
	}
	add("started", m.StartedAt.Format("2006-01-02T15:04:05Z07:00"))
	add("finished", m.FinishedAt.Format("2006-01-02T15:04:05Z07:00"))
	add("option.ops", strings.Join(m.Options.Ops, ","))
	add("option.label-filter", m.Options.LabelFilter)
	add("option.allow-mutations", fmt.Sprint(m.Options.AllowMutations))
	add("option.may-damage-install", fmt.Sprint(m.Options.MayDamageInstall))
	if m.Tier != "" {
		add("tier", m.Tier)
	}
	if m.RunID != "" {
		add("run-id", m.RunID)
	}
	add("option.timeout", m.Options.Timeout)
	for _, svc := range sortedKeys(m.Contracts) {
		add("contract."+svc, m.Contracts[svc])
	}
	for _, svc := range sortedKeys(m.WSDLNotCompared) {
		add("wsdl-not-compared."+svc, m.WSDLNotCompared[svc])
	}
	for _, svc := range sortedKeys(mapKeys(m.WSDLDrift)) {
		add("wsdl-drift."+svc, strings.Join(m.WSDLDrift[svc], "; "))
	}
	for _, k := range sortedKeys(m.Server) {
		add("server."+k, m.Server[k])
	}
	for _, k := range sortedKeys(m.Schemas) {
		add("sha256:"+k, m.Schemas[k])
	}
	for _, k := range sortedKeys(m.Fixtures) {
		add("sha256:"+k, m.Fixtures[k])
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// host names a run in a merged report.
func (s *Summary) host(run int) string {
	if run < 0 || run >= len(s.Runs) {
		return ""
	}
	if u, err := url.Parse(s.Runs[run].Endpoint); err == nil && u.Host != "" {
		return u.Host + u.Path
	}
	return s.Runs[run].Endpoint
}

// JUnit forms.
const (
	JUnitCases  = "cases"  // a testcase per case (per step of a multi-step case)
	JUnitChecks = "checks" // a testcase per check of each step
)

// Output says how a summary renders beyond its own data.
type Output struct {
	// JUnit is JUnitCases (the default, what a CI test tab reads) or
	// JUnitChecks (a testcase per check, as before 0.3).
	JUnit string
	// AbsolutePaths writes attachment paths absolute (Jenkins); by default
	// they are relative to the working directory (GitLab).
	AbsolutePaths bool
}

// attachment is an evidence path as the JUnit attachment lines carry it.
func (o Output) attachment(p string) string {
	if o.AbsolutePaths {
		return p
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil {
			return rel
		}
	}
	return p
}

// suiteKey names the testsuite of a case: its agent, and where runs are
// merged, the endpoint (several endpoints) or the run (one endpoint).
func (s *Summary) suiteKey(c Case, severalHosts bool) string {
	name := agentOf(c.Operation)
	switch {
	case severalHosts:
		name += " @ " + s.host(c.Run)
	case len(s.Runs) > 1:
		name += fmt.Sprintf(" (run %d)", c.Run+1)
	}
	return name
}

// JUnit renders the summary as JUnit XML: a testsuite per agent and run,
// with that run's own timestamp and properties, classname Agent.Operation,
// and a testcase per case (per step of a multi-step case), or per check
// with o.JUnit == JUnitChecks.
func (s *Summary) JUnit(o Output) ([]byte, error) {
	if o.JUnit == "" {
		o.JUnit = JUnitCases
	}
	if o.JUnit != JUnitCases && o.JUnit != JUnitChecks {
		return nil, fmt.Errorf("JUnit form %q: want %s or %s", o.JUnit, JUnitCases, JUnitChecks)
	}
	endpoints := map[string]bool{}
	for i := range s.Runs {
		endpoints[s.host(i)] = true
	}
	several := len(endpoints) > 1
	suites := map[string]*junitSuite{}
	var order []string
	for _, c := range s.Cases {
		name := s.suiteKey(c, several)
		suffix := ""
		if several {
			suffix = " @ " + s.host(c.Run)
		}
		js := suites[name]
		if js == nil {
			js = &junitSuite{Name: name}
			if c.Run >= 0 && c.Run < len(s.Runs) {
				r := s.Runs[c.Run]
				js.Timestamp = r.StartedAt.Format("2006-01-02T15:04:05Z07:00")
				js.Properties = &properties{Property: r.properties()}
			}
			suites[name] = js
			order = append(order, name)
		}
		js.seconds += c.Seconds
		if o.JUnit == JUnitChecks {
			js.Cases = append(js.Cases, checkTestcases(c, suffix, o)...)
		} else {
			js.Cases = append(js.Cases, caseTestcases(c, suffix, o)...)
		}
	}
	sort.Strings(order)
	out := junitSuites{Name: "conform"}
	total := 0.0
	for _, n := range order {
		js := suites[n]
		for _, c := range js.Cases {
			js.Tests++
			switch {
			case c.Failure != nil:
				js.Failures++
			case c.Error != nil:
				js.Errors++
			case c.Skipped != nil:
				js.Skipped++
			}
		}
		js.Time = seconds(js.seconds)
		total += js.seconds
		out.Tests += js.Tests
		out.Failures += js.Failures
		out.Errors += js.Errors
		out.Suites = append(out.Suites, *js)
	}
	out.Time = seconds(total)
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }

// attachments are the [[ATTACHMENT|path]] lines of a step's evidence.
func attachments(st Step, o Output) string {
	var b strings.Builder
	for _, f := range st.Evidence {
		fmt.Fprintf(&b, "[[ATTACHMENT|%s]]\n", o.attachment(f))
	}
	return b.String()
}

// place is where a result's first finding is: "line 3 /Envelope/…", or "".
func (r Result) place() string {
	var parts []string
	if r.Line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", r.Line))
	}
	if r.Path != "" {
		parts = append(parts, r.Path)
	}
	return strings.Join(parts, " ")
}

// describe is a result's account in a failure body: check, severity,
// place, message, every finding, and the check's rule.
func (r Result) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)", r.Check, r.Severity)
	if p := r.place(); p != "" {
		b.WriteString(" at " + p)
	}
	b.WriteString(": " + r.Message + "\n")
	if d := strings.TrimSpace(r.Detail); d != "" {
		b.WriteString("  " + strings.ReplaceAll(d, "\n", "\n  ") + "\n")
	}
	if ch, ok := checks.Lookup(r.Check); ok {
		fmt.Fprintf(&b, "  %s Source: %s\n", ch.Description, ch.Source)
	}
	return b.String()
}

// caseTestcases: one testcase for a case, or one per step of a multi-step
// case; a failure lists every failed (and errored) check.
func caseTestcases(c Case, suffix string, o Output) []junitCase {
	if c.Outcome == Skipped {
		return []junitCase{{Name: c.Name + suffix, Classname: c.Operation, Time: seconds(0), Skipped: &outcome{Message: c.SkipReason}}}
	}
	type unit struct {
		name    string
		secs    float64
		steps   []Step
		indexes []int
	}
	var units []unit
	if len(c.Steps) > 1 {
		for i, st := range c.Steps {
			units = append(units, unit{fmt.Sprintf("%s / %d %s", c.Name, i+1, st.Name), st.Seconds, []Step{st}, []int{i + 1}})
		}
	} else {
		units = append(units, unit{c.Name, c.Seconds, c.Steps, []int{1}})
	}
	var out []junitCase
	for _, u := range units {
		jc := junitCase{Name: u.name + suffix, Classname: c.Operation, Time: seconds(u.secs)}
		var failed, errored, warned []Result
		var body, sysout strings.Builder
		for _, st := range u.steps {
			for _, r := range st.Results {
				switch r.Outcome {
				case Failed:
					failed = append(failed, r)
				case Error:
					errored = append(errored, r)
				case Warning:
					warned = append(warned, r)
				}
			}
		}
		for _, r := range append(append([]Result{}, failed...), errored...) {
			body.WriteString(r.describe())
		}
		for _, r := range warned {
			sysout.WriteString("WARNING " + r.describe())
		}
		for _, st := range u.steps {
			if len(failed)+len(errored)+len(warned) > 0 {
				sysout.WriteString(attachments(st, o))
			}
		}
		ids := func(rs []Result) string {
			var out []string
			for _, r := range rs {
				out = append(out, r.Check)
			}
			return strings.Join(out, " ")
		}
		msg := func(rs []Result) string {
			var parts []string
			for _, r := range rs {
				parts = append(parts, r.Check+": "+r.Message)
			}
			return strings.Join(parts, "; ")
		}
		call := ""
		if len(u.steps) > 0 {
			call = "Call: " + u.steps[0].Call + " (case " + c.Source + ")"
		}
		switch {
		case len(failed) > 0:
			jc.Failure = &outcome{Type: ids(failed), Message: msg(failed), Body: body.String() + call}
		case len(errored) > 0:
			jc.Error = &outcome{Type: ids(errored), Message: msg(errored), Body: body.String() + call}
		}
		jc.SystemOut = sysout.String()
		out = append(out, jc)
	}
	return out
}

// checkTestcases: a testcase per check of each step (--junit checks).
func checkTestcases(c Case, suffix string, o Output) []junitCase {
	if c.Outcome == Skipped {
		return []junitCase{{Name: c.Name + suffix, Classname: c.Operation, Time: seconds(0), Skipped: &outcome{Message: c.SkipReason}}}
	}
	var out []junitCase
	for i, st := range c.Steps {
		attach := attachments(st, o)
		prefix := c.Name
		if len(c.Steps) > 1 {
			prefix = fmt.Sprintf("%s / %d %s", c.Name, i+1, st.Name)
		}
		for _, r := range st.Results {
			// A check takes no time of its own: the step's time is on
			// its HTTP-STATUS testcase (or REQ-VALID when nothing was sent).
			jc := junitCase{Name: prefix + " [" + r.Check + "]" + suffix, Classname: c.Operation, Time: seconds(0)}
			body := strings.TrimSpace(r.describe()) + "\nCall: " + st.Call + " (case " + c.Source + ")"
			switch r.Outcome {
			case Failed:
				jc.Failure = &outcome{Type: r.Check, Message: r.Message, Body: body}
				jc.SystemOut = attach
			case Error:
				jc.Error = &outcome{Type: r.Check, Message: r.Message, Body: body}
				jc.SystemOut = attach
			case Warning:
				jc.SystemOut = "WARNING (" + r.Severity + "): " + r.Message + "\n" + attach
			case NotApplicable:
				jc.SystemOut = "not applicable: " + r.Message + "\n"
			default:
				// The exchange is attached to its HTTP-STATUS testcase (or to
				// REQ-VALID when nothing was sent), and to every problem.
				if r.Check == checks.HTTPStatus || (r.Check == checks.ReqValid && len(st.Results) == 1) {
					jc.SystemOut = attach
				}
			}
			if r.Check == checks.HTTPStatus || (r.Check == checks.ReqValid && len(st.Results) == 1) {
				jc.Time = seconds(st.Seconds)
			}
			out = append(out, jc)
		}
		if st.Passed > 0 {
			// A summary.json counts its passing checks: one testcase says so.
			out = append(out, junitCase{Name: fmt.Sprintf("%s [%d passing checks]", prefix, st.Passed) + suffix, Classname: c.Operation,
				Time: seconds(st.Seconds), SystemOut: fmt.Sprintf("%d checks passed (summary.json counts passing checks)\n%s", st.Passed, attach)})
		}
	}
	return out
}

func mapKeys(m map[string][]string) map[string]string {
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = k
	}
	return out
}
