package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// A fleet is many runs (installs, shards, a CI matrix) merged: conform
// report merge reads one summary at a time (memory bounded by the largest
// run, not by the sum), keeps what the fleet page needs, and writes an
// index: a summary.json that names each run's own summary.json (its part)
// and holds the fleet's aggregates. `conform report` of an index reads the
// parts again, one at a time. Per-run detail stays in the runs' own pages.

// Fleet is what a fleet page shows.
type Fleet struct {
	Runs   []FleetRun   `json:"runs"`
	Agents []string     `json:"agents"` // every agent of any run, sorted
	Causes []FleetCause `json:"causes"` // failures by cause across the fleet, the most installs first
	Drift  []FleetDrift `json:"drift,omitempty"`
	Totals Totals       `json:"totals"`
}

// FleetRun is one run of the fleet.
type FleetRun struct {
	Endpoint string               `json:"endpoint"`
	Host     string               `json:"host"`
	Part     string               `json:"part"` // its summary.json, relative to the index
	Page     string               `json:"page"` // its report.html, relative to the index
	Shard    string               `json:"shard,omitempty"`
	Verdict  string               `json:"verdict"`
	Cases    map[string]int       `json:"cases"`
	Agents   map[string]FleetCell `json:"agents"`
}

// FleetCell is one agent of one run: its cases by outcome and verdict.
type FleetCell struct {
	Verdict                         string `json:"verdict"`
	Passed, Failed, Errors, Skipped int
}

// FleetCause is one failing check at one element path across the fleet.
type FleetCause struct {
	Check, Path, Outcome string
	Installs, Runs       int
	Agents               []string
	Example              string
}

// FleetDrift is one agent whose live WSDL differed from the contract.
type FleetDrift struct {
	Agent    string
	Installs int
	Example  string
}

// FleetBuilder gathers a fleet one run at a time.
type FleetBuilder struct {
	dir    string // the index's folder
	fleet  Fleet
	agents map[string]bool
	causes map[string]*causeAcc
	drift  map[string]*driftAcc
	runs   []Manifest
}

type causeAcc struct {
	FleetCause
	hosts, agents map[string]bool
}

type driftAcc struct {
	FleetDrift
	hosts map[string]bool
}

// NewFleet starts a fleet whose index goes into dir.
func NewFleet(dir string) *FleetBuilder {
	return &FleetBuilder{dir: dir, agents: map[string]bool{}, causes: map[string]*causeAcc{}, drift: map[string]*driftAcc{}}
}

// Add takes one run's summary (read from path) into the fleet; the summary
// can be let go after.
func (b *FleetBuilder) Add(path string, s *Summary) {
	abs, _ := filepath.Abs(path)
	dirAbs, _ := filepath.Abs(b.dir)
	rel, err := filepath.Rel(dirAbs, abs)
	if err != nil {
		rel = abs
	}
	page := filepath.Join(filepath.Dir(rel), "report.html")
	for i, m := range s.Runs {
		host := s.host(i)
		r := FleetRun{Endpoint: m.Endpoint, Host: host, Part: filepath.ToSlash(rel), Page: filepath.ToSlash(page), Shard: m.Options.Shard,
			Cases: map[string]int{}, Agents: map[string]FleetCell{}}
		ops := map[string][]string{}
		for _, c := range s.Cases {
			if c.Run != i {
				continue
			}
			r.Cases[c.Outcome]++
			agent, _, _ := strings.Cut(c.Operation, ".")
			b.agents[agent] = true
			cell := r.Agents[agent]
			switch c.Outcome {
			case Passed:
				cell.Passed++
			case Failed:
				cell.Failed++
			case Error:
				cell.Errors++
			default:
				cell.Skipped++
			}
			r.Agents[agent] = cell
			ops[agent] = append(ops[agent], c.Outcome)
			for _, st := range c.Steps {
				for _, res := range st.Results {
					if res.Outcome != Failed && res.Outcome != Error {
						continue
					}
					key := res.Check + "\x00" + res.Path + "\x00" + res.Outcome
					acc := b.causes[key]
					if acc == nil {
						acc = &causeAcc{FleetCause: FleetCause{Check: res.Check, Path: res.Path, Outcome: res.Outcome, Example: res.Message}, hosts: map[string]bool{}, agents: map[string]bool{}}
						b.causes[key] = acc
					}
					if !acc.hosts[host] {
						acc.hosts[host] = true
					}
					acc.agents[agent] = true
					acc.Runs++
				}
			}
		}
		for agent, outs := range ops {
			cell := r.Agents[agent]
			cell.Verdict = Conformant
			switch {
			case contains(outs, Failed):
				cell.Verdict = NotConformant
			case contains(outs, Error):
				cell.Verdict = Incomplete
			case cell.Passed == 0:
				cell.Verdict = Skipped
			}
			r.Agents[agent] = cell
		}
		r.Verdict = Conformant
		switch {
		case r.Cases[Failed] > 0:
			r.Verdict = NotConformant
		case r.Cases[Error] > 0 || r.Cases[Passed] == 0:
			r.Verdict = Incomplete
		}
		for agent, diff := range m.WSDLDrift {
			acc := b.drift[agent]
			if acc == nil {
				ex := ""
				if len(diff) > 0 {
					ex = diff[0]
				}
				acc = &driftAcc{FleetDrift: FleetDrift{Agent: agent, Example: ex}, hosts: map[string]bool{}}
				b.drift[agent] = acc
			}
			acc.hosts[host] = true
		}
		b.fleet.Runs = append(b.fleet.Runs, r)
		// The index keeps each run's provenance but its file hashes, which
		// its own summary holds: a fleet's index stays small.
		m.Schemas, m.Fixtures, m.Server = nil, nil, nil
		b.runs = append(b.runs, m)
	}
	if b.fleet.Totals.Cases == nil {
		b.fleet.Totals = Totals{Cases: map[string]int{}, Checks: map[string]int{}}
	}
	for k, v := range s.Totals.Cases {
		b.fleet.Totals.Cases[k] += v
	}
	for k, v := range s.Totals.Checks {
		b.fleet.Totals.Checks[k] += v
	}
}

// Index is the fleet as summary.json holds it: the runs' manifests, the
// parts, the aggregates and the verdict.
func (b *FleetBuilder) Index() *Summary {
	f := b.fleet
	for a := range b.agents {
		f.Agents = append(f.Agents, a)
	}
	sort.Strings(f.Agents)
	for _, acc := range b.causes {
		c := acc.FleetCause
		c.Installs = len(acc.hosts)
		for a := range acc.agents {
			c.Agents = append(c.Agents, a)
		}
		sort.Strings(c.Agents)
		f.Causes = append(f.Causes, c)
	}
	sort.Slice(f.Causes, func(i, j int) bool {
		a, c := f.Causes[i], f.Causes[j]
		if a.Installs != c.Installs {
			return a.Installs > c.Installs
		}
		return a.Check+a.Path < c.Check+c.Path
	})
	for _, acc := range b.drift {
		d := acc.FleetDrift
		d.Installs = len(acc.hosts)
		f.Drift = append(f.Drift, d)
	}
	sort.Slice(f.Drift, func(i, j int) bool { return f.Drift[i].Installs > f.Drift[j].Installs })
	// Runs with problems first, then by host.
	rank := map[string]int{NotConformant: 0, Incomplete: 1, Conformant: 2}
	sort.SliceStable(f.Runs, func(i, j int) bool {
		if rank[f.Runs[i].Verdict] != rank[f.Runs[j].Verdict] {
			return rank[f.Runs[i].Verdict] < rank[f.Runs[j].Verdict]
		}
		return f.Runs[i].Host < f.Runs[j].Host
	})
	s := &Summary{Format: Format, Version: Version, Runs: b.runs, Strictness: Strictness(), Fleet: &f, Totals: f.Totals}
	s.Verdict = Verdict{Status: Conformant, Conformant: true, Operations: map[string]string{}}
	for _, r := range f.Runs {
		for _, p := range []string{r.Part} {
			if !containsStr(s.Parts, p) {
				s.Parts = append(s.Parts, p)
			}
		}
		switch {
		case r.Verdict == NotConformant:
			s.Verdict.Status, s.Verdict.Conformant = NotConformant, false
		case r.Verdict == Incomplete && s.Verdict.Status != NotConformant:
			s.Verdict.Status, s.Verdict.Conformant = Incomplete, false
		}
	}
	sort.Strings(s.Parts)
	return s
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Refleet reads an index's parts again, one at a time, and builds its
// fleet anew for an index in out: an index is input like any other, its
// aggregates are not taken on its word.
func Refleet(index string, s *Summary, out string) (*Summary, error) {
	dir := filepath.Dir(index)
	b := NewFleet(out)
	for _, p := range s.Parts {
		part, err := Load(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			return nil, fmt.Errorf("%s names the part %s: %w", index, p, err)
		}
		if len(part.Parts) > 0 {
			return nil, fmt.Errorf("%s: the part %s is an index itself (merge the runs' own summaries)", index, p)
		}
		b.Add(filepath.Join(dir, filepath.FromSlash(p)), part)
	}
	return b.Index(), nil
}

var fleetPage = template.Must(template.New("fleet").Funcs(template.FuncMap{
	"cls": func(v string) string {
		switch v {
		case NotConformant:
			return "f"
		case Incomplete:
			return "e"
		case Conformant:
			return "p"
		}
		return "s"
	},
	"join": func(l []string) string {
		if len(l) > 6 {
			return strings.Join(l[:6], ", ") + fmt.Sprintf(" and %d more", len(l)-6)
		}
		return strings.Join(l, ", ")
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>conform fleet: {{.Verdict.Status}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1c2430}header{padding:14px 24px;color:#fff;background:#2e7d32}header.f{background:#c62828}header.e{background:#6a1b9a}
main{padding:8px 24px}table{border-collapse:collapse}td,th{padding:1px 4px;text-align:left;white-space:nowrap}th.a{writing-mode:vertical-rl;font-weight:normal;font-size:11px}
i{display:inline-block;width:10px;height:10px;border-radius:2px}i.p{background:#2e7d32}i.f{background:#c62828}i.e{background:#6a1b9a}i.s{background:#bbb}i.n{background:#fff;border:1px solid #ddd}
.muted{color:#667}code{font-size:12px}
</style></head><body>
<header class="{{cls .Verdict.Status}}"><h1>{{if eq .Verdict.Status "conformant"}}CONFORMANT{{else if eq .Verdict.Status "not conformant"}}NOT CONFORMANT{{else}}INCOMPLETE{{end}}: a fleet of {{len .Fleet.Runs}} runs</h1>
<p>{{index .Fleet.Totals.Cases "passed"}} cases passed · {{index .Fleet.Totals.Cases "failed"}} failed · {{index .Fleet.Totals.Cases "error"}} with errors · {{index .Fleet.Totals.Cases "skipped"}} skipped</p></header>
<main>
<h2 id="matrix">Installs × agents</h2>
<p class="muted">A row per run (problems first); a square per agent: <i class="p"></i> conformant <i class="f"></i> not conformant <i class="e"></i> incomplete <i class="s"></i> skipped <i class="n"></i> not run. The run's own page has the detail.</p>
<table><tr><th>run</th><th>verdict</th><th>cases p/f/e/s</th>{{range .Fleet.Agents}}<th class="a">{{.}}</th>{{end}}</tr>
{{range .Fleet.Runs}}{{$r := .}}<tr><td><a href="{{.Page}}">{{.Host}}</a>{{with .Shard}} <span class="muted">shard {{.}}</span>{{end}}</td><td><i class="{{cls .Verdict}}"></i> {{.Verdict}}</td><td>{{index .Cases "passed"}}/{{index .Cases "failed"}}/{{index .Cases "error"}}/{{index .Cases "skipped"}}</td>{{range $.Fleet.Agents}}{{with index $r.Agents .}}{{if eq .Verdict "conformant"}}<td><i class="p"></i></td>{{else}}<td><i class="{{cls .Verdict}}" title="{{.Passed}} passed, {{.Failed}} failed, {{.Errors}} errors, {{.Skipped}} skipped"></i></td>{{end}}{{else}}<td><i class="n"></i></td>{{end}}{{end}}</tr>
{{end}}</table>
<h2 id="causes">Failures by cause across the fleet{{if not .Fleet.Causes}}: none{{end}}</h2>
<ul>{{range .Fleet.Causes}}<li><b>{{.Check}}</b>{{with .Path}} at <code>{{.}}</code>{{end}}: {{.Installs}} of {{len $.Fleet.Runs}} runs' installs, {{len .Agents}} agent{{if ne (len .Agents) 1}}s{{end}} ({{join .Agents}}), {{.Runs}} results <div class="muted">e.g. {{.Example}}</div></li>{{end}}</ul>
<h2 id="drift">WSDL drift across the fleet{{if not .Fleet.Drift}}: none{{end}}</h2>
<ul>{{range .Fleet.Drift}}<li><b>{{.Agent}}</b>: the live WSDL differs from the contract on {{.Installs}} install{{if ne .Installs 1}}s{{end}} <div class="muted">e.g. {{.Example}}</div></li>{{end}}</ul>
</main></body></html>
`))

// FleetHTML renders the fleet page: small whatever the fleet's size (a row
// per run, a square per agent); the runs' own pages hold the detail.
func (s *Summary) FleetHTML() ([]byte, error) {
	var b bytes.Buffer
	err := fleetPage.Execute(&b, s)
	return b.Bytes(), err
}

// FleetJUnit writes the fleet's JUnit: a testsuite per run (endpoint) and
// agent, a testcase per agent's outcome: failed when any of its cases
// failed, with the count; the runs' own junit.xml hold every case.
func (s *Summary) FleetJUnit(w io.Writer) error {
	io.WriteString(w, xml.Header+`<testsuites name="conform fleet">`+"\n")
	enc := xml.NewEncoder(w)
	for _, r := range s.Fleet.Runs {
		agents := make([]string, 0, len(r.Agents))
		for a := range r.Agents {
			agents = append(agents, a)
		}
		sort.Strings(agents)
		for _, a := range agents {
			cell := r.Agents[a]
			name := a + " @ " + r.Host
			if r.Shard != "" {
				name += " (shard " + r.Shard + ")"
			}
			suite := junitSuite{Name: name, Tests: 1, Time: "0"}
			jc := junitCase{Name: fmt.Sprintf("%s: %d passed, %d failed, %d errors, %d skipped", a, cell.Passed, cell.Failed, cell.Errors, cell.Skipped), Classname: a, Time: "0",
				SystemOut: "the run's own report: " + r.Page + "\n"}
			switch cell.Verdict {
			case NotConformant:
				suite.Failures = 1
				jc.Failure = &outcome{Type: "not conformant", Message: fmt.Sprintf("%d cases of %s failed on %s", cell.Failed, a, r.Host)}
			case Incomplete:
				suite.Errors = 1
				jc.Error = &outcome{Type: "incomplete", Message: fmt.Sprintf("%d cases of %s had errors on %s", cell.Errors, a, r.Host)}
			case Skipped:
				suite.Skipped = 1
				jc.Skipped = &outcome{Message: "every case was skipped"}
			}
			suite.Cases = []junitCase{jc}
			if err := enc.EncodeElement(suite, xml.StartElement{Name: xml.Name{Local: "testsuite"}}); err != nil {
				return err
			}
			io.WriteString(w, "\n")
		}
	}
	enc.Flush()
	_, err := io.WriteString(w, "</testsuites>\n")
	return err
}

// WriteFleet writes an index into dir: summary.json, report.html (the fleet
// page) and junit.xml.
func WriteFleet(dir string, s *Summary) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := jsonLine(s)
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, "summary.json"), js); err != nil {
		return err
	}
	page, err := s.FleetHTML()
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, "report.html"), page); err != nil {
		return err
	}
	var ju bytes.Buffer
	if err := s.FleetJUnit(&ju); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "junit.xml"), ju.Bytes())
}
