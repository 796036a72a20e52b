package validate_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the .want files from the current findings")

func mustValidator(t testing.TB) *validate.Validator {
	t.Helper()
	v, err := validate.Default()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Every *.xml under the folders sits beside a *.want file holding the
// exact output lines `conform validate` must print for it; an empty .want
// means the message must validate clean.
func TestGolden(t *testing.T) {
	v := mustValidator(t)
	for _, dir := range []string{"../../fixtures/docs", "testdata/cases"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		if len(files) == 0 {
			t.Fatalf("no fixtures in %s", dir)
		}
		for _, file := range files {
			t.Run(filepath.Base(file), func(t *testing.T) {
				data, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				target := validate.Target{}
				// A comment "<!-- conform: op=Agent.Operation dir=request -->" names the target.
				if op, dir, ok := targetComment(string(data)); ok {
					if target, err = v.ParseOp(op, dir); err != nil {
						t.Fatal(err)
					}
				}
				r := v.Validate(data, target)
				var got strings.Builder
				for _, f := range r.Findings {
					got.WriteString(soap.Printable(f.In(filepath.Base(file))) + "\n")
				}
				wantFile := strings.TrimSuffix(file, ".xml") + ".want"
				if *update {
					if err := os.WriteFile(wantFile, []byte(got.String()), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(wantFile)
				if err != nil {
					t.Fatalf("%s has no golden file: %v (run go test ./internal/validate -update, then review it)", file, err)
				}
				if got.String() != string(want) {
					t.Errorf("findings differ from %s\n--- got\n%s--- want\n%s", wantFile, got.String(), want)
				}
				wantFail := false
				for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
					if f := strings.Fields(line); len(f) > 1 && checks.Get(f[1]).Severity == checks.Must {
						wantFail = true
					}
				}
				if wantFail != r.Failed() {
					t.Errorf("Failed() = %v, but the golden file has MUST findings = %v", r.Failed(), wantFail)
				}
			})
		}
	}
}

func targetComment(s string) (op, dir string, ok bool) {
	const tag = "<!-- conform:"
	i := strings.Index(s, tag)
	if i < 0 {
		return "", "", false
	}
	rest := s[i+len(tag):]
	rest = rest[:strings.Index(rest, "-->")]
	for _, kv := range strings.Fields(rest) {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "op":
			op = v
		case "dir":
			dir = v
		}
	}
	return op, dir, true
}
