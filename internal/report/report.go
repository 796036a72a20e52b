// Package report writes what a run leaves behind: reports/junit.xml (our
// own, from Ginkgo's Report: a testsuite per agent, classname
// Agent.Operation, a testcase per case, step and check) and
// reports/evidence/ (each exchange, credentials redacted), linked from the
// testcases with [[ATTACHMENT|path]] lines.
package report

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/soap"
)

// EntryName is the name of the report entry that carries a case's result.
const EntryName = "conform"

// Property is one line of the run manifest.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Writer writes the reports of one run.
type Writer struct {
	Dir      string     // the reports folder
	Manifest []Property // the run's manifest, as JUnit properties
	Secrets  func() []string
}

func (w *Writer) redact(s string) string { return soap.Redact(s, w.Secrets()...) }

// Totals are the run's counts, by testcase.
type Totals struct {
	Tests, Failures, Errors, Skipped, Warnings int
	FailedCases, ErroredCases                  []string // Agent.Operation case
}

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
	Timestamp  string      `xml:"timestamp,attr"`
	Properties *properties `xml:"properties,omitempty"`
	Cases      []junitCase `xml:"testcase"`
}

type properties struct {
	Property []Property `xml:"property"`
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

// CaseResult returns the case result a spec carries, nil when none.
func CaseResult(s types.SpecReport) *engine.CaseResult {
	for _, e := range s.ReportEntries {
		if e.Name == EntryName {
			if r, ok := e.GetRawValue().(*engine.CaseResult); ok {
				return r
			}
		}
	}
	return nil
}

// Write writes junit.xml and the evidence of every case in the report.
func (w *Writer) Write(r types.Report) (Totals, error) {
	var t Totals
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return t, fmt.Errorf("reports folder %s: %w", w.Dir, err)
	}
	// Evidence is rewritten whole: stale files of an earlier run would lie.
	if err := os.RemoveAll(filepath.Join(w.Dir, "evidence")); err != nil {
		return t, err
	}
	suites := map[string]*junitSuite{}
	var order []string
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		op := s.LeafNodeText
		caseName := ""
		if res := CaseResult(s); res != nil {
			op, caseName = res.Case.Operation, res.Case.Name
		} else if i := strings.Index(op, " "); i > 0 {
			op, caseName = op[:i], op[i+1:]
		}
		agent, _, _ := strings.Cut(op, ".")
		js := suites[agent]
		if js == nil {
			js = &junitSuite{Name: agent, Timestamp: r.StartTime.UTC().Format(time.RFC3339)}
			if len(w.Manifest) > 0 {
				js.Properties = &properties{Property: w.redactProps()}
			}
			suites[agent] = js
			order = append(order, agent)
		}
		cases, err := w.cases(s, op, caseName, &t)
		if err != nil {
			return t, err
		}
		js.Cases = append(js.Cases, cases...)
	}
	out := junitSuites{Name: "conform"}
	sort.Strings(order)
	var total time.Duration
	for _, a := range order {
		js := suites[a]
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
		js.Time = "0"
		out.Tests += js.Tests
		out.Failures += js.Failures
		out.Errors += js.Errors
		out.Suites = append(out.Suites, *js)
	}
	for _, s := range r.SpecReports {
		total += s.RunTime
	}
	for i := range out.Suites {
		var d time.Duration
		for _, s := range r.SpecReports {
			if s.LeafNodeType == types.NodeTypeIt && strings.HasPrefix(s.LeafNodeText, out.Suites[i].Name+".") {
				d += s.RunTime
			}
		}
		out.Suites[i].Time = fmt.Sprintf("%.3f", d.Seconds())
	}
	out.Time = fmt.Sprintf("%.3f", total.Seconds())
	t.Tests, t.Failures, t.Errors = out.Tests, out.Failures, out.Errors
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return t, err
	}
	data = append([]byte(xml.Header), append(data, '\n')...)
	return t, os.WriteFile(filepath.Join(w.Dir, "junit.xml"), data, 0o644)
}

func (w *Writer) redactProps() []Property {
	out := make([]Property, len(w.Manifest))
	for i, p := range w.Manifest {
		out[i] = Property{Name: p.Name, Value: w.redact(p.Value)}
	}
	return out
}

// cases turns one spec into testcases: one per step and check, or one for
// a skipped or broken spec.
func (w *Writer) cases(s types.SpecReport, op, caseName string, t *Totals) ([]junitCase, error) {
	res := CaseResult(s)
	label := op + " " + caseName
	if s.State == types.SpecStateSkipped || s.State == types.SpecStatePending {
		t.Skipped++
		msg := s.Failure.Message
		if msg == "" {
			msg = "skipped"
		}
		return []junitCase{{Name: caseName, Classname: op, Skipped: &outcome{Message: w.redact(msg)}}}, nil
	}
	if res == nil {
		t.ErroredCases = append(t.ErroredCases, label)
		return []junitCase{{Name: caseName, Classname: op, Error: &outcome{Type: s.State.String(), Message: w.redact(s.Failure.Message), Body: w.redact(s.Failure.Location.String())}}}, nil
	}
	if res.Failed() {
		t.FailedCases = append(t.FailedCases, label)
	}
	if res.Errored() {
		t.ErroredCases = append(t.ErroredCases, label)
	}
	var out []junitCase
	for i, st := range res.Steps {
		files, err := w.evidence(res, i)
		if err != nil {
			return nil, err
		}
		var attach strings.Builder
		for _, f := range files {
			fmt.Fprintf(&attach, "[[ATTACHMENT|%s]]\n", f)
		}
		prefix := caseName
		if len(res.Steps) > 1 {
			prefix = fmt.Sprintf("%s / %d %s", caseName, i+1, st.Name)
		}
		for _, c := range st.Checks {
			jc := junitCase{Name: prefix + " [" + c.Check + "]", Classname: op}
			ch := checks.Get(c.Check)
			body := w.redact(strings.TrimSpace(c.Detail + "\n\n" + ch.ID + ": " + ch.Description + "\nSource: " + ch.Source + "\nCall: " + st.Call + " (case " + res.Case.Source + ")"))
			switch c.Status {
			case engine.Failed:
				jc.Failure = &outcome{Type: c.Check, Message: w.redact(c.Message), Body: body}
				jc.SystemOut = attach.String()
			case engine.Error:
				jc.Error = &outcome{Type: c.Check, Message: w.redact(c.Message), Body: body}
				jc.SystemOut = attach.String()
			case engine.Warning:
				t.Warnings++
				jc.SystemOut = "WARNING (" + string(ch.Severity) + "): " + w.redact(c.Message) + "\n" + attach.String()
			default:
				// The exchange is attached to its HTTP-STATUS testcase (or to
				// REQ-VALID when nothing was sent), and to every problem.
				if c.Check == checks.HTTPStatus || (c.Check == checks.ReqValid && len(st.Checks) == 1) {
					jc.SystemOut = attach.String()
				}
			}
			out = append(out, jc)
		}
	}
	return out, nil
}

var unsafe = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(unsafe.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// evidence writes one step's exchange and returns the paths to attach.
func (w *Writer) evidence(res *engine.CaseResult, i int) ([]string, error) {
	st := res.Steps[i]
	ex := st.Exchange
	if ex == nil {
		return nil, nil
	}
	rel := filepath.Join("evidence", res.Case.Operation, slug(res.Case.Name))
	dir := filepath.Join(w.Dir, rel)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	base := fmt.Sprintf("%02d-%s", i+1, slug(st.Name))
	var files []string
	put := func(name string, data []byte) error {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(w.redact(string(data))), 0o644); err != nil {
			return err
		}
		files = append(files, filepath.Join(w.Dir, rel, name))
		return nil
	}
	if err := put(base+".request.xml", ex.Request); err != nil {
		return nil, err
	}
	if ex.Status != 0 {
		if err := put(base+".response.xml", ex.Response); err != nil {
			return nil, err
		}
	}
	meta := fmt.Sprintf("POST %s\nSOAPAction: %q\n\nHTTP %d\nContent-Type: %s\nDuration: %s\nTruncated: %v\n", ex.URL, ex.Action, ex.Status, ex.ContentType, ex.Duration.Round(time.Microsecond), ex.Truncated)
	if err := put(base+".http.txt", []byte(meta)); err != nil {
		return nil, err
	}
	return files, nil
}
