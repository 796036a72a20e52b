package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "conform.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Each bad file is refused with its line and what to do.
func TestLoadConfigRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"a password", "endpoint: https://a/x\npassword: hunter22\n", []string{"conform.yaml:2: password: secrets are not read from a file; give it with --password or CONFORM_PASSWORD"}},
		{"a ticket", "ticket: abc\n", []string{":1: ticket: secrets are not read from a file; give it with --ticket or CONFORM_TICKET"}},
		{"an app token, any spelling", "app_token: abc\n", []string{":1: app_token: secrets are not read from a file; give it with --app-token or CONFORM_APP_TOKEN"}},
		{"a ticket in another value", "user: x\nlabel-filter: \"7T:abcdefgh\"\n", []string{":2: label-filter holds what looks like a ticket or token"}},
		{"a typo", "endpoint: https://a/x\nendpoit: https://b/y\n", []string{`:2: unknown key "endpoit" (did you mean endpoint?)`}},
		{"a list for one value", "timeout: [1s, 2s]\n", []string{":1: timeout: want a single value, not a list"}},
		{"a key twice", "user: a\nuser: b\n", []string{":2: user is given twice (first at line 1)"}},
		{"not a mapping", "- endpoint\n", []string{":1: want a mapping of options"}},
		{"not YAML", "endpoint: [\n", []string{"not YAML"}},
	} {
		p := writeConfig(t, tc.text)
		_, err := LoadConfig(p)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.name, err, w)
			}
		}
		if strings.Contains(err.Error(), "hunter22") || strings.Contains(err.Error(), "7T:abcdefgh") {
			t.Errorf("%s: the error repeats the secret: %v", tc.name, err)
		}
	}
}

// runFlags is a flag set of run's types (cmd/conform defines the real
// one; a test there keeps the keys equal to its flags).
type runFlags struct {
	fs                                    *flag.FlagSet
	endpoint, user, reports, junit, agent *string
	timeout, deadline                     *time.Duration
	parallel                              *int
	mutations                             *bool
	ops                                   *[]string
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func newRunFlags(args ...string) runFlags {
	fs := flag.NewFlagSet("conform run", flag.ContinueOnError)
	var ops, contracts listFlag
	r := runFlags{fs: fs, endpoint: fs.String("endpoint", "", ""), user: fs.String("user", "", ""), reports: fs.String("reports", "reports", ""),
		junit: fs.String("junit", "cases", ""), agent: fs.String("agents", "", ""), timeout: fs.Duration("timeout", 30*time.Second, ""),
		deadline: fs.Duration("deadline", 0, ""), parallel: fs.Int("parallel", 3, ""), mutations: fs.Bool("allow-mutations", false, ""), ops: (*[]string)(&ops)}
	fs.Var(&ops, "ops", "")
	fs.Var(&contracts, "contracts", "")
	for _, k := range []string{"label-filter", "shard", "ca-cert", "expect-manifest"} {
		fs.String(k, "", "")
	}
	fs.Int("max-transport-failures", 3, "")
	for _, k := range []string{"may-damage-install", "quiet", "junit-absolute-paths"} {
		fs.Bool(k, false, "")
	}
	if err := fs.Parse(args); err != nil {
		panic(err)
	}
	return r
}

// Flags win over the environment, which wins over the file; paths in the
// file are relative to it.
func TestConfigPrecedence(t *testing.T) {
	p := writeConfig(t, "endpoint: https://file/x\nuser: file-user\ntimeout: 5s\nparallel: 7\nreports: out\nops: [User.GetAccessToken, User.GetExternalTokens]\njunit: checks\nallow-mutations: true\n")
	c, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONFORM_ENDPOINT", "")
	t.Setenv("CONFORM_USER", "env-user")
	r := newRunFlags("--parallel", "3")
	if err := c.Apply(r.fs); err != nil {
		t.Fatal(err)
	}
	// The environment's user wins (Run reads it): the file's is not applied.
	if *r.endpoint != "https://file/x" || *r.user != "" || *r.timeout != 5*time.Second || *r.parallel != 3 ||
		*r.reports != filepath.Join(filepath.Dir(p), "out") || strings.Join(*r.ops, ",") != "User.GetAccessToken,User.GetExternalTokens" || !*r.mutations || *r.junit != "checks" {
		t.Errorf("applied: endpoint %q user %q timeout %s parallel %d reports %q ops %q mutations %v junit %q",
			*r.endpoint, *r.user, *r.timeout, *r.parallel, *r.reports, *r.ops, *r.mutations, *r.junit)
	}
	t.Setenv("CONFORM_ENDPOINT", "https://env/y")
	r = newRunFlags()
	c.Apply(r.fs)
	if *r.endpoint != "" {
		t.Errorf("the file's endpoint won over CONFORM_ENDPOINT: %q", *r.endpoint)
	}
}

// A value its flag refuses is named with the file's line.
func TestConfigValueCheckedByItsFlag(t *testing.T) {
	for text, want := range map[string]string{
		"user: a\nparallel: many\n":  `conform.yaml:2: parallel: "many": parse error`,
		"timeout: 5\n":               `conform.yaml:1: timeout: "5": parse error`,
		"allow-mutations: perhaps\n": `conform.yaml:1: allow-mutations: "perhaps": parse error`,
		"deadline: soon\nuser: x\n":  `conform.yaml:1: deadline: "soon"`,
	} {
		c, err := LoadConfig(writeConfig(t, text))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Apply(newRunFlags().fs); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

// An empty endpoint in the file fails closed, as an empty --endpoint does.
func TestConfigEmptyEndpoint(t *testing.T) {
	c, err := LoadConfig(writeConfig(t, "endpoint: \"\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONFORM_ENDPOINT", "")
	if err := c.Apply(newRunFlags().fs); err == nil || !strings.Contains(err.Error(), "endpoint is empty") {
		t.Errorf("an empty endpoint in the file: %v", err)
	}
}

// The documented example loads.
func TestExampleConfig(t *testing.T) {
	c, err := LoadConfig("../../docs/conform.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := newRunFlags()
	if err := c.Apply(r.fs); err != nil {
		t.Fatal(err)
	}
	if *r.agent != "User,SoPrincipal" || *r.timeout != 30*time.Second || *r.deadline != 15*time.Minute {
		t.Errorf("example applied as agents %q timeout %s deadline %s", *r.agent, *r.timeout, *r.deadline)
	}
}
