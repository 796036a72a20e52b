// Package suite is conform's Ginkgo suite: one spec per case of the case
// catalog, built at tree construction from the configuration of the run,
// labelled by agent, operation, safety class and the case's labels (so
// --label-filter selects them). `conform run` runs it in-process with Run;
// `go test ./suite` runs it against the embedded mock.
package suite

import (
	"fmt"
	"github.com/conform-dev/conform/internal/soap"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/report"
)

// Config is one run of the suite.
type Config struct {
	Engine         *engine.Engine
	Catalog        *fixture.Catalog
	Ops            map[string]bool // Agent.Operation to run; empty: all
	Live           bool            // a real install: mutating cases need AllowMutations
	AllowMutations bool
	LabelFilter    string
	Progress       io.Writer // a line per case; nil: none
	Reports        *report.Writer
}

// Outcome is what a run found.
type Outcome struct {
	Summary  *report.Summary
	Duration time.Duration
	Err      error // the reports could not be written
}

var (
	cfg     *Config
	outcome Outcome
	mu      sync.Mutex
)

// Selected reports whether the run's filters keep a case.
func (c *Config) Selected(cs *fixture.Case) bool {
	return len(c.Ops) == 0 || c.Ops[cs.Operation]
}

func (c *Config) progress(format string, args ...any) {
	if c.Progress == nil {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintln(c.Progress, soap.Printable(c.Engine.Redactor().String(fmt.Sprintf(format, args...))))
}

// Ordered keeps the catalog's order (documented cases first); ContinueOnFailure
// keeps a failure from skipping the cases after it.
var _ = Describe("conform", Ordered, ContinueOnFailure, func() {
	if cfg == nil {
		return
	}
	for _, cs := range cfg.Catalog.Cases {
		if !cfg.Selected(cs) {
			continue
		}
		agent, op, _ := strings.Cut(cs.Operation, ".")
		labels := Label(append([]string{SuiteLabel, agent, agent + "." + op, string(cs.Safety)}, cs.Labels...)...)
		It(cs.Operation+" "+cs.Name, labels, func(ctx SpecContext) {
			if cfg.Live && cs.Safety != fixture.ReadOnly && !cfg.AllowMutations {
				cfg.progress("SKIP %s %s (%s; pass --allow-mutations to run it against a live endpoint)", cs.Operation, cs.Name, cs.Safety)
				Skip(fmt.Sprintf("%s case against a live endpoint: pass --allow-mutations to run it", cs.Safety))
			}
			res := cfg.Engine.Run(ctx, cs)
			AddReportEntry(report.EntryName, res, ReportEntryVisibilityNever)
			switch {
			case res.Errored():
				cfg.progress("ERROR %s %s: %s", cs.Operation, cs.Name, res.Summary())
				Fail("infrastructure: " + cfg.Engine.Redactor().String(res.Summary()))
			case res.Failed():
				cfg.progress("FAIL %s %s: %s", cs.Operation, cs.Name, res.Summary())
				Fail(cfg.Engine.Redactor().String(res.Summary()))
			default:
				cfg.progress("ok   %s %s", cs.Operation, cs.Name)
			}
		})
	}
})

// SuiteLabel marks the suite's specs, so that a binary holding other specs
// too (a test binary) runs and reports only these.
const SuiteLabel = "conform-suite"

// ours keeps the suite's specs that were selected: a spec the label filter
// left out is skipped with no message, and is no part of the run.
func ours(r types.Report) types.Report {
	var specs types.SpecReports
	for _, s := range r.SpecReports {
		filtered := s.State == types.SpecStateSkipped && s.Failure.Message == ""
		if s.LeafNodeType == types.NodeTypeIt && slices.Contains(s.Labels(), SuiteLabel) && !filtered {
			specs = append(specs, s)
		}
	}
	r.SpecReports = specs
	return r
}

var _ = ReportAfterSuite("conform reports", func(r types.Report) {
	if cfg == nil || cfg.Reports == nil {
		return
	}
	sum, err := cfg.Reports.Write(ours(r))
	outcome = Outcome{Summary: sum, Err: err, Duration: r.RunTime}
})

// failer is the testing.T of a run outside `go test`.
type failer struct{ failed bool }

func (f *failer) Fail() { f.failed = true }

// Run runs the suite in-process (once per process: Ginkgo's rule) and
// returns what it found. Ginkgo's own console output is discarded unless
// verbose; the progress lines and the reports are the run's output.
func Run(c *Config, verbose io.Writer) Outcome {
	cfg = c
	suiteConfig, reporterConfig := GinkgoConfiguration()
	suiteConfig.LabelFilter = SuiteLabel
	if c.LabelFilter != "" {
		suiteConfig.LabelFilter = SuiteLabel + " && (" + c.LabelFilter + ")"
	}
	suiteConfig.RandomizeAllSpecs = false
	reporterConfig.NoColor = true
	reporterConfig.Succinct = true
	if verbose == nil {
		verbose = io.Discard
	}
	formatter.ColorableStdOut = verbose
	RunSpecs(&failer{}, "conform", suiteConfig, reporterConfig)
	return outcome
}

// Use sets the configuration for a `go test` run of the suite.
func Use(c *Config) { cfg = c }

// Result is the outcome of the last run.
func Result() Outcome { return outcome }
