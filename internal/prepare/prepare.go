// Package prepare builds what a run of cases needs, one way for `conform
// run`, the Ginkgo suite and the client reports (mock --reports, proxy), so
// that they cannot disagree: the embedded mock when no endpoint is given,
// the engine with its tier's guard and the given secrets, the case catalog
// (generated for the agents under test only), and the manifest that records
// a run's provenance (version, commit, options, the hashes of every schema
// and fixture file). Which cases run is plan.Decide's, for all of them too.
package prepare

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/conform-dev/conform/fixtures"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/safety"
)

// Mock serves the set's agents (exactly the contracts the run loads) on a
// free loopback port until stop.
func Mock(set *contracts.Set) (endpoint string, stop func(), err error) {
	m, err := mock.New(mock.Options{Contracts: set})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("cannot start the embedded mock: %w", err)
	}
	srv := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: mock.ReadTimeout, WriteTimeout: mock.WriteTimeout, IdleTimeout: mock.IdleTimeout}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// Options are what a run is prepared from.
type Options struct {
	Set      *contracts.Set
	Endpoint string // the install's base URL, or the embedded mock's
	Live     bool   // Endpoint is an install (the tier's guard applies)
	Tier     safety.Tier
	Ticket   string
	Password string // not sent by the engine; redacted wherever it appears
	AppToken string // "" sends a nil ApplicationToken
	Timeout  time.Duration
	HTTP     *http.Client // nil: soap's default client
	RunID    string
	Ledger   func(results.Record)     // each record the run creates, as it is made
	StepDone func(*results.Case, int) // each step as it ends (engine.Config.StepDone)
	// Agents whose cases are generated (nil: every agent of the set): a
	// run of one agent reads one agent's schemas.
	Agents []string
}

// Run is a prepared run: the engine and its catalog.
type Run struct {
	Engine  *engine.Engine
	Catalog *fixture.Catalog
}

// New builds the engine and loads the case catalog. Against the embedded
// mock the engine has no tier guard: the mock is the run's own.
func New(o Options) (*Run, error) {
	var app *string
	if o.AppToken != "" {
		app = &o.AppToken
	}
	guard := o.Tier
	if !o.Live {
		guard = ""
	}
	eng, err := engine.New(engine.Config{Endpoint: o.Endpoint, Ticket: o.Ticket, AppToken: app, Timeout: o.Timeout, Contracts: o.Set, HTTP: o.HTTP,
		RunID: o.RunID, Guard: guard, Ledger: o.Ledger, StepDone: o.StepDone})
	if err != nil {
		return nil, err
	}
	eng.AddSecrets(o.Password)
	generate := o.Agents
	if generate == nil {
		generate = eng.Services()
	}
	cat, err := fixture.Load(fixtures.FS, fixtures.CasesDir, eng, generate)
	if err != nil {
		return nil, &CatalogError{err}
	}
	return &Run{Engine: eng, Catalog: cat}, nil
}

// CatalogError is a case catalog that does not load: the fixtures are
// broken, not the endpoint.
type CatalogError struct{ Err error }

func (e *CatalogError) Error() string { return "the case catalog is broken: " + e.Err.Error() }
func (e *CatalogError) Unwrap() error { return e.Err }

// ManifestOptions are the options a manifest records.
type ManifestOptions struct {
	Endpoint                         string
	Ops                              []string
	LabelFilter                      string
	AllowMutations, MayDamageInstall bool
	Timeout                          time.Duration
	Shard                            string
}

// Manifest is a run's provenance, the same for every producer: suite
// version and commit, endpoint (without any user information), target and
// tier, time, options, and the sha256 of every schema of the set tested
// against and of every fixture file the catalog read (cat may be nil: a
// client report runs no catalog).
func Manifest(o ManifestOptions, live bool, start time.Time, cat *fixture.Catalog, set *contracts.Set) report.Manifest {
	target, tier := report.TargetMock, report.TierMock
	if live {
		target, tier = report.TargetLive, string(safety.TierOf(o.AllowMutations, o.MayDamageInstall))
	}
	endpoint := o.Endpoint
	if u, err := url.Parse(endpoint); err == nil && u.User != nil {
		u.User = nil
		endpoint = u.String()
	}
	var ops []string
	for _, op := range o.Ops {
		if op = strings.TrimSpace(op); op != "" {
			ops = append(ops, op)
		}
	}
	m := report.Manifest{
		SuiteVersion: version(), Commit: Commit(), Endpoint: endpoint, Target: target, StartedAt: start,
		Schemas: set.Hashes, Fixtures: map[string]string{},
		Options: report.Options{Ops: ops, LabelFilter: o.LabelFilter, AllowMutations: o.AllowMutations, MayDamageInstall: o.MayDamageInstall, Timeout: o.Timeout.String(), Shard: o.Shard},
		Tier:    tier,
	}
	if cat != nil {
		for f, h := range cat.Hashes {
			m.Fixtures["fixtures/"+f] = h
		}
	}
	return m
}
