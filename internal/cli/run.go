package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/conform-dev/conform/fixtures"
	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/schemas"
	"github.com/conform-dev/conform/suite"
)

// Version of conform, reported in every manifest.
const Version = "0.1.0"

// RunOptions are the inputs of `conform run`. Secrets left empty are read
// from the environment (CONFORM_TICKET, CONFORM_PASSWORD, CONFORM_APP_TOKEN;
// also CONFORM_ENDPOINT and CONFORM_USER).
type RunOptions struct {
	Endpoint       string
	Ticket         string
	User           string
	Password       string
	AppToken       string
	Ops            string
	LabelFilter    string
	Timeout        time.Duration
	Reports        string
	AllowMutations bool
	Verbose        bool
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
func Run(ctx context.Context, o RunOptions, stdout, stderr io.Writer) int {
	o.fromEnv()
	say := func(format string, args ...any) { fmt.Fprintf(stderr, "conform run: "+format+"\n", args...) }
	if o.Timeout <= 0 {
		say("--timeout %s: want a positive duration, such as 30s", o.Timeout)
		return ExitUsage
	}
	if o.LabelFilter != "" {
		if _, err := types.ParseLabelFilter(o.LabelFilter); err != nil {
			say("--label-filter %q: %v", o.LabelFilter, err)
			return ExitUsage
		}
	}
	if o.Password != "" && o.User == "" {
		say("a password without --user (or CONFORM_USER): give both")
		return ExitUsage
	}

	live := o.Endpoint != ""
	if live {
		u, err := url.Parse(o.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			say("--endpoint %q: want the installation's base URL, such as https://host/Cust12345 (agents are at URL/Remote/Services88/<Agent>.svc)", o.Endpoint)
			return ExitUsage
		}
		if o.Ticket == "" && o.User == "" {
			say("no credentials for %s: give --ticket (or CONFORM_TICKET), or --user and --password (or CONFORM_USER, CONFORM_PASSWORD)", o.Endpoint)
			return ExitUsage
		}
	} else {
		m, err := mock.New(mock.Options{})
		if err != nil {
			say("%v", err)
			return ExitInfra
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			say("cannot start the embedded mock: %v", err)
			return ExitInfra
		}
		srv := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		o.Endpoint = "http://" + ln.Addr().String()
		if o.Ticket == "" && o.User == "" {
			o.User, o.Password = mock.DefaultUser, mock.DefaultPassword
		}
		fmt.Fprintf(stdout, "conform run: no --endpoint: testing the embedded mock at %s\n", o.Endpoint)
	}

	var appToken *string
	if o.AppToken != "" {
		appToken = &o.AppToken
	}
	eng, err := engine.New(engine.Config{Endpoint: o.Endpoint, Ticket: o.Ticket, AppToken: appToken, Timeout: o.Timeout})
	if err != nil {
		say("%v", err)
		return ExitInfra
	}
	eng.AddSecrets(o.Password)
	cat, err := fixture.Load(fixtures.FS, fixtures.CasesDir, eng, []string{"User"})
	if err != nil {
		say("the case catalog is broken: %v", err)
		return ExitUsage
	}
	ops, err := parseOps(o.Ops, eng)
	if err != nil {
		say("%v", err)
		return ExitUsage
	}

	if err := eng.Ping(ctx); err != nil {
		say("%v (is --endpoint the installation's base URL, and is it up?)", err)
		return ExitInfra
	}
	if o.Ticket == "" {
		if err := eng.Authenticate(ctx, o.User, o.Password); err != nil {
			say("%v", err)
			if errors.Is(err, engine.ErrUnreachable) {
				return ExitInfra
			}
			return ExitUsage
		}
	}

	start := time.Now().UTC()
	cfg := &suite.Config{
		Engine: eng, Catalog: cat, Ops: ops, Live: live, AllowMutations: o.AllowMutations,
		LabelFilter: o.LabelFilter, Progress: stdout,
		Reports: &report.Writer{Dir: o.Reports, Secrets: eng.Secrets, Manifest: manifest(o, live, start, cat)},
	}
	var verbose io.Writer
	if o.Verbose {
		verbose = stderr
	}
	out := suite.Run(cfg, verbose)
	if out.Err != nil {
		say("cannot write the reports: %v", out.Err)
		return ExitInfra
	}
	t := out.Totals
	if out.Ran == 0 && out.Skipped == 0 {
		say("no case was selected (check --ops and --label-filter); nothing was tested")
		return ExitUsage
	}
	fmt.Fprintf(stdout, "\nconform: %d cases run, %d skipped; %d checks: %d failed, %d errors, %d warnings (%.1fs)\n",
		out.Ran, out.Skipped, t.Tests-t.Skipped, t.Failures, t.Errors, t.Warnings, out.Duration.Seconds())
	fmt.Fprintf(stdout, "reports: %s/junit.xml, evidence in %s/evidence/\n", o.Reports, o.Reports)
	switch {
	case t.Failures > 0:
		fmt.Fprintf(stdout, "NOT CONFORMANT: %s\n", strings.Join(t.FailedCases, "; "))
		return ExitFailures
	case t.Errors > 0:
		fmt.Fprintf(stdout, "INCOMPLETE: errors in %s\n", strings.Join(t.ErroredCases, "; "))
		return ExitInfra
	}
	fmt.Fprintln(stdout, "CONFORMANT")
	return ExitOK
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
			return nil, fmt.Errorf("--ops: %q is not an operation (write Agent.Operation; `conform ops` lists them)", op)
		}
		ops[op] = true
	}
	return ops, nil
}

func commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

func hashFS(fsys fs.FS, prefix string, into map[string]string) {
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		into[prefix+p] = hex.EncodeToString(sum[:])
		return nil
	})
}

// manifest is the run's provenance: suite version, endpoint, time, options,
// and the sha256 of every schema and fixture file.
func manifest(o RunOptions, live bool, start time.Time, cat *fixture.Catalog) []report.Property {
	target := "embedded mock"
	if live {
		target = "live endpoint"
	}
	props := []report.Property{
		{Name: "conform.version", Value: Version},
		{Name: "conform.commit", Value: commit()},
		{Name: "endpoint", Value: o.Endpoint},
		{Name: "target", Value: target},
		{Name: "started", Value: start.Format(time.RFC3339)},
		{Name: "option.ops", Value: o.Ops},
		{Name: "option.label-filter", Value: o.LabelFilter},
		{Name: "option.allow-mutations", Value: fmt.Sprint(o.AllowMutations)},
		{Name: "option.timeout", Value: o.Timeout.String()},
	}
	hashes := map[string]string{}
	hashFS(schemas.FS, "schemas/", hashes)
	for f, h := range cat.Hashes {
		hashes["fixtures/"+f] = h
	}
	names := make([]string, 0, len(hashes))
	for n := range hashes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		props = append(props, report.Property{Name: "sha256:" + n, Value: hashes[n]})
	}
	return props
}
