package report_test

import (
	"encoding/json"
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
	if err := report.WriteAll(dir, s); err != nil {
		t.Fatal(err)
	}
	back, err := report.Load(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, back) {
		a, _ := json.Marshal(s)
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
	m := report.Merge(a, b)
	if len(m.Runs) != 2 || len(m.Cases) != 4 || m.Cases[2].Run != 1 || m.Verdict.Status != report.NotConformant {
		t.Fatalf("merged: %d runs, %d cases, run of case 3 = %d, verdict %s", len(m.Runs), len(m.Cases), m.Cases[2].Run, m.Verdict.Status)
	}
	if m.Totals.Cases[report.Passed] != 3 || m.Totals.Cases[report.Failed] != 1 {
		t.Errorf("totals %v", m.Totals.Cases)
	}
	// Runs against several installs keep their testcases apart in JUnit.
	ju, err := m.JUnit()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`<testsuite name="User @ a/x"`, `<testsuite name="User @ b/y"`, `name="invalid ticket [BODY-ELEMENT] @ b/y"`, `name="run2.endpoint" value="https://b/y"`} {
		if !strings.Contains(string(ju), w) {
			t.Errorf("merged JUnit lacks %s", w)
		}
	}
	junitValid(t, ju)
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

func TestJUnit(t *testing.T) {
	ju, err := sample("https://a/x", report.Passed, report.Failed, report.Skipped).JUnit()
	if err != nil {
		t.Fatal(err)
	}
	junitValid(t, ju)
	for _, w := range []string{`classname="User.GetAccessToken"`, `<failure type="BODY-ELEMENT" message="the Body&#39;s element is {}Bad`, `<skipped message="mutating case`, `name="sha256:schemas/User/schema.xsd" value="aa"`} {
		if !strings.Contains(string(ju), w) {
			t.Errorf("JUnit lacks %s", w)
		}
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
		"&lt;here&gt; &amp; &#34;there&#34;",          // the message, escaped
		"&lt;s:Body&gt;\n    &lt;Bad&gt;&lt;/Bad&gt;", // the response, pretty-printed and escaped
		"Strictness profile", "xml:lang on a SOAP 1.1 faultstring",
		"with AppToken: mutating case against a live endpoint",
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
