package report

import (
	"encoding/xml"
	"fmt"
	"net/url"
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

// Properties flattens the manifests into JUnit properties.
func (s *Summary) Properties() []property {
	var out []property
	for i, m := range s.Runs {
		p := ""
		if len(s.Runs) > 1 {
			p = fmt.Sprintf("run%d.", i+1)
		}
		add := func(k, v string) { out = append(out, property{p + k, v}) }
		add("conform.version", m.SuiteVersion)
		add("conform.commit", m.Commit)
		add("endpoint", m.Endpoint)
		add("target", m.Target)
		add("started", m.StartedAt.Format("2006-01-02T15:04:05Z07:00"))
		add("finished", m.FinishedAt.Format("2006-01-02T15:04:05Z07:00"))
		add("option.ops", strings.Join(m.Options.Ops, ","))
		add("option.label-filter", m.Options.LabelFilter)
		add("option.allow-mutations", fmt.Sprint(m.Options.AllowMutations))
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

// JUnit renders the summary as JUnit XML: a testsuite per agent (and per
// endpoint, when runs against several are merged), classname
// Agent.Operation, a testcase per case, step and check.
func (s *Summary) JUnit() ([]byte, error) {
	endpoints := map[string]bool{}
	for i := range s.Runs {
		endpoints[s.host(i)] = true
	}
	several := len(endpoints) > 1
	suites := map[string]*junitSuite{}
	var order []string
	props := s.Properties()
	for _, c := range s.Cases {
		name := agentOf(c.Operation)
		suffix := ""
		if several {
			suffix = " @ " + s.host(c.Run)
			name += suffix
		}
		js := suites[name]
		if js == nil {
			js = &junitSuite{Name: name}
			if len(s.Runs) > 0 {
				js.Timestamp = s.Runs[0].StartedAt.Format("2006-01-02T15:04:05Z07:00")
			}
			if len(props) > 0 {
				js.Properties = &properties{Property: props}
			}
			suites[name] = js
			order = append(order, name)
		}
		js.seconds += c.Seconds
		js.Cases = append(js.Cases, caseTestcases(c, suffix)...)
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
		js.Time = fmt.Sprintf("%.3f", js.seconds)
		total += js.seconds
		out.Tests += js.Tests
		out.Failures += js.Failures
		out.Errors += js.Errors
		out.Suites = append(out.Suites, *js)
	}
	out.Time = fmt.Sprintf("%.3f", total)
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

func caseTestcases(c Case, suffix string) []junitCase {
	if c.Outcome == Skipped {
		return []junitCase{{Name: c.Name + suffix, Classname: c.Operation, Skipped: &outcome{Message: c.SkipReason}}}
	}
	var out []junitCase
	for i, st := range c.Steps {
		var attach strings.Builder
		for _, f := range st.Evidence {
			fmt.Fprintf(&attach, "[[ATTACHMENT|%s]]\n", f)
		}
		prefix := c.Name
		if len(c.Steps) > 1 {
			prefix = fmt.Sprintf("%s / %d %s", c.Name, i+1, st.Name)
		}
		for _, r := range st.Results {
			jc := junitCase{Name: prefix + " [" + r.Check + "]" + suffix, Classname: c.Operation}
			body := strings.TrimSpace(r.Detail)
			if ch, ok := checks.Lookup(r.Check); ok {
				body = strings.TrimSpace(body + "\n\n" + ch.ID + ": " + ch.Description + "\nSource: " + ch.Source)
			}
			body += "\nCall: " + st.Call + " (case " + c.Source + ")"
			switch r.Outcome {
			case Failed:
				jc.Failure = &outcome{Type: r.Check, Message: r.Message, Body: body}
				jc.SystemOut = attach.String()
			case Error:
				jc.Error = &outcome{Type: r.Check, Message: r.Message, Body: body}
				jc.SystemOut = attach.String()
			case Warning:
				jc.SystemOut = "WARNING (" + r.Severity + "): " + r.Message + "\n" + attach.String()
			case NotApplicable:
				jc.SystemOut = "not applicable: " + r.Message + "\n"
			default:
				// The exchange is attached to its HTTP-STATUS testcase (or to
				// REQ-VALID when nothing was sent), and to every problem.
				if r.Check == checks.HTTPStatus || (r.Check == checks.ReqValid && len(st.Results) == 1) {
					jc.SystemOut = attach.String()
				}
			}
			out = append(out, jc)
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
