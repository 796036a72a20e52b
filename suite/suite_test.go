package suite_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conform-dev/conform/fixtures"
	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/xsd"
	"github.com/conform-dev/conform/suite"
)

// TestSuite runs the whole suite (every case of the catalog, every User
// operation) against the embedded mock, as `go test ./...` does.
func TestSuite(t *testing.T) {
	srv := httptest.NewServer(mock.MustNew(mock.Options{}))
	defer srv.Close()
	eng, err := engine.New(engine.Config{Endpoint: srv.URL, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.Authenticate(context.Background(), mock.DefaultUser, mock.DefaultPassword); err != nil {
		t.Fatal(err)
	}
	cat, err := fixture.Load(fixtures.FS, fixtures.CasesDir, eng, []string{"User", "SoPrincipal"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	suite.Use(&suite.Config{Engine: eng, Catalog: cat, Reports: &report.Writer{Dir: dir, Redactor: eng.Redactor}})
	RegisterFailHandler(Fail)
	RunSpecs(t, "conform suite against the embedded mock")

	out := suite.Result()
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	sum := out.Summary
	if len(sum.Cases) != len(cat.Cases) || sum.Totals.Cases["passed"] != len(cat.Cases) || !sum.Verdict.Conformant {
		t.Errorf("%d of %d cases reported, %v; verdict %s", len(sum.Cases), len(cat.Cases), sum.Totals.Cases, sum.Verdict.Status)
	}
	if len(cat.Cases) < 97+10 {
		t.Errorf("only %d cases: want one per User operation and the documented ones", len(cat.Cases))
	}
	junitValid(t, filepath.Join(dir, "junit.xml"))
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
