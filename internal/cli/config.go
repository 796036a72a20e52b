package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/report"
)

// ConfigFile is the file `conform run` reads from the working directory
// when --config does not name another.
const ConfigFile = "conform.yaml"

// maxConfig bounds a configuration file (it is input like any other).
const maxConfig = 1 << 20

// Config is conform.yaml: every option of `conform run` but the secrets.
// Precedence: flags, then environment, then the file.
type Config struct {
	Endpoint             *string  `yaml:"endpoint"`
	User                 *string  `yaml:"user"`
	Agents               []string `yaml:"agents"`
	Ops                  []string `yaml:"ops"`
	LabelFilter          *string  `yaml:"label-filter"`
	Timeout              *string  `yaml:"timeout"`
	Deadline             *string  `yaml:"deadline"`
	Parallel             *int     `yaml:"parallel"`
	MaxTransportFailures *int     `yaml:"max-transport-failures"`
	AllowMutations       *bool    `yaml:"allow-mutations"`
	MayDamageInstall     *bool    `yaml:"may-damage-install"`
	Shard                *string  `yaml:"shard"`
	Reports              *string  `yaml:"reports"`
	Contracts            []string `yaml:"contracts"`
	CACert               *string  `yaml:"ca-cert"`
	ExpectManifest       *string  `yaml:"expect-manifest"`
	JUnit                *string  `yaml:"junit"`
	JUnitAbsolutePaths   *bool    `yaml:"junit-absolute-paths"`
	Quiet                *bool    `yaml:"quiet"`

	path string // the file it was read from
}

// configKeys are the keys a file may hold: the yaml tags of Config, which
// are the flags' names (TestConfigKeysAreTheFlags keeps them so).
// ConfigKeys are the keys a conform.yaml may hold.
func ConfigKeys() []string { return slices.Clone(configKeys) }

// configKeys are the yaml tags of Config, which are run's flag names
// (a test keeps them so), sorted.
var configKeys = func() []string {
	var keys []string
	t := reflect.TypeOf(Config{})
	for i := 0; i < t.NumField(); i++ {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}()

// secretKeys are refused in a file, with where each belongs instead.
var secretKeys = map[string]string{
	"ticket":    "--ticket or CONFORM_TICKET",
	"password":  "--password or CONFORM_PASSWORD",
	"app-token": "--app-token or CONFORM_APP_TOKEN",
}

// LoadConfig reads a configuration file. It refuses unknown keys (with a
// suggestion), secrets (they belong in the CI's secret store, not in a
// file in a repository), and values of the wrong type, naming file:line.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfig+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(data) > maxConfig {
		return nil, fmt.Errorf("%s: larger than %d bytes; a conform.yaml is a few lines", path, maxConfig)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not YAML: %v", path, err)
	}
	c := &Config{path: path}
	if len(doc.Content) == 0 {
		return c, nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of options (endpoint: …, ops: […]), not a %s", path, root.Line, kindName(root.Kind))
	}
	var problems []string
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := strings.ToLower(k.Value)
		if where, ok := secretKeys[strings.ReplaceAll(strings.ReplaceAll(key, "_", "-"), "apptoken", "app-token")]; ok {
			problems = append(problems, fmt.Sprintf("%s:%d: %s: secrets are not read from a file; give it with %s (from your CI's secret store)", path, k.Line, k.Value, where))
			continue
		}
		if !slices.Contains(configKeys, k.Value) {
			hint := ""
			if near := nearestWord(k.Value, configKeys); near != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", near)
			}
			problems = append(problems, fmt.Sprintf("%s:%d: unknown key %q%s; the keys are: %s", path, k.Line, k.Value, hint, strings.Join(configKeys, ", ")))
			continue
		}
		// A credential of a known shape in any value is refused too.
		var scalars []*yaml.Node
		collectScalars(v, &scalars)
		for _, s := range scalars {
			if netserver.Redact(s.Value) != s.Value {
				problems = append(problems, fmt.Sprintf("%s:%d: %s holds what looks like a ticket or token; secrets are not read from a file", path, s.Line, k.Value))
			}
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	if err := root.Decode(c); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%s: %s", path, strings.Join(te.Errors, "; "))
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return c, nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	}
	return "document"
}

func collectScalars(n *yaml.Node, out *[]*yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		*out = append(*out, n)
	}
	for _, c := range n.Content {
		collectScalars(c, out)
	}
}

// nearestWord is the word closest to w (by edit distance, ignoring case),
// when it is close enough to be a typo; "" otherwise.
func nearestWord(w string, words []string) string {
	best, bestD := "", 1<<30
	for _, c := range words {
		if d := editDistance(strings.ToLower(w), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD > max(2, len(w)/4) {
		return ""
	}
	return best
}

// Apply fills the options that neither a flag (set names those given) nor
// the environment gave. Paths in the file are relative to its folder.
func (c *Config) Apply(o *RunOptions, set map[string]bool) error {
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(filepath.Dir(c.path), p)
	}
	str := func(flag string, dst *string, v *string, env string, path bool) {
		if v == nil || set[flag] || (env != "" && os.Getenv(env) != "") {
			return
		}
		*dst = *v
		if path {
			*dst = rel(*v)
		}
	}
	dur := func(flag string, dst *time.Duration, v *string) error {
		if v == nil || set[flag] {
			return nil
		}
		d, err := time.ParseDuration(*v)
		if err != nil {
			return fmt.Errorf("%s: %s: %q is not a duration: write it like 30s, 2m or 1h", c.path, flag, *v)
		}
		*dst = d
		return nil
	}
	if c.Endpoint != nil && !set["endpoint"] && os.Getenv("CONFORM_ENDPOINT") == "" {
		if strings.TrimSpace(*c.Endpoint) == "" {
			return fmt.Errorf("%s: endpoint is empty: give the installation's base URL, or leave the key out to test the embedded mock", c.path)
		}
		o.Endpoint, o.EndpointGiven = *c.Endpoint, true
	}
	str("user", &o.User, c.User, "CONFORM_USER", false)
	str("label-filter", &o.LabelFilter, c.LabelFilter, "", false)
	str("shard", &o.Shard, c.Shard, "", false)
	str("reports", &o.Reports, c.Reports, "", true)
	str("ca-cert", &o.CACert, c.CACert, "", true)
	str("expect-manifest", &o.ExpectManifest, c.ExpectManifest, "", true)
	if err := dur("timeout", &o.Timeout, c.Timeout); err != nil {
		return err
	}
	if err := dur("deadline", &o.Deadline, c.Deadline); err != nil {
		return err
	}
	if c.Agents != nil && !set["agents"] {
		o.Agents = strings.Join(c.Agents, ",")
	}
	if c.Ops != nil && !set["ops"] {
		o.Ops = strings.Join(c.Ops, ",")
	}
	if c.Contracts != nil && !set["contracts"] {
		o.Contracts = nil
		for _, d := range c.Contracts {
			o.Contracts = append(o.Contracts, rel(d))
		}
	}
	if c.Parallel != nil && !set["parallel"] {
		o.Parallel = *c.Parallel
	}
	if c.MaxTransportFailures != nil && !set["max-transport-failures"] {
		o.MaxTransportFailures = *c.MaxTransportFailures
	}
	if c.AllowMutations != nil && !set["allow-mutations"] {
		o.AllowMutations = *c.AllowMutations
	}
	if c.MayDamageInstall != nil && !set["may-damage-install"] {
		o.MayDamageInstall = *c.MayDamageInstall
	}
	if c.Quiet != nil && !set["quiet"] {
		o.Quiet = *c.Quiet
	}
	if c.JUnitAbsolutePaths != nil && !set["junit-absolute-paths"] {
		o.Output.AbsolutePaths = *c.JUnitAbsolutePaths
	}
	if c.JUnit != nil && !set["junit"] {
		if *c.JUnit != report.JUnitCases && *c.JUnit != report.JUnitChecks {
			return fmt.Errorf("%s: junit: %q: want %s or %s", c.path, *c.JUnit, report.JUnitCases, report.JUnitChecks)
		}
		o.Output.JUnit = *c.JUnit
	}
	return nil
}

// ApplyConfig reads the configuration file, when one is named (named) or
// the default one exists, and fills o from it; a code other than ExitOK
// ends the command.
func ApplyConfig(path string, named bool, o *RunOptions, set map[string]bool, stdout, stderr io.Writer) int {
	if !named {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return ExitOK
		}
	}
	c, err := LoadConfig(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "conform run: --config %s: no such file\n", path)
		} else {
			fmt.Fprintf(stderr, "conform run: %v\n", err)
		}
		return ExitUsage
	}
	if err := c.Apply(o, set); err != nil {
		fmt.Fprintf(stderr, "conform run: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(stdout, "conform run: options from %s (flags and environment win over it)\n", path)
	return ExitOK
}
