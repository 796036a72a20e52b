package report_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/xsd"
)

func sample(endpoint string, outcomes ...string) *report.Summary {
	s := &report.Summary{Format: report.Format, Version: report.Version, Strictness: report.Strictness(),
		Runs: []report.Manifest{{SuiteVersion: "0.1.0", Endpoint: endpoint, Target: "live endpoint",
			StartedAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 11, 22, 10, 0, 3, 0, time.UTC),
			Schemas: map[string]string{"schemas/User/schema.xsd": "aa"}, Fixtures: map[string]string{"fixtures/cases/x.yaml": "bb"}}}}
	for i, o := range outcomes {
		c := report.Case{Operation: "User.GetAccessToken", Name: []string{"valid ticket", "invalid ticket", "with AppToken"}[i], Kind: report.KindHappy, Outcome: o, Source: "cases/x.yaml:3"}
		res := report.Passed
		if o == report.Failed {
			res = report.Failed
		}
		if o == report.Skipped {
			c.SkipReason = "mutating case against a live endpoint: pass --allow-mutations to run it"
		} else {
			c.Steps = []report.Step{{Name: "GetAccessToken", Call: "User.GetAccessToken",
				Exchange: &report.Exchange{Status: 200, Request: "<a><b>x</b></a>", Response: `<s:Envelope xmlns:s="urn:s"><s:Body><Bad/></s:Body></s:Envelope>`},
				Results: []report.Result{
					{Check: "HTTP-STATUS", Severity: "MUST", Outcome: report.Passed, Message: "HTTP 200"},
					{Check: "BODY-ELEMENT", Severity: "MUST", Outcome: res, Message: "the Body's element is {}Bad; expected GetAccessTokenResponse <here> & \"there\""},
				}}}
		}
		s.Cases = append(s.Cases, c)
	}
	s.Finish()
	return s
}

func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		outcomes []string
		want     string
	}{
		{[]string{report.Passed, report.Passed}, report.Conformant},
		{[]string{report.Passed, report.Failed}, report.NotConformant},
		{[]string{report.Passed, report.Error}, report.Incomplete},
		{[]string{report.Failed, report.Error}, report.NotConformant},
		{[]string{report.Skipped}, report.Incomplete},
		{[]string{report.Passed, report.Skipped}, report.Conformant},
	} {
		s := sample("https://a/x", tc.outcomes...)
		if s.Verdict.Status != tc.want || s.Verdict.Conformant != (tc.want == report.Conformant) {
			t.Errorf("%v: verdict %s, want %s", tc.outcomes, s.Verdict.Status, tc.want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := sample("https://a/x", report.Passed, report.Failed, report.Skipped)
	if err := report.WriteAll(dir, s, report.Output{}); err != nil {
		t.Fatal(err)
	}
	back, err := report.Load(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	// summary.json counts the passing checks it leaves out: what comes back
	// is the compact summary, with the same totals and verdict.
	if !reflect.DeepEqual(s.Compact(), back) || !reflect.DeepEqual(s.Totals, back.Totals) {
		a, _ := json.Marshal(s.Compact())
		b, _ := json.Marshal(back)
		t.Errorf("summary changed through JSON:\n%s\n%s", a, b)
	}
	for _, bad := range []string{`{"format":"other","version":1}`, `{"format":"conform-summary","version":99}`, `not json`,
		`{"format":"conform-summary","version":1,"runs":[],"cases":[{"run":3}]}`} {
		p := filepath.Join(dir, "bad.json")
		os.WriteFile(p, []byte(bad), 0o644)
		if _, err := report.Load(p); err == nil {
			t.Errorf("Load accepted %s", bad)
		}
	}
}

func TestMerge(t *testing.T) {
	a := sample("https://a/x", report.Passed, report.Passed)
	b := sample("https://b/y", report.Passed, report.Failed)
	b.Runs[0].StartedAt = b.Runs[0].StartedAt.Add(time.Hour)
	m := report.Merge(a, b)
	if len(m.Runs) != 2 || len(m.Cases) != 4 || m.Cases[2].Run != 1 || m.Verdict.Status != report.NotConformant {
		t.Fatalf("merged: %d runs, %d cases, run of case 3 = %d, verdict %s", len(m.Runs), len(m.Cases), m.Cases[2].Run, m.Verdict.Status)
	}
	if m.Totals.Cases[report.Passed] != 3 || m.Totals.Cases[report.Failed] != 1 {
		t.Errorf("totals %v", m.Totals.Cases)
	}
	// Runs against several installs keep their testcases apart in JUnit,
	// each suite with its own run's timestamp and properties.
	ju, err := m.JUnit(report.Output{})
	if err != nil {
		t.Fatal(err)
	}
	junitValid(t, ju)
	d := parseJUnit(t, ju)
	if len(d.Suites) != 2 {
		t.Fatalf("%d suites, want 2", len(d.Suites))
	}
	for _, want := range []struct{ suite, endpoint, timestamp, failed string }{
		{"User @ a/x", "https://a/x", "2026-11-22T10:00:00Z", ""},
		{"User @ b/y", "https://b/y", "2026-11-22T11:00:00Z", "invalid ticket @ b/y"},
	} {
		var st *junitSuite
		for i := range d.Suites {
			if d.Suites[i].Name == want.suite {
				st = &d.Suites[i]
			}
		}
		if st == nil {
			t.Fatalf("no suite %q", want.suite)
		}
		if st.Timestamp != want.timestamp || st.prop("endpoint") != want.endpoint {
			t.Errorf("suite %s: timestamp %s, endpoint %q; want its own run's %s, %s", want.suite, st.Timestamp, st.prop("endpoint"), want.timestamp, want.endpoint)
		}
		failed := ""
		for _, c := range st.Cases {
			if c.Failure != nil {
				failed = c.Name
			}
		}
		if failed != want.failed {
			t.Errorf("suite %s: failed testcase %q, want %q", want.suite, failed, want.failed)
		}
	}
	// Runs split across CI jobs against one install: a suite per run.
	one := report.Merge(sample("https://a/x", report.Passed), sample("https://a/x", report.Failed))
	ju, _ = one.JUnit(report.Output{})
	junitValid(t, ju)
	for _, w := range []string{`<testsuite name="User (run 1)"`, `<testsuite name="User (run 2)"`} {
		if !strings.Contains(string(ju), w) {
			t.Errorf("merged JUnit of one endpoint lacks %s", w)
		}
	}
}

type junitSuite struct {
	Name       string `xml:"name,attr"`
	Tests      int    `xml:"tests,attr"`
	Failures   int    `xml:"failures,attr"`
	Timestamp  string `xml:"timestamp,attr"`
	Properties []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases []struct {
		Name      string `xml:"name,attr"`
		Classname string `xml:"classname,attr"`
		Time      string `xml:"time,attr"`
		Failure   *struct {
			Type    string `xml:"type,attr"`
			Message string `xml:"message,attr"`
			Body    string `xml:",chardata"`
		} `xml:"failure"`
		Skipped   *struct{} `xml:"skipped"`
		SystemOut string    `xml:"system-out"`
	} `xml:"testcase"`
}

func (s junitSuite) prop(name string) string {
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

type junitDoc struct {
	Suites []junitSuite `xml:"testsuite"`
}

func parseJUnit(t *testing.T, data []byte) junitDoc {
	t.Helper()
	var d junitDoc
	if err := xml.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func junitValid(t *testing.T, data []byte) {
	t.Helper()
	s, err := xsd.CompileFile("testdata/junit-10.xsd")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Free()
	pr := xsd.Parse(data)
	if pr.Doc == nil {
		t.Fatalf("JUnit does not parse: %+v", pr.Issues)
	}
	defer pr.Doc.Free()
	if issues, err := s.ValidateDoc(pr.Doc); err != nil || len(issues) > 0 {
		t.Errorf("JUnit invalid against junit-10.xsd: %v %+v", err, issues)
	}
	names := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "<testcase name=\""); i >= 0 {
			key := line[i:]
			if names[key] {
				t.Errorf("duplicate testcase %s", key)
			}
			names[key] = true
		}
	}
}

// multiStep is a failing case of two steps, with two failed checks in its
// second step, a warning, and evidence.
func multiStep(evidence string) report.Case {
	return report.Case{Operation: "User.SaveExternalTokens", Name: "round trip", Kind: report.KindHappy, Outcome: report.Failed, Source: "cases/x.yaml:9", Seconds: 0.25,
		Steps: []report.Step{
			{Name: "save", Call: "User.SaveExternalTokens", Seconds: 0.1, Results: []report.Result{{Check: "HTTP-STATUS", Severity: "MUST", Outcome: report.Passed, Message: "HTTP 200"}}},
			{Name: "get", Call: "User.GetExternalTokens", Seconds: 0.125, Evidence: []string{evidence},
				Results: []report.Result{
					{Check: "HTTP-STATUS", Severity: "MUST", Outcome: report.Passed, Message: "HTTP 200"},
					{Check: "HDR-VALID", Severity: "MUST", Outcome: report.Failed, Line: 3, Path: "/Envelope/Header/Succeeded", Message: "line 3 /Envelope/Header/Succeeded: 'yes' is not a valid value of xs:boolean"},
					{Check: "EXP-OUTCOME", Severity: "MUST", Outcome: report.Failed, Message: "expected success; got Succeeded=yes"},
					{Check: "EXP-VALUES", Severity: "SHOULD", Outcome: report.Warning, Message: "a value differs"},
				}},
		}}
}

func TestJUnit(t *testing.T) {
	s := sample("https://a/x", report.Passed, report.Failed, report.Skipped)
	evidence, _ := filepath.Abs(filepath.Join("reports", "evidence", "User.GetExternalTokens", "round-trip", "02-get.response.xml"))
	s.Cases = append(s.Cases, multiStep(evidence))
	s.Finish()
	ju, err := s.JUnit(report.Output{})
	if err != nil {
		t.Fatal(err)
	}
	junitValid(t, ju)
	if !strings.Contains(string(ju), `name="sha256:schemas/User/schema.xsd" value="aa"`) {
		t.Errorf("JUnit lacks the manifest's properties")
	}
	d := parseJUnit(t, ju)
	got := map[string]string{} // classname|name → outcome: failure type, "skipped" or "passed"
	for _, st := range d.Suites {
		for _, c := range st.Cases {
			if c.Time == "" {
				t.Errorf("testcase %s has no time", c.Name)
			}
			switch {
			case c.Failure != nil:
				got[c.Classname+"|"+c.Name] = c.Failure.Type
			case c.Skipped != nil:
				got[c.Classname+"|"+c.Name] = "skipped"
			default:
				got[c.Classname+"|"+c.Name] = "passed"
			}
		}
	}
	want := map[string]string{
		"User.GetAccessToken|valid ticket":            "passed",
		"User.GetAccessToken|invalid ticket":          "BODY-ELEMENT",
		"User.GetAccessToken|with AppToken":           "skipped",
		"User.SaveExternalTokens|round trip / 1 save": "passed",
		"User.SaveExternalTokens|round trip / 2 get":  "HDR-VALID EXP-OUTCOME",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("testcases:\n got %v\nwant %v", got, want)
	}
	// The failure names every failed check with its place, the warning is
	// in system-out, and the evidence is attached relative to the working
	// directory.
	for _, st := range d.Suites {
		for _, c := range st.Cases {
			if c.Name != "round trip / 2 get" {
				continue
			}
			if c.Time != "0.125" {
				t.Errorf("step time %s, want 0.125", c.Time)
			}
			for _, w := range []string{"HDR-VALID (MUST) at line 3 /Envelope/Header/Succeeded: line 3", "EXP-OUTCOME (MUST): expected success", "Call: User.GetExternalTokens (case cases/x.yaml:9)"} {
				if !strings.Contains(c.Failure.Body, w) {
					t.Errorf("failure body lacks %q:\n%s", w, c.Failure.Body)
				}
			}
			if !strings.Contains(c.Failure.Message, "HDR-VALID: line 3") || !strings.Contains(c.Failure.Message, "; EXP-OUTCOME: expected success") {
				t.Errorf("failure message %q", c.Failure.Message)
			}
			for _, w := range []string{"WARNING EXP-VALUES (SHOULD): a value differs", "[[ATTACHMENT|" + filepath.Join("reports", "evidence", "User.GetExternalTokens", "round-trip", "02-get.response.xml") + "]]"} {
				if !strings.Contains(c.SystemOut, w) {
					t.Errorf("system-out lacks %q:\n%s", w, c.SystemOut)
				}
			}
		}
	}

	// Jenkins: absolute attachment paths.
	ju, _ = s.JUnit(report.Output{AbsolutePaths: true})
	if !strings.Contains(string(ju), "[[ATTACHMENT|"+evidence+"]]") {
		t.Errorf("--junit-absolute-paths: no absolute attachment %s", evidence)
	}

	// --junit checks: a testcase per check, as before.
	ju, err = s.JUnit(report.Output{JUnit: report.JUnitChecks})
	if err != nil {
		t.Fatal(err)
	}
	junitValid(t, ju)
	for _, w := range []string{`<testcase name="round trip / 2 get [HDR-VALID]" classname="User.SaveExternalTokens" time="0.000">`, `<failure type="BODY-ELEMENT" message="the Body&#39;s element is {}Bad`, `<testcase name="round trip / 2 get [HTTP-STATUS]" classname="User.SaveExternalTokens" time="0.125">`} {
		if !strings.Contains(string(ju), w) {
			t.Errorf("JUnit checks form lacks %s", w)
		}
	}
	if _, err := s.JUnit(report.Output{JUnit: "steps"}); err == nil {
		t.Errorf("an unknown JUnit form was accepted")
	}
}

// Evidence paths are written relative to the summary's folder and read
// back absolute; version 1 summaries (paths relative to the run's working
// directory) still load.
func TestEvidencePaths(t *testing.T) {
	dir := t.TempDir()
	evidence := filepath.Join(dir, "evidence", "User.GetExternalTokens", "round-trip", "02-get.response.xml")
	s := sample("https://a/x", report.Passed)
	s.Cases = append(s.Cases, multiStep(evidence))
	s.Finish()
	if err := report.WriteAll(dir, s, report.Output{}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if !strings.Contains(string(data), `"evidence/User.GetExternalTokens/round-trip/02-get.response.xml"`) || strings.Contains(string(data), dir) {
		t.Errorf("summary.json does not hold the evidence path relative to its folder")
	}
	page, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(page), `href="evidence/User.GetExternalTokens/round-trip/02-get.response.xml"`) {
		t.Errorf("report.html does not link the evidence relative to itself")
	}
	back, err := report.Load(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Cases[1].Steps[1].Evidence; len(got) != 1 || got[0] != evidence {
		t.Errorf("evidence read back as %v, want [%s]", got, evidence)
	}
	// Version 1.
	var raw map[string]any
	json.Unmarshal(data, &raw)
	raw["version"] = 1
	raw["cases"].([]any)[1].(map[string]any)["steps"].([]any)[1].(map[string]any)["evidence"] = []string{"reports/evidence/A.B/c/01.xml"}
	old, _ := json.Marshal(raw)
	os.WriteFile(filepath.Join(dir, "v1.json"), old, 0o644)
	back, err = report.Load(filepath.Join(dir, "v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantV1, _ := filepath.Abs("reports/evidence/A.B/c/01.xml")
	if got := back.Cases[1].Steps[1].Evidence; len(got) != 1 || got[0] != wantV1 {
		t.Errorf("version 1 evidence read back as %v, want [%s]", got, wantV1)
	}
}

// The page shows the verdict first and each failure with its evidence,
// escapes what the server sent, and needs nothing but itself.
func TestHTML(t *testing.T) {
	page, err := sample("https://a/x", report.Passed, report.Failed, report.Skipped).HTML()
	if err != nil {
		t.Fatal(err)
	}
	h := string(page)
	verdict := strings.Index(h, `id="verdict">NOT CONFORMANT<`)
	if verdict < 0 || verdict > strings.Index(h, `id="coverage"`) {
		t.Errorf("the verdict is not shown first")
	}
	for _, w := range []string{
		"invalid ticket <span class=\"badge b-failed\">failed</span>",
		"BODY-ELEMENT",
		"&lt;here&gt; &amp; &#34;there&#34;", // the message, escaped
		`<span class="ln">1</span>  &lt;s:Body&gt;` + "\n" + `<span class="ln">1</span>    &lt;Bad&gt;&lt;/Bad&gt;`, // the response, pretty-printed, numbered, escaped
		`<a class="chip c-failed" href="#case-2"`,                        // the matrix links to the case
		`<details class="case o-failed" id="case-2" open>`,               // its card, open (few failures)
		`<span class="badge b-failed">BODY-ELEMENT</span> <b>1 case</b>`, // the group of its cause
		`<li><a href="#case-2"><code>User.GetAccessToken</code> invalid ticket</a></li>`,
		`<b>4</b>checks: 3 passed, 1 failed`, // one count of checks
		`Passing cases (1)`,
		"Strictness profile", "xml:lang on a SOAP 1.1 faultstring",
		// Skipped cases by reason, each reason's cases listed.
		"<b>1 case</b>: mutating case against a live endpoint: pass --allow-mutations to run it</summary>",
		"<li><code>User.GetAccessToken</code> with AppToken</li>",
	} {
		if !strings.Contains(h, w) {
			t.Errorf("report.html lacks %q", w)
		}
	}
	for _, bad := range []string{"<script", "<link", "src=", "@import", "url("} {
		if strings.Contains(h, bad) {
			t.Errorf("report.html is not self-contained: it has %q", bad)
		}
	}
}

// One root cause across many cases is one group, counted, with the
// operations it affects, before the smaller ones.
func TestHTMLGroups(t *testing.T) {
	s := sample("https://a/x", report.Passed)
	bad := func(op, name, path string) report.Case {
		return report.Case{Operation: op, Name: name, Kind: report.KindHappy, Outcome: report.Failed, Source: "x",
			Steps: []report.Step{{Name: "call", Call: op, Results: []report.Result{
				{Check: "HDR-VALID", Severity: "MUST", Outcome: report.Failed, Line: 1, Path: path, Message: "line 1 " + path + ": not a boolean"}}}}}
	}
	s.Cases = append(s.Cases,
		bad("User.GetAccessToken", "a", "/Envelope/Header/Succeeded"),
		bad("User.GetExternalTokens", "b", "/Envelope/Header/Succeeded"),
		bad("User.SaveExternalTokens", "c", "/Envelope/Header/Succeeded"),
		bad("User.GetAccessToken", "d", "/Envelope/Header/TimeZone"))
	for i := 0; i < 6; i++ { // more failures than the page opens
		s.Cases = append(s.Cases, bad("User.GetUser", fmt.Sprint("e", i), "/Envelope/Header/Succeeded"))
	}
	s.Finish()
	page, err := s.HTML()
	if err != nil {
		t.Fatal(err)
	}
	h := string(page)
	first := strings.Index(h, `<b>9 cases</b> · 4 operations · at <span class="path">/Envelope/Header/Succeeded</span>`)
	second := strings.Index(h, `<b>1 case</b> · 1 operation · at <span class="path">/Envelope/Header/TimeZone</span>`)
	if first < 0 || second < 0 || first > second {
		t.Errorf("groups: Succeeded at %d, TimeZone at %d; want both, the larger first", first, second)
	}
	if !strings.Contains(h, "<summary>User.GetAccessToken, User.GetExternalTokens, User.GetUser, User.SaveExternalTokens: the cases</summary>") {
		t.Errorf("the group does not name the operations it affects")
	}
	if strings.Contains(h, `id="case-2" open`) {
		t.Errorf("cards are open with many failures")
	}
}
