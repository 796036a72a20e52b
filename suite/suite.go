// Package suite is conform's Ginkgo adapter: one spec per case of the case
// catalog, each run by the same engine as `conform run`, its result handed
// over as a report entry in JSON and read back in ReportAfterSuite, where
// the same report.Writer makes the same reports. So `ginkgo ./suite`,
// `ginkgo -p ./suite`, --label-filter, --focus and `ginkgo labels ./suite`
// all work, and `go test ./suite` runs the catalog against the embedded mock.
//
// The run is configured by the environment, as `conform run` is:
// CONFORM_ENDPOINT (none: an embedded mock in each process), CONFORM_TICKET,
// CONFORM_USER, CONFORM_PASSWORD, CONFORM_APP_TOKEN, CONFORM_REPORTS (where
// to write the reports; none: no reports), the tier as `conform run`
// chooses it (CONFORM_ALLOW_MUTATIONS=1: own data; CONFORM_MAY_DAMAGE_INSTALL=1:
// a disposable install; neither: read-only) and CONFORM_TIMEOUT (a
// duration, default 30s). Cases are skipped by plan.Decide, the rule of
// `conform run`.
package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/contracts"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/plan"
	"github.com/conform-dev/conform/internal/prepare"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/safety"
)

// EntryName names the report entry that carries a case's result.
const EntryName = "conform-result"

// entry is what a spec hands over: its place in the catalog and its
// result, credentials already redacted by the process that ran it.
type entry struct {
	Index int          `json:"index"`
	Case  results.Case `json:"case"`
}

// Config is the run's configuration, read from the environment.
type Config struct {
	Endpoint, Ticket, User, Password, AppToken, Reports string
	AllowMutations, MayDamageInstall                    bool
	Timeout                                             time.Duration
}

// Tier is the tier the configuration chooses (safety.TierOf).
func (c Config) Tier() safety.Tier { return safety.TierOf(c.AllowMutations, c.MayDamageInstall) }

// FromEnv reads the CONFORM_* variables.
func FromEnv() (Config, error) {
	c := Config{Endpoint: os.Getenv("CONFORM_ENDPOINT"), Ticket: os.Getenv("CONFORM_TICKET"), User: os.Getenv("CONFORM_USER"),
		Password: os.Getenv("CONFORM_PASSWORD"), AppToken: os.Getenv("CONFORM_APP_TOKEN"), Reports: os.Getenv("CONFORM_REPORTS"),
		AllowMutations: os.Getenv("CONFORM_ALLOW_MUTATIONS") == "1", MayDamageInstall: os.Getenv("CONFORM_MAY_DAMAGE_INSTALL") == "1", Timeout: 30 * time.Second}
	if t := os.Getenv("CONFORM_TIMEOUT"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("CONFORM_TIMEOUT=%q: want a duration such as 30s", t)
		}
		c.Timeout = d
	}
	if c.Endpoint != "" && c.Ticket == "" && c.User == "" {
		return c, fmt.Errorf("CONFORM_ENDPOINT is set but no credentials: set CONFORM_TICKET, or CONFORM_USER and CONFORM_PASSWORD")
	}
	return c, nil
}

// The run of this process: built at tree construction, logged in before
// the specs run.
var (
	cfg     Config
	set     *contracts.Set
	eng     *engine.Engine
	catalog *fixture.Catalog
	live    bool
	runID   string
	setup   error
)

var once sync.Once

// setUp builds the run once, at tree construction (so that a test can set
// the environment before RunSpecs).
func setUp() {
	once.Do(func() { setup = build() })
}

func build() error {
	var err error
	if cfg, err = FromEnv(); err != nil {
		return err
	}
	live = cfg.Endpoint != ""
	if set, err = contracts.Default(); err != nil {
		return err
	}
	if !live {
		// Each process (ginkgo -p starts several) tests a mock of its own.
		if cfg.Endpoint, _, err = prepare.Mock(set); err != nil {
			return err
		}
		if cfg.Ticket == "" && cfg.User == "" {
			cfg.User, cfg.Password = mock.DefaultUser, mock.DefaultPassword
		}
	}
	runID = fmt.Sprintf("%08x", time.Now().UnixNano()&0xffffffff)
	prep, err := prepare.New(prepare.Options{Set: set, Endpoint: cfg.Endpoint, Live: live, Tier: cfg.Tier(), Ticket: cfg.Ticket, Password: cfg.Password,
		AppToken: cfg.AppToken, Timeout: cfg.Timeout, RunID: runID})
	if err != nil {
		return err
	}
	eng, catalog = prep.Engine, prep.Catalog
	return nil
}

var _ = BeforeSuite(func() {
	setUp()
	if setup != nil {
		Fail("conform suite: " + setup.Error())
	}
	if cfg.Ticket == "" {
		if err := eng.Authenticate(context.Background(), cfg.User, cfg.Password); err != nil {
			Fail("conform suite: " + eng.Redactor().String(err.Error()))
		}
	}
})

var _ = Describe("conform", func() {
	setUp()
	if setup != nil {
		It("is configured", func() { Fail("conform suite: " + setup.Error()) })
		return
	}
	for i, cs := range catalog.Cases {
		It(cs.Operation+" "+cs.Name, Label(plan.Labels(cs)...), func(ctx SpecContext) {
			var r results.Case
			if why := plan.Decide(cs, cfg.Tier(), live); why != "" {
				r = engine.Describe(cs)
				r.Status, r.SkipReason = results.Skipped, why
			} else {
				r = eng.Run(ctx, cs)
			}
			r = report.Redacted(r, eng.Redactor())
			data, err := json.Marshal(entry{Index: i, Case: r})
			if err != nil {
				Fail(err.Error())
			}
			AddReportEntry(EntryName, string(data), ReportEntryVisibilityNever)
			switch {
			case r.Status == results.Skipped:
				Skip(r.SkipReason)
			case r.Errored():
				Fail("infrastructure: " + r.Summary())
			case r.Failed():
				Fail(r.Summary())
			}
		})
	}
})

// Cases reads the cases' results back from a suite's report, in catalog
// order: each from its report entry (in JSON, as Ginkgo hands entries
// between processes). A spec with no entry (it failed before its case ran)
// is reported as an error of its own.
func Cases(r types.Report) []results.Case {
	type indexed struct {
		i int
		c results.Case
	}
	var out []indexed
	for _, spec := range r.SpecReports {
		if spec.LeafNodeType != types.NodeTypeIt || spec.State == types.SpecStatePending {
			continue
		}
		found := false
		for _, e := range spec.ReportEntries {
			if e.Name != EntryName {
				continue
			}
			var en entry
			if err := json.Unmarshal([]byte(e.Value.String()), &en); err == nil {
				out = append(out, indexed{en.Index, en.Case})
				found = true
			}
		}
		if !found && spec.State != types.SpecStateSkipped {
			c := results.Case{Operation: spec.LeafNodeText, Name: "spec", Status: results.Error, Steps: []results.Step{{Name: "spec",
				Checks: []results.Check{{ID: checks.HTTPTransport, Status: results.Error, Message: fmt.Sprintf("the spec %s before its case ran: %s", spec.State, spec.Failure.Message)}}}}}
			out = append(out, indexed{1 << 30, c})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].i < out[b].i })
	cases := make([]results.Case, len(out))
	for i, x := range out {
		cases[i] = x.c
	}
	return cases
}

// Last is the summary the last ReportAfterSuite of this process wrote (nil
// when it wrote none), for tests.
var Last *report.Summary

var _ = ReportAfterSuite("conform reports", func(r types.Report) {
	if setup != nil || cfg.Reports == "" {
		return
	}
	m := prepare.Manifest(prepare.ManifestOptions{Endpoint: cfg.Endpoint, LabelFilter: r.SuiteConfig.LabelFilter, AllowMutations: cfg.AllowMutations, MayDamageInstall: cfg.MayDamageInstall, Timeout: cfg.Timeout},
		live, r.StartTime.UTC(), catalog, set)
	m.RunID = runID
	m.FinishedAt = r.EndTime.UTC()
	w := &report.Writer{Dir: cfg.Reports, Redactor: eng.Redactor, Manifest: m}
	sum, err := w.Write(Cases(r))
	if err != nil {
		Fail("conform suite: cannot write the reports: " + err.Error())
	}
	Last = sum
})

// LabelsSource is suite/labels_test.go: every label of the catalog's specs
// as a literal, sorted (`ginkgo labels` reads the _test package's source).
func LabelsSource() []byte {
	setUp()
	seen := map[string]bool{}
	var all []string
	if catalog != nil {
		for _, c := range catalog.Cases {
			for _, l := range plan.Labels(c) {
				if !seen[l] {
					seen[l] = true
					all = append(all, l)
				}
			}
		}
	}
	sort.Strings(all)
	var b strings.Builder
	b.WriteString("// Code generated by go test ./suite -run LabelsAreCurrent -update; DO NOT EDIT.\n\n")
	b.WriteString("package suite_test\n\nimport . \"github.com/onsi/ginkgo/v2\"\n\n")
	b.WriteString("// catalogLabels are the labels of the catalog's specs, as literals for\n// `ginkgo labels ./suite`, which reads them from the source.\n")
	b.WriteString("var catalogLabels = Label(\n")
	for _, l := range all {
		fmt.Fprintf(&b, "\t%q,\n", l)
	}
	b.WriteString(")\n")
	return []byte(b.String())
}
