// Package house holds the rules of the house as tests: which package may
// use which (DESIGN.md's arrows), read from the sources' imports.
package house

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/conform-dev/conform/"

// imports reads every package of the module (tests left out): its
// directory relative to the root → the module's packages it imports.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	root := "../.."
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(p))
		dir = filepath.ToSlash(dir)
		if _, ok := out[dir]; !ok {
			out[dir] = nil
		}
		for _, im := range f.Imports {
			path := strings.Trim(im.Path.Value, `"`)
			if path == "C" {
				out[dir] = append(out[dir], "C")
			}
			if strings.HasPrefix(path, module) {
				out[dir] = append(out[dir], strings.TrimPrefix(path, module))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// uses is every package pkg reaches through the module's imports.
func uses(graph map[string][]string, pkg string) map[string]bool {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(p string) {
		for _, q := range graph[p] {
			if !seen[q] {
				seen[q] = true
				walk(q)
			}
		}
	}
	walk(pkg)
	return seen
}

func TestArrows(t *testing.T) {
	graph := imports(t)
	if len(graph) < 20 {
		t.Fatalf("read %d packages; the walk is broken", len(graph))
	}
	for _, rule := range []struct {
		pkg   string
		never []string
		why   string
	}{
		{"internal/xsd", []string{"internal/"}, "the one door to libxml2 uses nothing of ours"},
		{"internal/results", []string{"internal/"}, "plain results use nothing of ours"},
		{"internal/mock", []string{"internal/engine", "internal/cli", "internal/prepare", "suite"}, "the mock never uses the engine or the suite"},
		{"internal/report", []string{"internal/engine", "internal/clientcert", "internal/cli", "internal/prepare", "suite"}, "renderers never import the producers"},
		{"suite", []string{"internal/cli"}, "the Ginkgo adapter prepares its run as conform run does, through internal/prepare"},
		{"internal/prepare", []string{"internal/cli", "suite"}, "preparing a run knows no command"},
		{"internal/engine", []string{"internal/cli", "internal/report", "suite"}, "the producer never knows who renders it"},
	} {
		for u := range uses(graph, rule.pkg) {
			for _, n := range rule.never {
				if u == n || (strings.HasSuffix(n, "/") && strings.HasPrefix(u, n)) {
					t.Errorf("%s uses %s: %s", rule.pkg, u, rule.why)
				}
			}
		}
	}
	// Only internal/xsd talks to libxml2 (cgo); only cmd/conform uses cli.
	var cgo, cliUsers []string
	for pkg, ims := range graph {
		for _, im := range ims {
			if im == "C" && pkg != "internal/xsd" {
				cgo = append(cgo, pkg)
			}
			if im == "internal/cli" && pkg != "cmd/conform" {
				cliUsers = append(cliUsers, pkg)
			}
		}
	}
	sort.Strings(cgo)
	sort.Strings(cliUsers)
	if len(cgo) > 0 {
		t.Errorf("cgo outside internal/xsd: %v", cgo)
	}
	if len(cliUsers) > 0 {
		t.Errorf("internal/cli used by %v: the commands are cmd/conform's alone", cliUsers)
	}
}
