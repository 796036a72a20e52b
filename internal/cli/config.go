package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/conform-dev/conform/internal/netserver"
)

// ConfigFile is the file `conform run` reads from the working directory
// when --config does not name another.
const ConfigFile = "conform.yaml"

// maxConfig bounds a configuration file (it is input like any other).
const maxConfig = 1 << 20

// Config is a conform.yaml: values for `conform run`'s flags, every one
// but the secrets. It is applied through the command's flag set, so each
// value is checked by its flag, once. Precedence: flags, then environment,
// then the file.
type Config struct {
	path    string // the file it was read from
	entries []configEntry
}

// configEntry is one key of the file.
type configEntry struct {
	key    string
	line   int
	values []string // a list key's items; else one value
}

// configKeys are the keys a file may hold: run's flag names less the
// secrets, --config, --plan and --json (a test keeps them so), sorted.
var configKeys = []string{"agents", "allow-mutations", "ca-cert", "contracts", "deadline", "endpoint", "expect-manifest", "junit", "junit-absolute-paths",
	"label-filter", "max-transport-failures", "may-damage-install", "ops", "parallel", "quiet", "reports", "shard", "timeout", "user"}

// listKeys may hold a list; pathKeys hold paths, relative to the file;
// envKeys have an environment variable that wins over the file.
var (
	listKeys = map[string]bool{"agents": true, "ops": true, "contracts": true}
	pathKeys = map[string]bool{"reports": true, "contracts": true, "ca-cert": true, "expect-manifest": true}
	envKeys  = map[string]string{"endpoint": "CONFORM_ENDPOINT", "user": "CONFORM_USER"}
)

// ConfigKeys are the keys a conform.yaml may hold.
func ConfigKeys() []string { return slices.Clone(configKeys) }

// secretKeys are refused in a file, with where each belongs instead.
var secretKeys = map[string]string{
	"ticket":    "--ticket or CONFORM_TICKET",
	"password":  "--password or CONFORM_PASSWORD",
	"app-token": "--app-token or CONFORM_APP_TOKEN",
}

// LoadConfig reads a configuration file. It refuses unknown keys (with a
// suggestion), secrets (they belong in the CI's secret store, not in a
// file in a repository), keys given twice, and lists where one value is
// wanted, naming file:line; Apply has each value checked by its flag.
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
	seen := map[string]int{} // key → its line
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
		if first, ok := seen[k.Value]; ok {
			problems = append(problems, fmt.Sprintf("%s:%d: %s is given twice (first at line %d)", path, k.Line, k.Value, first))
			continue
		}
		seen[k.Value] = k.Line
		e := configEntry{key: k.Value, line: k.Line}
		switch {
		case v.Kind == yaml.ScalarNode:
			e.values = []string{v.Value}
		case v.Kind == yaml.SequenceNode && listKeys[k.Value]:
			for _, item := range v.Content {
				if item.Kind != yaml.ScalarNode {
					problems = append(problems, fmt.Sprintf("%s:%d: %s: want a list of names, not a list of %ss", path, item.Line, k.Value, kindName(item.Kind)))
					break
				}
				e.values = append(e.values, item.Value)
			}
		case listKeys[k.Value]:
			problems = append(problems, fmt.Sprintf("%s:%d: %s: want a list (or one value), not a %s", path, v.Line, k.Value, kindName(v.Kind)))
		default:
			problems = append(problems, fmt.Sprintf("%s:%d: %s: want a single value, not a %s", path, v.Line, k.Value, kindName(v.Kind)))
		}
		c.entries = append(c.entries, e)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return c, nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	case yaml.MappingNode:
		return "mapping"
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

// Apply sets, through fs, every flag the file gives that neither the
// command line (fs's flags already set) nor the environment gave: the flag
// checks the value and names it; this names the file and line. Paths in
// the file are relative to its folder.
func (c *Config) Apply(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, e := range c.entries {
		if set[e.key] || (envKeys[e.key] != "" && os.Getenv(envKeys[e.key]) != "") {
			continue
		}
		if fs.Lookup(e.key) == nil {
			return fmt.Errorf("%s:%d: %s is not an option of %s", c.path, e.line, e.key, fs.Name())
		}
		values := e.values
		switch {
		case e.key == "endpoint" && strings.TrimSpace(values[0]) == "":
			// Fail closed, as for an empty --endpoint.
			return fmt.Errorf("%s:%d: endpoint is empty: give the installation's base URL, or leave the key out to test the embedded mock", c.path, e.line)
		case e.key == "agents":
			values = []string{strings.Join(values, ",")}
		}
		for _, v := range values {
			if pathKeys[e.key] && v != "" && !filepath.IsAbs(v) {
				v = filepath.Join(filepath.Dir(c.path), v)
			}
			if err := fs.Set(e.key, v); err != nil {
				return fmt.Errorf("%s:%d: %s: %q: %v%s", c.path, e.line, e.key, v, err, want(fs.Lookup(e.key)))
			}
		}
	}
	return nil
}

// want says what a flag of the standard types takes, for its terse
// "parse error".
func want(f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return " (want true or false)"
	}
	if _, err := strconv.Atoi(f.DefValue); err == nil {
		return " (want a whole number)"
	}
	return ""
}

// ApplyConfig reads the configuration file, when one is named (named) or
// the default one exists, and applies it through fs (Config.Apply).
func ApplyConfig(fs *flag.FlagSet, path string, named bool, stdout io.Writer) error {
	if !named {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil
		}
	}
	c, err := LoadConfig(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return usageErr("--config %s: no such file", path)
		}
		return usageErr("%v", err)
	}
	if err := c.Apply(fs); err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintf(stdout, "conform run: options from %s (flags and environment win over it)\n", path)
	return nil
}
