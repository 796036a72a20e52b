package checks

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md from the catalog")

// docs/checks.md is the catalog, rendered; it must not go stale.
func TestDocsAreCurrent(t *testing.T) {
	const file = "../../docs/checks.md"
	want := Markdown()
	if *update {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./internal/checks -update and commit it", file)
	}
}

var idShape = regexp.MustCompile(`^[A-Z]+(-[A-Z]+)+$`)

// Every entry is complete: a strictness decision names its source.
func TestCatalogEntries(t *testing.T) {
	for _, c := range Catalog {
		if !idShape.MatchString(c.ID) || c.Description == "" || c.Source == "" || c.Since == "" {
			t.Errorf("%+v: an entry needs an ID, a description, a source and a since", c)
		}
		switch c.Severity {
		case Must, Should, Info:
		default:
			t.Errorf("%s: severity %q", c.ID, c.Severity)
		}
		if c.Scope != ScopeMessage && c.Scope != ScopeExchange {
			t.Errorf("%s: scope %q", c.ID, c.Scope)
		}
		for _, a := range c.Allowances {
			if a.What == "" || a.Rule == "" {
				t.Errorf("%s: an allowance needs what and its rule: %+v", c.ID, a)
			}
		}
	}
}
