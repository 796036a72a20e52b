package cli

import (
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
		{"a wrong type", "parallel: many\n", []string{"line 1: cannot unmarshal !!str `many` into int"}},
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
	o := RunOptions{Timeout: 30 * time.Second, Parallel: 3, Reports: "reports"}
	if err := c.Apply(&o, map[string]bool{"parallel": true}); err != nil {
		t.Fatal(err)
	}
	want := RunOptions{Endpoint: "https://file/x", EndpointGiven: true, User: "", Timeout: 5 * time.Second, Parallel: 3,
		Reports: filepath.Join(filepath.Dir(p), "out"), Ops: "User.GetAccessToken,User.GetExternalTokens", AllowMutations: true}
	want.Output.JUnit = "checks"
	// The environment's user wins (Run reads it): the file's is not applied.
	if o.Endpoint != want.Endpoint || !o.EndpointGiven || o.User != "" || o.Timeout != want.Timeout || o.Parallel != 3 ||
		o.Reports != want.Reports || o.Ops != want.Ops || !o.AllowMutations || o.Output.JUnit != "checks" {
		t.Errorf("applied: %+v\nwant:    %+v", o, want)
	}
	t.Setenv("CONFORM_ENDPOINT", "https://env/y")
	o = RunOptions{}
	c.Apply(&o, nil)
	if o.Endpoint != "" {
		t.Errorf("the file's endpoint won over CONFORM_ENDPOINT: %q", o.Endpoint)
	}
}

// An empty endpoint in the file fails closed, as an empty --endpoint does.
func TestConfigEmptyEndpoint(t *testing.T) {
	c, err := LoadConfig(writeConfig(t, "endpoint: \"\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONFORM_ENDPOINT", "")
	if err := c.Apply(&RunOptions{}, nil); err == nil || !strings.Contains(err.Error(), "endpoint is empty") {
		t.Errorf("an empty endpoint in the file: %v", err)
	}
}

// The documented example loads.
func TestExampleConfig(t *testing.T) {
	c, err := LoadConfig("../../docs/conform.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := RunOptions{}
	if err := c.Apply(&o, nil); err != nil {
		t.Fatal(err)
	}
	if o.Agents != "User,SoPrincipal" || o.Timeout != 30*time.Second || o.Deadline != 15*time.Minute {
		t.Errorf("example applied as %+v", o)
	}
}
