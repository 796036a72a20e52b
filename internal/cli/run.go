package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/netserver"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/plan"
	"github.com/conform-dev/conform/internal/prepare"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/safety"
	"github.com/conform-dev/conform/internal/soap"
)

// RunOptions are the inputs of `conform run`. Secrets left empty are read
// from the environment (CONFORM_TICKET, CONFORM_PASSWORD, CONFORM_APP_TOKEN;
// also CONFORM_ENDPOINT and CONFORM_USER).
type RunOptions struct {
	Endpoint      string
	EndpointGiven bool // --endpoint was on the command line (even empty)
	Ticket        string
	User          string
	Password      string
	AppToken      string
	Ops           string
	LabelFilter   string
	Timeout       time.Duration
	Reports       string
	// AllowMutations chooses the own-data tier, MayDamageInstall the
	// disposable-install tier (safety.TierOf).
	AllowMutations   bool
	MayDamageInstall bool
	// Plan prints what the run would send, and sends nothing (PlanJSON: as
	// JSON).
	Plan     bool
	PlanJSON bool
	// Shard is "K/N": run share K of N of the selected cases (a CI
	// matrix, a Kubernetes Indexed Job); the N summaries merge back to the
	// whole run.
	Shard    string
	Parallel int // cases at once; 0: DefaultParallel
	// MaxTransportFailures: after this many cases in a row could not reach
	// the endpoint, the rest are reported as not attempted (0: never).
	MaxTransportFailures int
	Deadline             time.Duration // bounds the whole run (0: none)
	// Contracts are directories written by `conform schemas extract`, loaded
	// besides the embedded contracts (a directory wins on a name clash).
	Contracts []string
	// Agents, when set, are the agents to test ("all": every loaded one); an
	// agent with no loaded contract is tested against the install's own
	// ?singleWsdl, and the report says so.
	Agents         string
	ExpectManifest string // a previous summary.json whose schemas and fixtures must match
	Quiet          bool   // print failures, errors and the verdict only
	// CACert is a PEM file of certificates to trust besides the system's
	// (a staging install's self-signed certificate or its CA).
	CACert string
	Output report.Output
}

func (o *RunOptions) fromEnv() {
	for _, v := range []struct {
		dst *string
		env string
	}{{&o.Endpoint, "CONFORM_ENDPOINT"}, {&o.Ticket, "CONFORM_TICKET"}, {&o.User, "CONFORM_USER"}, {&o.Password, "CONFORM_PASSWORD"}, {&o.AppToken, "CONFORM_APP_TOKEN"}} {
		if *v.dst == "" {
			*v.dst = os.Getenv(v.env)
		}
	}
}

// Run runs `conform run`.
func Run(ctx context.Context, o RunOptions, stdout, stderr io.Writer) error {
	o.fromEnv()
	var eng *engine.Engine
	stdout, stderr, flush := o.protect(stdout, stderr, &eng)
	defer flush()
	say := func(format string, args ...any) { fmt.Fprintf(stderr, "conform run: "+format+"\n", args...) }
	shard, err := o.check()
	if err != nil {
		return usageErr("%v", err)
	}
	live := o.Endpoint != ""

	// One HTTP client for every call of the run: the system's trusted
	// certificates, and --ca-cert's (a staging install's own CA).
	hc, err := soap.NewHTTPClient(soap.TLSOptions{CACert: o.CACert})
	if err != nil {
		return usageErr("--ca-cert: %v", err)
	}
	set, agents, lv, err := contractsFor(ctx, hc, o, live)
	if err != nil {
		return err
	}
	unplanned, notHosted := lv.unplanned, lv.notHosted
	announce(set, notHosted, stdout, stderr)
	// The embedded mock serves exactly the contracts the run loads (the
	// pinned ones and any --contracts folder's).
	if !live && !o.Plan {
		stop, err := o.useMock(set, stdout)
		if err != nil {
			return err
		}
		defer stop()
	}
	tier := safety.TierOf(o.AllowMutations, o.MayDamageInstall)
	runID := newRunID()
	ledger := &ledgerFile{path: filepath.Join(o.Reports, LedgerFile), runID: runID}
	defer ledger.close()
	// Cases are generated for the agents under test only.
	var generate []string
	if len(agents) > 0 {
		generate = sortedAgents(agents)
	}
	// Each step's evidence goes to disk as the step ends, and each case's
	// messages leave memory as the case ends (report.Writer.StreamStep,
	// Stream): a run holds one large answer at a time.
	w := &report.Writer{Dir: o.Reports, Output: o.Output}
	var streamErr firstErr
	prep, err := prepareRun(prepare.Options{Set: set, Endpoint: o.Endpoint, Live: live, Tier: tier, Ticket: o.Ticket, Password: o.Password, AppToken: o.AppToken,
		Timeout: o.Timeout, HTTP: hc, RunID: runID, Ledger: func(r results.Record) { ledger.add(r, eng.Redactor()) }, Agents: generate,
		StepDone: func(r *results.Case, i int) { streamErr.keep(w.StreamStep(r, i)) }})
	if err != nil {
		return err
	}
	eng = prep.Engine
	w.Redactor = eng.Redactor
	cat := prep.Catalog
	if err := expectManifest(o.ExpectManifest, set, cat); err != nil {
		return err
	}
	pl, err := o.plan(eng, cat, plan.Selection{Shard: shard, Agents: agents}, tier, live)
	if err != nil {
		return err
	}
	pl.Unplanned = unplanned
	if o.Plan {
		return writePlan(pl, o.PlanJSON, stdout) // nothing has been sent, and nothing will be
	}
	// Say what the run may touch before it touches anything.
	fmt.Fprintf(stdout, "conform run: %s\n", pl.Headline())
	if live {
		fmt.Fprintf(stdout, "conform run: what it creates is named conform-%s and listed in %s as it is made\n", runID, ledger.path)
	}

	if err := login(ctx, eng, o); err != nil {
		return err
	}

	// The drift check looks at the agents whose cases run, and no other:
	// a run of one operation fetches one agent's WSDL, not 57.
	tested := pl.Agents()
	// --deadline bounds the whole run from here on: the WSDL fetches too.
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if o.Deadline > 0 {
		runCtx, cancel = context.WithTimeout(ctx, o.Deadline)
	}
	defer cancel()
	drift, notCompared := driftWarnings(liveDrift(runCtx, hc, o.Endpoint, o.Timeout, set, tested), tested, stderr)

	start := time.Now().UTC()
	parallel := o.Parallel
	if parallel <= 0 {
		parallel = defaultParallel(live) // one per CPU for the mock, 4 for an install
	}
	selected := pl.Cases()
	fmt.Fprintf(stdout, "conform run: %d cases, %d at a time\n", len(selected), parallel)
	res := eng.RunAll(runCtx, selected, engine.RunOptions{
		Parallel: parallel, MaxTransportFailures: o.MaxTransportFailures, Progress: progress(len(selected), o.Quiet, eng, stdout),
		Skip: pl.Skip, Finished: func(r *results.Case) { streamErr.keep(w.Stream(r)) },
	})
	took := time.Since(start)
	if !o.Quiet {
		agentTimes(res, stdout)
	}
	if ctx.Err() != nil {
		say("interrupted: the cases not yet run are reported as not attempted")
	}
	if err := streamErr.get(); err != nil {
		return infraErr("cannot write the evidence: %v", err)
	}
	w.Manifest = prepare.Manifest(o.manifestOptions(), live, start, cat, set)
	w.Manifest.Server, w.Manifest.WSDLDrift, w.Manifest.WSDLNotCompared = eng.SystemInfo(ctx), drift, notCompared
	w.Manifest.RunID, w.Manifest.NotHosted, w.Manifest.Contracts = runID, notHosted, origins(res, set)
	sum, err := w.Write(res)
	if err != nil {
		return infraErr("cannot write the reports: %v", err)
	}
	printLedger(sum, live, stdout)
	return verdict(sum, o.Reports, took, stdout)
}

// contractsFor loads the run's contract set and resolves --agents: against
// an install, all is every agent of Services88, and an agent no loaded
// contract describes is taken from the install's own WSDL (or reported as
// not hosted); against the embedded mock, all is every loaded agent.
// agents is nil when every loaded agent is tested.
func contractsFor(ctx context.Context, hc *http.Client, o RunOptions, live bool) (*contracts.Set, map[string]bool, liveAgents, error) {
	var lv liveAgents
	agents, all, err := parseAgents(o.Agents)
	if err != nil {
		return nil, nil, lv, usageErr("%v", err)
	}
	everyAgent := all && live
	if everyAgent {
		// Against an install, all means every agent of Services88: those
		// not pinned are taken from the install, and one it does not serve
		// is reported as not hosted, not as a failure.
		agents, all = map[string]bool{}, false
		for _, a := range netserver.Agents {
			agents[a] = true
		}
	}
	set, err := LoadContracts(o.Contracts, nil)
	if err != nil {
		return nil, nil, lv, usageErr("%v", err)
	}
	if len(agents) > 0 && !all {
		if lv, err = gatherLive(ctx, hc, o, set, agents, everyAgent, live); err != nil {
			return nil, nil, lv, err
		}
		if len(lv.wsdls) > 0 {
			// The set again, with the install's own contracts besides.
			if set, err = LoadContracts(o.Contracts, lv.wsdls); err != nil {
				return nil, nil, lv, usageErr("%v", err)
			}
		}
	}
	for a := range agents {
		if set.Contract(a) == nil && !slices.Contains(lv.unplanned, a) {
			return nil, nil, lv, usageErr("--agents: no agent %q (loaded: %s)", a, strings.Join(setServices(set), ", "))
		}
	}
	if all {
		agents = nil
	}
	return set, agents, lv, nil
}

// announce says which agents the install does not host, and which pinned
// contracts a --contracts folder replaces.
func announce(set *contracts.Set, notHosted []string, stdout, stderr io.Writer) {
	if len(notHosted) > 0 {
		fmt.Fprintf(stdout, "conform run: not hosted by the install (HTTP 404 for their WSDL), so not tested: %s\n", strings.Join(notHosted, ", "))
	}
	for _, svc := range set.Overrides {
		fmt.Fprintf(stderr, "conform run: warning: --contracts %s replaces the pinned %s contract\n", set.Origins[svc], svc)
	}
}

// protect passes everything the run prints through its redaction: the
// secrets given, and every credential the engine (*eng, once it exists)
// learns; flush writes what the consoles hold.
func (o RunOptions) protect(stdout, stderr io.Writer, eng **engine.Engine) (io.Writer, io.Writer, func()) {
	given := netserver.NewRedactor(o.Ticket, o.Password, o.AppToken)
	red := func() *soap.Redactor {
		if *eng != nil {
			return (*eng).Redactor()
		}
		return given
	}
	stdout, flushOut := Protect(stdout, red)
	stderr, flushErr := Protect(stderr, red)
	return stdout, stderr, func() { flushOut(); flushErr() }
}

// useMock starts the embedded mock, serving exactly the set's contracts,
// points the run at it, and logs in as its default user unless other
// credentials were given.
func (o *RunOptions) useMock(set *contracts.Set, stdout io.Writer) (stop func(), err error) {
	endpoint, stop, err := prepare.Mock(set)
	if err != nil {
		return nil, infraErr("%v", err)
	}
	o.Endpoint = endpoint
	if o.Ticket == "" && o.User == "" {
		o.User, o.Password = mock.DefaultUser, mock.DefaultPassword
	}
	fmt.Fprintf(stdout, "conform run: no --endpoint: testing the embedded mock (not an installation) at %s\n", o.Endpoint)
	return stop, nil
}

// prepareRun builds the engine and the catalog: a catalog that does not
// load is a usage error (the fixtures), anything else infrastructure.
func prepareRun(po prepare.Options) (*prepare.Run, error) {
	prep, err := prepare.New(po)
	var broken *prepare.CatalogError
	switch {
	case errors.As(err, &broken):
		return nil, usageErr("%v", err)
	case err != nil:
		return nil, infraErr("%v", err)
	}
	return prep, nil
}

// plan is what the run sends at its tier and what it skips: sel (shard
// and agents) narrowed by --ops and --label-filter.
func (o RunOptions) plan(eng *engine.Engine, cat *fixture.Catalog, sel plan.Selection, tier safety.Tier, live bool) (*plan.Plan, error) {
	ops, err := parseOps(o.Ops, eng)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	sel.Ops = ops
	if o.LabelFilter != "" {
		lf, _ := types.ParseLabelFilter(o.LabelFilter) // checked by o.check
		sel.Match = lf
	}
	return plan.Make(cat, sel, tier, live), nil
}

// firstErr keeps the first error of many goroutines (the evidence writes).
type firstErr struct {
	mu  sync.Mutex
	err error
}

func (f *firstErr) keep(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
	}
}

func (f *firstErr) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// expectManifest refuses a run whose schemas or fixtures (the hashes it
// records: the catalog's files, the set's schemas) are not those of an
// earlier certification's summary.json; "" checks nothing.
func expectManifest(path string, set *contracts.Set, cat *fixture.Catalog) error {
	if path == "" {
		return nil
	}
	diff, err := CheckManifest(path, set.Hashes, cat.Hashes)
	if err != nil {
		return usageErr("--expect-manifest: %v", err)
	}
	if len(diff) > 0 {
		return usageErr("--expect-manifest %s: this conform's schemas or fixtures differ from those of that certification, so its results would not be comparable:\n  %s\nRun the conform version that made it (see its manifest), or certify anew without --expect-manifest.", path, strings.Join(diff, "\n  "))
	}
	return nil
}

// writePlan prints the plan, as text or as JSON.
func writePlan(pl *plan.Plan, asJSON bool, stdout io.Writer) error {
	if !asJSON {
		pl.WriteText(stdout)
		return nil
	}
	if err := pl.WriteJSON(stdout); err != nil {
		return infraErr("%v", err)
	}
	return nil
}

// progress prints a line per case as it ends, counted; quiet keeps only
// failures and errors. The engine calls it one case at a time.
func progress(n int, quiet bool, eng *engine.Engine, stdout io.Writer) func(results.Case) {
	done, width := 0, len(fmt.Sprint(n))
	return func(r results.Case) {
		done++
		if quiet && !r.Errored() && !r.Failed() {
			return
		}
		fmt.Fprintf(stdout, "[%*d/%d] %s\n", width, done, n, soap.Printable(eng.Redactor().String(progressLine(r))))
	}
}

// login checks that the endpoint answers, then the ticket given, or logs
// in with the user and password.
func login(ctx context.Context, eng *engine.Engine, o RunOptions) error {
	if err := eng.Ping(ctx); err != nil {
		hint := "is --endpoint the installation's base URL, and is it up?"
		if h := soap.TLSHint(err); h != "" {
			hint = h
		}
		return infraErr("%s (%s)", soap.Printable(eng.Redactor().String(err.Error())), hint)
	}
	if o.Ticket != "" {
		if err := eng.VerifyTicket(ctx); err != nil {
			return loginErr(soap.Printable(eng.Redactor().String(err.Error())), err, "give a valid --ticket (or CONFORM_TICKET), or --user and --password")
		}
		return nil
	}
	if err := eng.Authenticate(ctx, o.User, o.Password); err != nil {
		return loginErr(soap.Printable(err.Error()), err, "check --user and --password (or CONFORM_USER, CONFORM_PASSWORD)")
	}
	return nil
}

// driftWarnings sorts the drift check's outcome per tested agent into the
// manifest's two maps, with a warning for each (never a failure).
func driftWarnings(checked map[string]DriftCheck, tested []string, stderr io.Writer) (drift map[string][]string, notCompared map[string]string) {
	drift, notCompared = map[string][]string{}, map[string]string{}
	for _, svc := range tested {
		d := checked[svc]
		switch {
		case d.NotCompared != "":
			notCompared[svc] = d.NotCompared
			fmt.Fprintf(stderr, "conform run: warning: the live %s WSDL was not compared with the pinned one: %s\n", svc, d.NotCompared)
		case len(d.Diff) > 0:
			drift[svc] = d.Diff
			fmt.Fprintf(stderr, "conform run: warning: the live %s WSDL (%s) differs from the pinned one (%d): %s\n", svc, d.Source, len(d.Diff), strings.Join(d.Diff, "; "))
		}
	}
	return drift, notCompared
}

// origins names, per agent whose cases ran, a contract that is not the
// pinned one (a --contracts folder, the install's WSDL); nil when none.
func origins(res []results.Case, set *contracts.Set) map[string]string {
	var out map[string]string
	for _, r := range res {
		agent, _, _ := strings.Cut(r.Operation, ".")
		if origin := set.Origins[agent]; origin != contracts.OriginEmbedded && origin != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[agent] = origin
		}
	}
	return out
}

// progressLine is a case's line as it ends: ok, SKIP, FAIL or ERROR, its
// time, and why.
func progressLine(r results.Case) string {
	switch {
	case r.Status == results.Skipped:
		return fmt.Sprintf("SKIP  %s %s (%s)", r.Operation, r.Name, r.SkipReason)
	case r.Errored():
		return fmt.Sprintf("ERROR %s %s (%.2fs): %s", r.Operation, r.Name, r.Seconds, r.Summary())
	case r.Failed():
		return fmt.Sprintf("FAIL  %s %s (%.2fs): %s", r.Operation, r.Name, r.Seconds, r.Summary())
	}
	return fmt.Sprintf("ok    %s %s (%.2fs)", r.Operation, r.Name, r.Seconds)
}

// check refuses options that cannot make a run (a usage error, naming the
// flag and the fix) and puts the endpoint in its base form.
func (o *RunOptions) check() (plan.Shard, error) {
	var shard plan.Shard
	if o.Timeout <= 0 {
		return shard, fmt.Errorf("--timeout %s: want a positive duration, such as 30s", o.Timeout)
	}
	if o.LabelFilter != "" {
		if _, err := types.ParseLabelFilter(o.LabelFilter); err != nil {
			return shard, fmt.Errorf("--label-filter %q: %s", o.LabelFilter, ansi.ReplaceAllString(err.Error(), ""))
		}
	}
	shard, err := plan.ParseShard(o.Shard)
	if err != nil {
		return shard, fmt.Errorf("--%v", err)
	}
	if o.PlanJSON && !o.Plan {
		return shard, fmt.Errorf("--json is the form of --plan: give both (conform run --plan --json)")
	}
	if o.Password != "" && o.User == "" {
		return shard, fmt.Errorf("a password without --user (or CONFORM_USER): give both")
	}
	// Fail closed: an empty --endpoint (an unset variable, say) is a
	// mistake, not a request to test the embedded mock.
	if o.EndpointGiven && strings.TrimSpace(o.Endpoint) == "" {
		return shard, fmt.Errorf("--endpoint is empty (an unset variable?): give the installation's base URL, or leave --endpoint out to test the embedded mock")
	}
	if v, set := os.LookupEnv("CONFORM_ENDPOINT"); set && strings.TrimSpace(v) == "" && !o.EndpointGiven {
		return shard, fmt.Errorf("CONFORM_ENDPOINT is set but empty: give the installation's base URL, or unset it to test the embedded mock")
	}
	if i := strings.Index(strings.ToLower(o.Endpoint), strings.ToLower(strings.TrimSuffix(netserver.BasePath, "/"))); i >= 0 {
		return shard, fmt.Errorf("--endpoint %s: give the installation's base URL, without %s… (try --endpoint %s)", soap.Origin(mustURL(o.Endpoint)), strings.TrimSuffix(netserver.BasePath, "/"), strings.TrimRight(o.Endpoint[:i], "/"))
	}
	// The reports folder is checked now, not after the whole run.
	// (A plan writes nothing, not even a reports folder.)
	if !o.Plan {
		if err := writable(o.Reports); err != nil {
			return shard, fmt.Errorf("--reports %s: %v (choose a folder you can write)", o.Reports, err)
		}
	}
	// The base URL, however it was written: agents are at base/Remote/...
	o.Endpoint = strings.TrimRight(strings.TrimSpace(o.Endpoint), "/")
	if o.Endpoint != "" {
		u, err := url.Parse(o.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return shard, fmt.Errorf("--endpoint %q: want the installation's base URL, such as https://host/Cust12345 (agents are at URL/Remote/Services88/<Agent>.svc)", netserver.Redact(o.Endpoint))
		}
		if u.User != nil {
			// They would be sent on every request and written wherever the
			// URL is: refuse them rather than carry them.
			return shard, fmt.Errorf("--endpoint %s: the URL carries user information; conform sends no credentials in URLs: give the base URL without it, and the user with --user and --password (or CONFORM_USER, CONFORM_PASSWORD)", soap.Origin(u))
		}
		if o.Ticket == "" && o.User == "" && !o.Plan {
			return shard, fmt.Errorf("no credentials for %s: give --ticket (or CONFORM_TICKET), or --user and --password (or CONFORM_USER, CONFORM_PASSWORD)", o.Endpoint)
		}
	}
	return shard, nil
}

// liveAgents are what --agents found beyond the loaded contracts.
type liveAgents struct {
	wsdls     map[string]map[string][]byte // agent → its contract files, from the install
	unplanned []string                     // agents a plan cannot know: their contract is the install's
	notHosted []string                     // agents of --agents all the install does not serve
}

// gatherLive takes from the install the contract of every agent of
// --agents that no loaded contract describes.
func gatherLive(ctx context.Context, hc *http.Client, o RunOptions, set *contracts.Set, agents map[string]bool, everyAgent, live bool) (liveAgents, error) {
	var lv liveAgents
	for _, a := range sortedAgents(agents) {
		if set.Contract(a) != nil {
			continue
		}
		if !live {
			return lv, usageErr("--agents %s: no contract for %s is loaded, and the embedded mock serves only loaded agents: give its contract with --contracts DIR, or test an install with --endpoint", a, a)
		}
		if o.Plan {
			lv.unplanned = append(lv.unplanned, a)
			continue
		}
		files, err := liveContract(ctx, hc, o.Endpoint, a, o.Timeout)
		if everyAgent && errors.Is(err, errNotHosted) {
			lv.notHosted = append(lv.notHosted, a)
			delete(agents, a)
			continue
		}
		if err != nil {
			return lv, infraErr("--agents %s: %v", a, err)
		}
		if lv.wsdls == nil {
			lv.wsdls = map[string]map[string][]byte{}
		}
		lv.wsdls[a] = files
	}
	return lv, nil
}

// agentTimes prints, per agent, how many cases ran, how many failed or
// errored, and the time they took (summed: with cases side by side, more
// than the wall clock); agents with problems first, then by name.
func agentTimes(res []results.Case, w io.Writer) {
	type tally struct {
		name           string
		n, bad, errors int
		secs           float64
	}
	per := map[string]*tally{}
	var order []*tally
	for _, r := range res {
		if r.Status == results.Skipped {
			continue
		}
		a, _, _ := strings.Cut(r.Operation, ".")
		if per[a] == nil {
			per[a] = &tally{name: a}
			order = append(order, per[a])
		}
		t := per[a]
		t.n++
		t.secs += r.Seconds
		switch {
		case r.Failed():
			t.bad++
		case r.Errored():
			t.errors++
		}
	}
	if len(order) == 0 {
		return
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.bad+a.errors != b.bad+b.errors {
			return a.bad+a.errors > b.bad+b.errors
		}
		return a.name < b.name
	})
	var parts []string
	for _, t := range order {
		p := fmt.Sprintf("%s %d cases", t.name, t.n)
		if t.bad > 0 {
			p += fmt.Sprintf(", %d failed", t.bad)
		}
		if t.errors > 0 {
			p += fmt.Sprintf(", %d errors", t.errors)
		}
		parts = append(parts, fmt.Sprintf("%s %.2fs", p, t.secs))
	}
	fmt.Fprintf(w, "per agent, problems first (the cases' own time, summed): %s\n", strings.Join(parts, " · "))
}

// defaultParallel is how many cases run at once: one per CPU against the
// embedded mock, and four against a live endpoint (the load an install's
// operators can expect: four SOAP calls at a time).
func defaultParallel(live bool) int {
	if live {
		return 4
	}
	return max(1, runtime.NumCPU())
}

// verdict prints a summary's totals and verdict line; its error is the
// Verdict cmd/conform turns into the exit code.
func verdict(sum *report.Summary, dir string, took time.Duration, stdout io.Writer) error {
	if len(sum.Cases) == 0 {
		return usageErr("no case was selected (check --ops and --label-filter); nothing was tested")
	}
	c, k := sum.Totals.Cases, sum.Totals.Checks
	// The same counts as the page's: one count of checks everywhere.
	fmt.Fprintf(stdout, "\nconform: %d cases: %d passed, %d failed, %d errors, %d skipped; %d checks: %d passed, %d failed, %d warnings, %d errors, %d not applicable (%.1fs)\n",
		len(sum.Cases), c[report.Passed], c[report.Failed], c[report.Error], c[report.Skipped],
		sum.Totals.CheckCount(), k[report.Passed], k[report.Failed], k[report.Warning], k[report.Error], k[report.NotApplicable], took.Seconds())
	fmt.Fprintf(stdout, "reports: %[1]s/report.html, %[1]s/summary.json, %[1]s/junit.xml, evidence in %[1]s/evidence/\n", dir)
	fmt.Fprintln(stdout, VerdictLine(sum))
	return verdictOf(sum)
}

// loginErr is a failed login or ticket check: the endpoint's fault when
// it could not be reached, else the credentials', with the flags to check.
func loginErr(msg string, err error, fix string) error {
	if errors.Is(err, engine.ErrUnreachable) {
		return infraErr("%s", msg)
	}
	if errors.Is(err, engine.ErrAuth) {
		return usageErr("%s (%s)", msg, fix)
	}
	return usageErr("%s", msg)
}

// VerdictLine is the verdict in one line: the failed cases named (the first
// few), errors and skips counted by reason.
func VerdictLine(sum *report.Summary) string {
	c := sum.Totals.Cases
	if f := sum.Fleet; f != nil {
		count := map[string]int{}
		for _, r := range f.Runs {
			count[r.Verdict]++
		}
		return fmt.Sprintf("%s: %d of %d runs conformant, %d not conformant, %d incomplete (report.html: installs × agents, causes across the fleet)",
			strings.ToUpper(sum.Verdict.Status), count[report.Conformant], len(f.Runs), count[report.NotConformant], count[report.Incomplete])
	}
	switch sum.Verdict.Status {
	case report.NotConformant:
		failed := sum.FailedCases()
		line := fmt.Sprintf("NOT CONFORMANT: %d case%s failed: %s", len(failed), plural(len(failed)), strings.Join(first(failed, 5), "; "))
		if len(failed) > 5 {
			line += fmt.Sprintf("; and %d more (report.html groups them by cause)", len(failed)-5)
		}
		return line
	case report.Incomplete:
		if c[report.Error] == 0 {
			return "INCOMPLETE: every selected case was skipped"
		}
		return fmt.Sprintf("INCOMPLETE: %d case%s with errors: %s", c[report.Error], plural(c[report.Error]), errorReasons(sum))
	}
	if n := c[report.Skipped]; n > 0 {
		// Not a plain green: say what was not tested.
		return fmt.Sprintf("CONFORMANT, with %d of %d cases skipped: %s", n, len(sum.Cases), skipReasons(sum))
	}
	return "CONFORMANT"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func first(list []string, n int) []string {
	if len(list) > n {
		return list[:n]
	}
	return list
}

// errorReasons counts the errored cases by their first error, the most
// frequent first: "78 not attempted: the endpoint stopped answering…; 1
// User.GetAccessToken valid ticket: connection refused".
func errorReasons(sum *report.Summary) string {
	count := map[string]int{}
	example := map[string]string{}
	var order []string
	for _, c := range sum.Cases {
		if c.Outcome != report.Error {
			continue
		}
		why := "an error"
	find:
		for _, st := range c.Steps {
			for _, r := range st.Results {
				if r.Outcome == report.Error {
					why = r.Message
					break find
				}
			}
		}
		if count[why] == 0 {
			order = append(order, why)
			example[why] = c.Operation + " " + c.Name
		}
		count[why]++
	}
	sort.SliceStable(order, func(i, j int) bool { return count[order[i]] > count[order[j]] })
	var parts []string
	for _, why := range first(order, 5) {
		if count[why] == 1 {
			parts = append(parts, fmt.Sprintf("%s: %s", example[why], why))
			continue
		}
		parts = append(parts, fmt.Sprintf("%d cases: %s", count[why], why))
	}
	if len(order) > 5 {
		parts = append(parts, fmt.Sprintf("and %d other reasons", len(order)-5))
	}
	return strings.Join(parts, "; ")
}

// skipReasons counts the skipped cases by reason: "40 mutating case
// against a live endpoint: pass --allow-mutations to run it; 8 …".
func skipReasons(sum *report.Summary) string {
	count := map[string]int{}
	var order []string
	for _, c := range sum.Cases {
		if c.Outcome != report.Skipped {
			continue
		}
		if count[c.SkipReason] == 0 {
			order = append(order, c.SkipReason)
		}
		count[c.SkipReason]++
	}
	sort.SliceStable(order, func(i, j int) bool { return count[order[i]] > count[order[j]] })
	var parts []string
	for _, r := range order {
		parts = append(parts, fmt.Sprintf("%d %s", count[r], r))
	}
	return strings.Join(parts, "; ")
}

func parseOps(list string, eng *engine.Engine) (map[string]bool, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	ops := map[string]bool{}
	for _, op := range strings.Split(list, ",") {
		op = strings.TrimSpace(op)
		svc, name, _ := strings.Cut(op, ".")
		if c := eng.Contract(svc); c == nil || c.Op(name) == nil {
			hint := ""
			if near := nearest(op, eng); near != "" {
				hint = fmt.Sprintf("; did you mean %s?", near)
			}
			return nil, fmt.Errorf("--ops: %q is not an operation%s (write Agent.Operation; `conform ops` lists them)", op, hint)
		}
		ops[op] = true
	}
	return ops, nil
}

// manifestOptions are the options the manifest records.
func (o RunOptions) manifestOptions() prepare.ManifestOptions {
	return prepare.ManifestOptions{Endpoint: o.Endpoint, Ops: strings.Split(o.Ops, ","), LabelFilter: o.LabelFilter, AllowMutations: o.AllowMutations,
		MayDamageInstall: o.MayDamageInstall, Timeout: o.Timeout, Shard: o.Shard}
}

// parseAgents reads --agents: a comma-separated list, or "all".
func parseAgents(list string) (map[string]bool, bool, error) {
	if strings.TrimSpace(list) == "" {
		return nil, false, nil
	}
	out := map[string]bool{}
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		switch {
		case a == "":
		case a == "all":
			return out, true, nil
		case strings.ContainsAny(a, "./\\ ?#"):
			return nil, false, fmt.Errorf("--agents %q: an agent is a name such as Contact or Person", a)
		default:
			out[a] = true
		}
	}
	return out, false, nil
}

func sortedAgents(m map[string]bool) []string {
	var out []string
	for a := range m {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func setServices(set *contracts.Set) []string {
	var out []string
	for _, c := range set.Contracts() {
		out = append(out, c.Service)
	}
	return out
}

// liveContract fetches an agent's WSDL from the install (?singleWsdl, then
// ?wsdl) and extracts its contract in memory.
func liveContract(ctx context.Context, hc *http.Client, endpoint, agent string, timeout time.Duration) (map[string][]byte, error) {
	var why []string
	missing := 0 // queries answered 404
	for _, q := range []string{"?singleWsdl", "?wsdl"} {
		url := netserver.AgentURL(endpoint, agent) + q
		data, err := fetchWSDL(ctx, hc, url, timeout)
		if err != nil {
			var st httpStatus
			if errors.As(err, &st) && st == http.StatusNotFound {
				missing++
			}
			why = append(why, q+": "+err.Error())
			continue
		}
		ex, err := contract.Extract(url, data)
		if err != nil {
			why = append(why, q+": the WSDL cannot be read: "+err.Error())
			continue
		}
		if ex.Contract.Service != agent {
			return nil, fmt.Errorf("%s names the service %s, not %s", url, ex.Contract.Service, agent)
		}
		return ex.Files, nil
	}
	if missing == 2 {
		return nil, fmt.Errorf("%w: %s", errNotHosted, strings.Join(why, "; "))
	}
	return nil, fmt.Errorf("the install's WSDL of %s could not be had: %s", agent, strings.Join(why, "; "))
}

// errNotHosted: the install answers 404 for an agent's WSDL.
var errNotHosted = errors.New("the install does not host this agent (HTTP 404 for its WSDL)")

// ansi matches terminal colour codes (Ginkgo colours its parse errors).
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// nearest is the operation whose Agent.Operation is closest to op, when it
// is close enough to be a typo.
func nearest(op string, eng *engine.Engine) string {
	var names []string
	for _, svc := range eng.Services() {
		for _, o := range eng.Contract(svc).Operations {
			names = append(names, svc+"."+o.Name)
		}
	}
	return nearestWord(op, names)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// writable tells whether dir can be created and written into.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".conform-write-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
