// Command conform tests SuperOffice NetServer SOAP endpoints against their
// WSDL contract. This file only parses flags and calls; the work is done in
// internal/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/conform-dev/conform/internal/cli"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/prepare"
	"github.com/conform-dev/conform/internal/report"
)

// commands are conform's commands: the top-level help and each command's
// own help are made from this table and the command's flag set.
var commands = []struct{ name, args, what string }{
	{"run", "[flags]", "test an installation (--endpoint URL) or the embedded mock against the contract"},
	{"report", "SUMMARY.json [--out DIR] | merge A.json B.json ... --out DIR", "render report.html and junit.xml again from a summary.json, or merge runs"},
	{"validate", "[flags] FILE...", "check SOAP envelopes against the contract"},
	{"schemas", "extract --wsdl FILE|URL ... --out DIR | diff --wsdl FILE|URL ...", "extract contracts from WSDLs, or compare a WSDL with the pinned contract"},
	{"ops", "[flags] [Agent]", "list the operations of the loaded contracts"},
	{"proxy", "--upstream URL [flags]", "certify a client: a proxy in front of an install that checks the traffic through it"},
	{"mock", "[flags]", "serve the NetServer emulator until Ctrl-C or SIGTERM"},
	{"version", "", "print the version, the commit and the Go it was built with"},
}

func usage() string {
	var b strings.Builder
	b.WriteString("conform: contract tests for SuperOffice NetServer SOAP services\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  conform %-9s %s\n", c.name, c.what)
	}
	b.WriteString(`
conform help COMMAND (or conform COMMAND -h) shows a command's flags.
Options of run can also come from conform.yaml (see docs/conform.example.yaml).

Exit codes: 0 conformant, 1 contract failures, 2 usage or configuration
error, 3 endpoint unreachable or other infrastructure error.
`)
	return b.String()
}

// commandUsage prints a command's help: what it does, its arguments, and
// its flags from the flag set.
func commandUsage(fs *flag.FlagSet, name string) func() {
	return func() {
		for _, c := range commands {
			if c.name == name {
				fmt.Fprintf(fs.Output(), "conform %s: %s\n\nUsage: conform %s %s\n", c.name, c.what, c.name, c.args)
			}
		}
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
}

func main() { os.Exit(realMain()) }

// defaultMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT says
// otherwise.
const defaultMemoryLimit = 100 << 20

// realMain is the program: tests run it as the test binary's main too.
func realMain() int {
	// SIGINT and SIGTERM end every command gracefully.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A soft limit on the Go heap (GOMEMLIMIT overrides it): a run of every
	// pinned agent, or of hostile answers, collects sooner rather than
	// doubling its heap. libxml2's memory is outside it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	// Every command prints through a console that redacts tokens by shape
	// and what the command registers (its credentials) line by line.
	stdout, stderr := cli.Console(os.Stdout), cli.Console(os.Stderr)
	defer cli.Flush(stdout, stderr)
	return run(ctx, os.Args[1:], stdout, stderr)
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// run runs the command args name and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd, err := dispatch(ctx, args, stdout, stderr)
	return exitCode(cmd, err, stderr)
}

// Exit codes (DESIGN.md).
const (
	exitOK       = 0 // conformant
	exitFailures = 1 // contract failures
	exitUsage    = 2 // usage or configuration error
	exitInfra    = 3 // endpoint unreachable or other infrastructure error
)

// errShown is a usage error already printed (by the flag package, or as
// help): the exit code is all that is left to give.
var errShown = &cli.Error{Kind: cli.KindUsage, Err: errors.New("shown above")}

// exitCode is the one place that turns what a command returned into an
// exit code: a verdict by its status, an error by its kind (printed on the
// console after the command's name).
func exitCode(cmd string, err error, stderr io.Writer) int {
	var v *cli.Verdict
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errShown):
		return exitUsage
	case errors.As(err, &v):
		switch {
		case v.Status == report.NotConformant:
			return exitFailures
		case v.ErrorCases == 0:
			return exitUsage // nothing was tested: every case skipped
		}
		return exitInfra
	}
	cli.Say(stderr, cmd, err)
	if cli.KindOf(err) == cli.KindInfra {
		return exitInfra
	}
	// A usage error that names no next step of its own gets the help's.
	if name, _, _ := strings.Cut(cmd, " "); runners[name] != nil && !strings.Contains(err.Error(), "conform ") {
		fmt.Fprintf(stderr, "(conform help %s shows its flags)\n", name)
	}
	return exitUsage
}

// usageErr is a usage error of the command line itself.
func usageErr(format string, args ...any) error {
	return &cli.Error{Kind: cli.KindUsage, Err: fmt.Errorf(format, args...)}
}

// dispatch parses a command's flags and calls it; it returns the command's
// name (for its messages) and what the command returned.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) (string, error) {
	if len(args) == 2 && args[0] == "help" {
		// conform help CMD is conform CMD -h: the command's own flags.
		return dispatch(ctx, []string{args[1], "-h"}, stdout, stderr)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage())
		if len(args) == 0 {
			return "", errShown
		}
		return "", nil
	}
	if (args[0] == "--version" || args[0] == "version") && len(args) > 1 && args[1] != "-h" && args[1] != "--help" {
		return "version", usageErr("unexpected argument %q: conform version takes none", args[1])
	}
	if args[0] == "--version" || args[0] == "version" {
		fmt.Fprintln(stdout, prepare.VersionString())
		return "version", nil
	}
	cmd, rest := args[0], args[1:]
	fs := flag.NewFlagSet("conform "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = commandUsage(fs, cmd)
	// parse reads the flags: -h and --help are an answer (exit 0), a bad
	// flag a usage error (exit 2).
	parse := func(args []string) error {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			return err
		case err != nil:
			return errShown
		}
		return nil
	}
	c := &command{name: cmd, rest: rest, fs: fs, parse: parse, stdout: stdout, stderr: stderr}
	if run, ok := runners[cmd]; ok {
		return run(ctx, c)
	}
	fmt.Fprintf(stderr, "conform: unknown command %q\n\n%s", cmd, usage())
	return cmd, errShown
}

// command is what dispatch hands a command's runner: its name, its
// arguments, its flag set (with help made from it) and the consoles.
type command struct {
	name           string
	rest           []string
	fs             *flag.FlagSet
	parse          func([]string) error
	stdout, stderr io.Writer
}

// runners are the commands' flag parsers, each of which calls its command.
var runners = map[string]func(context.Context, *command) (string, error){
	"validate": cmdValidate,
	"schemas":  cmdSchemas,
	"run":      cmdRun,
	"report":   cmdReport,
	"mock":     cmdMock,
	"proxy":    cmdProxy,
	"ops":      cmdOps,
}

// cmdValidate checks envelopes against the contract.
func cmdValidate(ctx context.Context, c *command) (string, error) {
	op := c.fs.String("op", "", "operation, as Agent.Operation (inferred from the Body when omitted)")
	dir := c.fs.String("dir", "", "request or response (inferred when omitted)")
	maxSize := c.fs.Int64("max-size", 10<<20, "largest message accepted, in bytes")
	if err := c.parse(c.rest); err != nil {
		return c.name, err
	}
	return c.name, cli.Validate(ctx, cli.ValidateOptions{Op: *op, Dir: *dir, MaxSize: *maxSize, Files: c.fs.Args()}, c.stdout, c.stderr)
}

// cmdSchemas extracts contracts from WSDLs, or compares one with the pinned contract.
func cmdSchemas(ctx context.Context, c *command) (string, error) {
	if len(c.rest) > 0 && (c.rest[0] == "-h" || c.rest[0] == "--help" || c.rest[0] == "-help") {
		c.fs.Usage()
		return c.name, nil
	}
	if len(c.rest) == 0 || (c.rest[0] != "extract" && c.rest[0] != "diff") {
		return c.name, usageErr("want a subcommand: extract or diff")
	}
	c.name = "schemas " + c.rest[0]
	if c.rest[0] == "diff" {
		var wsdls multi
		c.fs.Var(&wsdls, "wsdl", "WSDL file or URL to compare with the pinned contract; repeatable")
		if err := c.parse(c.rest[1:]); err != nil {
			return c.name, err
		}
		if err := stray(c.fs, "schemas diff"); err != nil {
			return c.name, err
		}
		return c.name, cli.SchemasDiff(wsdls, c.stdout)
	}
	var wsdls multi
	c.fs.Var(&wsdls, "wsdl", "WSDL file or URL (…/User.svc?singleWsdl); repeatable")
	out := c.fs.String("out", "", "folder to write into (one subfolder per service)")
	if err := c.parse(c.rest[1:]); err != nil {
		return c.name, err
	}
	if err := stray(c.fs, "schemas extract"); err != nil {
		return c.name, err
	}
	return c.name, cli.Extract(wsdls, *out, c.stdout)
}

// cmdRun tests an installation or the embedded mock.
func cmdRun(ctx context.Context, c *command) (string, error) {
	var o cli.RunOptions
	c.fs.StringVar(&o.Endpoint, "endpoint", "", "installation base URL (env CONFORM_ENDPOINT); none: the embedded mock")
	c.fs.StringVar(&o.Ticket, "ticket", "", "a 7T: ticket (prefer env CONFORM_TICKET: command lines are visible)")
	c.fs.StringVar(&o.User, "user", "", "user name for SoPrincipal (env CONFORM_USER)")
	c.fs.StringVar(&o.Password, "password", "", "password (prefer env CONFORM_PASSWORD)")
	c.fs.StringVar(&o.AppToken, "app-token", "", "ApplicationToken header (env CONFORM_APP_TOKEN)")
	var ops multi
	c.fs.Var(&ops, "ops", "operations to test, e.g. User.GetAccessToken,User.GetExternalTokens; repeatable")
	c.fs.StringVar(&o.LabelFilter, "label-filter", "", "Ginkgo label filter, e.g. 'happy && !generated'")
	o.Timeout = 30 * time.Second
	c.fs.Var(durationFlag{&o.Timeout}, "timeout", "timeout of each call, a `duration` such as 30s")
	c.fs.StringVar(&o.Reports, "reports", "reports", "folder for junit.xml and evidence/")
	c.fs.BoolVar(&o.AllowMutations, "allow-mutations", false, "the own-data tier: also run the cases that write only to records they create (and delete them); no existing record is touched")
	c.fs.BoolVar(&o.MayDamageInstall, "may-damage-install", false, "the disposable-install tier, for a throwaway install only: run every case, generated requests whose sample identifiers may name existing records included (the install's data may be damaged)")
	c.fs.BoolVar(&o.Plan, "plan", false, "print every case the run would send (its calls and their safety) and every case it would skip and why, grouped by agent; send nothing")
	c.fs.BoolVar(&o.PlanJSON, "json", false, "with --plan: the plan as JSON")
	c.fs.StringVar(&o.Shard, "shard", "", "run share `K/N` of the selected cases (job K of N of a CI matrix or a Kubernetes Indexed Job); conform report merge joins the N summaries into the whole run")
	c.fs.IntVar(&o.Parallel, "parallel", 0, "cases run at once (default: one per CPU against the embedded mock, 4 against a live endpoint)")
	c.fs.IntVar(&o.MaxTransportFailures, "max-transport-failures", 3, "after this many cases in a row cannot reach the endpoint, report the c.rest as not attempted (0: never)")
	var contractDirs multi
	c.fs.Var(&contractDirs, "contracts", "a contracts `DIR` (what conform schemas extract --out wrote) to test besides the embedded contracts; repeatable; a DIR wins on a name clash")
	c.fs.StringVar(&o.Agents, "agents", "", "agents to test, e.g. Contact,Person, or all (every loaded agent); one with no loaded contract is tested against the install's own ?singleWsdl")
	c.fs.Var(durationFlag{&o.Deadline}, "deadline", "bound the whole run by this `duration` (e.g. 10m); cases not started by then are reported as not attempted")
	c.fs.StringVar(&o.ExpectManifest, "expect-manifest", "", "refuse to run unless the schemas and fixtures are those of this earlier summary.json")
	junitFlags(c.fs, &o.Output)
	config := c.fs.String("config", cli.ConfigFile, "read options from this YAML `FILE` (default: conform.yaml in the working directory, when there is one); flags and environment win over it")
	c.fs.StringVar(&o.CACert, "ca-cert", "", "a PEM `FILE` of certificates to trust besides the system's (a staging install's self-signed certificate or its CA)")
	c.fs.BoolVar(&o.Quiet, "quiet", false, "print only failed and errored cases and the verdict (no line per passing case)")
	if err := c.parse(c.rest); err != nil {
		return c.name, err
	}
	if c.fs.NArg() > 0 {
		return c.name, usageErr("unexpected argument %q: conform run takes flags only (to test one operation: --ops %s)", c.fs.Arg(0), c.fs.Arg(0))
	}
	named := false
	c.fs.Visit(func(f *flag.Flag) { named = named || f.Name == "config" })
	// conform.yaml's values go through the flag set: each is checked
	// by its flag, as if given on the command line.
	if err := cli.ApplyConfig(c.fs, *config, named, c.stdout); err != nil {
		return c.name, err
	}
	c.fs.Visit(func(f *flag.Flag) { o.EndpointGiven = o.EndpointGiven || f.Name == "endpoint" })
	o.Contracts = contractDirs
	o.Ops = strings.Join(ops, ",")
	return c.name, cli.Run(ctx, o, c.stdout, c.stderr)
}

// cmdReport renders a summary again, or merges runs.
func cmdReport(ctx context.Context, c *command) (string, error) {
	out := c.fs.String("out", "", "folder to write report.html, junit.xml (and summary.json) into")
	var output report.Output
	junitFlags(c.fs, &output)
	if len(c.rest) > 0 && c.rest[0] == "merge" {
		files, err := parseInterleaved(c.fs, c.rest[1:])
		if err != nil {
			return "report merge", err
		}
		return "report merge", cli.Merge(files, *out, output, c.stdout)
	}
	files, err := parseInterleaved(c.fs, c.rest)
	if err != nil {
		return c.name, err
	}
	if len(files) != 1 {
		return c.name, usageErr("want one summary.json (or: conform report merge A.json B.json ... --out DIR)")
	}
	return c.name, cli.Report(files[0], *out, output, c.stdout)
}

// cmdMock serves the NetServer emulator.
func cmdMock(ctx context.Context, c *command) (string, error) {
	var users multi
	if u := os.Getenv("CONFORM_MOCK_USER"); u != "" {
		users = append(users, u)
	}
	addr := c.fs.String("addr", "127.0.0.1:8088", "address to listen on")
	c.fs.Var(&users, "user", "NAME:PASSWORD of a user the mock accepts; repeatable (env CONFORM_MOCK_USER); replaces the default user")
	online := c.fs.Bool("online", false, "Online mode: require and check the ApplicationToken header")
	appToken := c.fs.String("app-token", os.Getenv("CONFORM_APP_TOKEN"), "application token accepted in Online mode (env CONFORM_APP_TOKEN)")
	ttl := c.fs.Duration("ticket-ttl", time.Hour, "lifetime of a ticket")
	maxBody := c.fs.Int64("max-body", 1<<20, "largest request body, in bytes")
	strict := c.fs.Bool("strict", false, "refuse every request that breaks the contract with a Client fault (default: serve requests that lack declared headers, as NetServer does, and report the finding)")
	findings := c.fs.String("findings", "", "append every finding on a request to `FILE` as a JSON line (- for c.stdout)")
	maxSessions := c.fs.Int("max-sessions", mock.DefaultMaxSessions, "live tickets (and access tokens) kept; the oldest goes first")
	maxStored := c.fs.Int("max-stored", mock.DefaultMaxStored, "token sets SaveExternalTokens keeps; the oldest goes first")
	maxStoredBytes := c.fs.Int64("max-stored-bytes", mock.DefaultMaxStoredBytes, "bytes of token sets kept; the oldest goes first")
	var contractDirs multi
	c.fs.Var(&contractDirs, "contracts", "a contracts `DIR` (what conform schemas extract --out wrote) whose agents to serve besides the embedded ones; repeatable")
	reports := c.fs.String("reports", "", "write a client report of the session into `DIR` when stopped")
	var mockOutput report.Output
	junitFlags(c.fs, &mockOutput)
	duration := c.fs.Duration("duration", 0, "stop after this long (default: at Ctrl-C or SIGTERM)")
	if err := c.parse(c.rest); err != nil {
		return c.name, err
	}
	if err := stray(c.fs, "mock"); err != nil {
		return c.name, err
	}
	return c.name, cli.Mock(ctx, cli.MockOptions{Addr: *addr, Users: users, Online: *online, AppToken: *appToken, TicketTTL: *ttl, MaxBody: *maxBody, Strict: *strict, Findings: *findings,
		MaxSessions: *maxSessions, MaxStored: *maxStored, MaxStoredBytes: *maxStoredBytes, Contracts: contractDirs, Reports: *reports, Output: mockOutput, Duration: *duration}, c.stdout, c.stderr)
}

// cmdProxy certifies a client through a proxy.
func cmdProxy(ctx context.Context, c *command) (string, error) {
	var contractDirs multi
	listen := c.fs.String("listen", "127.0.0.1:8089", "address to listen on")
	upstream := c.fs.String("upstream", "", "base URL of the install (or conform mock) to forward to")
	reports := c.fs.String("reports", "reports", "write the client report into `DIR` when stopped")
	duration := c.fs.Duration("duration", 0, "stop after this long (default: at Ctrl-C or SIGTERM)")
	c.fs.Var(&contractDirs, "contracts", "a contracts `DIR` to check against besides the embedded ones; repeatable")
	caCert := c.fs.String("ca-cert", "", "a PEM `FILE` of certificates to trust for the upstream besides the system's")
	var proxyOutput report.Output
	junitFlags(c.fs, &proxyOutput)
	if err := c.parse(c.rest); err != nil {
		return c.name, err
	}
	if err := stray(c.fs, "proxy"); err != nil {
		return c.name, err
	}
	return c.name, cli.Proxy(ctx, cli.ProxyOptions{Listen: *listen, Upstream: *upstream, Reports: *reports, Duration: *duration, Contracts: contractDirs, CACert: *caCert, Output: proxyOutput}, c.stdout, c.stderr)
}

// cmdOps lists the loaded operations.
func cmdOps(ctx context.Context, c *command) (string, error) {
	var dirs multi
	c.fs.Var(&dirs, "contracts", "a contracts `DIR` (what conform schemas extract --out wrote) to load besides the embedded ones; repeatable")
	if err := c.parse(c.rest); err != nil {
		return c.name, err
	}
	return c.name, cli.Ops(c.fs.Args(), dirs, c.stdout)
}

// stray refuses positional arguments to a command that takes flags only.
func stray(fs *flag.FlagSet, cmd string) error {
	if fs.NArg() == 0 {
		return nil
	}
	return usageErr("unexpected argument %q: conform %s takes flags only (conform help %s)", fs.Arg(0), cmd, strings.Fields(cmd)[0])
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, err
		} else if err != nil {
			return nil, errShown
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// junitFlags are the JUnit options of the commands that write reports.
func junitFlags(fs *flag.FlagSet, o *report.Output) {
	o.JUnit = report.JUnitCases
	fs.Var(choiceFlag{&o.JUnit, []string{report.JUnitCases, report.JUnitChecks}}, "junit", "junit.xml `form`: cases (a testcase per case, per step of a multi-step case) or checks (a testcase per check)")
	fs.BoolVar(&o.AbsolutePaths, "junit-absolute-paths", false, "write attachment paths in junit.xml absolute (Jenkins); default: relative to the working directory (GitLab)")
}

// choiceFlag is a string flag with a fixed set of values.
type choiceFlag struct {
	v    *string
	from []string
}

func (f choiceFlag) String() string {
	if f.v == nil {
		return ""
	}
	return *f.v
}

func (f choiceFlag) Set(v string) error {
	for _, c := range f.from {
		if v == c {
			*f.v = v
			return nil
		}
	}
	return fmt.Errorf("%q: want one of %s", v, strings.Join(f.from, ", "))
}

// durationFlag is a time.Duration flag whose error says what to write.
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil || *f.d == 0 {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		if _, nerr := strconv.Atoi(v); nerr == nil {
			return fmt.Errorf("%q has no unit: write %ss (or %sm)", v, v, v)
		}
		return fmt.Errorf("%q is not a duration: write it like 30s, 2m or 1h", v)
	}
	*f.d = d
	return nil
}
