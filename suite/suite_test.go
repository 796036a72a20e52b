package suite_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conform-dev/conform/internal/xsd"
	"github.com/conform-dev/conform/suite"
)

// TestSuite runs the whole catalog (every case, every User and SoPrincipal
// operation) through the Ginkgo adapter, against the embedded mock unless
// CONFORM_ENDPOINT says otherwise, as `go test ./...` and `ginkgo ./suite` do.
func TestSuite(t *testing.T) {
	dir := os.Getenv("CONFORM_REPORTS")
	if dir == "" {
		dir = t.TempDir()
		t.Setenv("CONFORM_REPORTS", dir)
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "conform")

	if suite.Last == nil {
		return // a parallel process other than the first: it writes no reports
	}
	sum := suite.Last
	sc, _ := GinkgoConfiguration()
	whole := sc.LabelFilter == "" && len(sc.FocusStrings) == 0 && len(sc.SkipStrings) == 0
	if os.Getenv("CONFORM_ENDPOINT") == "" {
		if sum.Totals.Cases["passed"] != len(sum.Cases) || !sum.Verdict.Conformant || (whole && len(sum.Cases) < 97+10) {
			t.Errorf("%d cases reported, %v; verdict %s", len(sum.Cases), sum.Totals.Cases, sum.Verdict.Status)
		}
	}
	junitValid(t, filepath.Join(dir, "junit.xml"))
}

var update = flag.Bool("update", false, "rewrite labels_test.go from the catalog")

// labels_test.go lists every label the catalog gives a spec, as literals, so
// that `ginkgo labels ./suite` (which reads the source) finds them.
func TestLabelsAreCurrent(t *testing.T) {
	want := suite.LabelsSource()
	if *update {
		if err := os.WriteFile("labels_test.go", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile("labels_test.go")
	if err != nil || string(got) != string(want) {
		t.Errorf("suite/labels_test.go is stale: run go test ./suite -run LabelsAreCurrent -update and commit it")
	}
}

// junitValid validates a report against the JUnit schema Jenkins uses.
func junitValid(t *testing.T, path string) {
	s, err := xsd.CompileFile("../internal/report/testdata/junit-10.xsd")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Free()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pr := xsd.Parse(data)
	if pr.Doc == nil {
		t.Fatalf("junit.xml does not parse: %+v", pr.Issues)
	}
	defer pr.Doc.Free()
	issues, err := s.ValidateDoc(pr.Doc)
	if err != nil || len(issues) > 0 {
		t.Errorf("junit.xml is not valid against junit-10.xsd: %v %+v", err, issues)
	}
}
