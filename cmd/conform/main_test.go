package main

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/cli"
	"github.com/conform-dev/conform/internal/report"
)

// TestMain lets a test run the test binary itself as `conform`: Ginkgo
// runs one suite per process, so every `conform run` of a test is a
// process of its own.
func TestMain(m *testing.M) {
	if os.Getenv("CONFORM_TEST_AS_MAIN") == "1" {
		os.Exit(realMain())
	}
	os.Exit(m.Run())
}

// Every command the help lists has a runner, and every runner is listed.
func TestCommandsHaveRunners(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range commands {
		listed[c.name] = true
		if _, ok := runners[c.name]; !ok && c.name != "version" {
			t.Errorf("conform %s is in the help but has no runner", c.name)
		}
	}
	for name := range runners {
		if !listed[name] {
			t.Errorf("conform %s runs but is not in the help", name)
		}
	}
}

// exitCode is the one mapping from what a command returned to the exit
// code DESIGN.md fixes, and what it prints.
func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		code  int
		print string // "" : nothing
	}{
		{"conformant", nil, 0, ""},
		{"help", flag.ErrHelp, 0, ""},
		{"not conformant", &cli.Verdict{Status: report.NotConformant}, 1, ""},
		{"nothing tested", &cli.Verdict{Status: report.Incomplete}, 2, ""},
		{"incomplete with errors", &cli.Verdict{Status: report.Incomplete, ErrorCases: 2}, 3, ""},
		{"already shown", errShown, 2, ""},
		{"usage", usageErr("--timeout 0s: want a positive duration"), 2, "conform run: --timeout 0s: want a positive duration\n(conform help run shows its flags)\n"},
		{"usage naming its next step", usageErr("no agent; `conform ops` lists them"), 2, "conform run: no agent; `conform ops` lists them\n"},
		{"infrastructure", &cli.Error{Kind: cli.KindInfra, Err: errors.New("the endpoint did not answer")}, 3, "conform run: the endpoint did not answer\n"},
		{"a plain error is a usage error", errors.New("odd"), 2, "conform run: odd\n(conform help run shows its flags)\n"},
	} {
		var b strings.Builder
		if code := exitCode("run", tc.err, &b); code != tc.code || b.String() != tc.print {
			t.Errorf("%s: exit %d printing %q, want %d printing %q", tc.name, code, b.String(), tc.code, tc.print)
		}
	}
}
