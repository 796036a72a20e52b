package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/conform-dev/conform/internal/report"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/ from the current renderings")

// golden compares a rendering with its file under testdata/golden/ (go
// test ./internal/report -run Golden -update rewrites them; review the
// diff like code).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (rerun with -update if the change is meant, and review the diff):\n%s", name, path, firstDiff(want, got))
	}
}

// firstDiff shows the first line where two renderings part.
func firstDiff(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b []byte
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if !bytes.Equal(a, b) {
			return "line " + itoa(i+1) + ":\nwant: " + string(a) + "\n got: " + string(b)
		}
	}
	return ""
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// goldenSummary is a run of every outcome: passed, failed, skipped, and a
// multi-step case with a warning, evidence and a place for each finding.
func goldenSummary() *report.Summary {
	s := sample("https://a/x", report.Passed, report.Failed, report.Skipped)
	s.Cases = append(s.Cases, multiStep(filepath.Join("reports", "evidence", "User.GetExternalTokens", "round-trip", "02-get.response.xml")))
	s.Finish()
	return s
}

func TestGoldenJUnit(t *testing.T) {
	for _, form := range []string{report.JUnitCases, report.JUnitChecks} {
		ju, err := goldenSummary().JUnit(report.Output{JUnit: form})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "junit-"+form+".xml", ju)
	}
}

func TestGoldenSummary(t *testing.T) {
	js, err := json.MarshalIndent(goldenSummary().Compact(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.json", append(js, '\n'))
}

// The page's body: what a reader sees (its style sheet and script are
// left out, as they are not the report's content).
func TestGoldenHTML(t *testing.T) {
	page, err := goldenSummary().HTML()
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile(`(?s)<body[^>]*>.*</body>`).Find(page)
	body = regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAll(body, []byte("<script>…</script>"))
	if len(body) == 0 {
		t.Fatalf("no body in the page:\n%.400s", page)
	}
	golden(t, "report-body.html", append(bytes.ReplaceAll(body, []byte("><"), []byte(">\n<")), '\n'))
}
