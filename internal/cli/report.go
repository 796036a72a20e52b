package cli

import (
	"fmt"
	"github.com/conform-dev/conform/internal/contracts"
	"io"
	"path/filepath"
	"sort"

	"github.com/conform-dev/conform/fixtures"
	"github.com/conform-dev/conform/internal/report"
)

// Report runs `conform report SUMMARY.json [--out DIR]`: the HTML (and
// JUnit) again from a summary.
func Report(summary, out string, o report.Output, stdout, stderr io.Writer) int {
	s, err := report.Load(summary)
	if err != nil {
		fmt.Fprintf(stderr, "conform report: %v\n", err)
		return ExitUsage
	}
	if out == "" {
		out = filepath.Dir(summary)
	}
	if err := report.WriteAll(out, s, o); err != nil {
		fmt.Fprintf(stderr, "conform report: cannot write %s: %v\n", out, err)
		return ExitInfra
	}
	fmt.Fprintf(stdout, "%s → %s\n%s\n", summary, filepath.Join(out, "report.html"), VerdictLine(s))
	return VerdictExit(s)
}

// Merge runs `conform report merge A.json B.json ... --out DIR`.
func Merge(files []string, out string, o report.Output, stdout, stderr io.Writer) int {
	if len(files) < 2 || out == "" {
		fmt.Fprintln(stderr, "conform report merge: want two or more summary.json files and --out DIR")
		return ExitUsage
	}
	var parts []*report.Summary
	for _, f := range files {
		s, err := report.Load(f)
		if err != nil {
			fmt.Fprintf(stderr, "conform report merge: %v\n", err)
			return ExitUsage
		}
		parts = append(parts, s)
	}
	s := report.Merge(parts...)
	if err := report.WriteAll(out, s, o); err != nil {
		fmt.Fprintf(stderr, "conform report merge: cannot write %s: %v\n", out, err)
		return ExitInfra
	}
	fmt.Fprintf(stdout, "%d runs, %d cases → %s\n%s\n", len(s.Runs), len(s.Cases), out, VerdictLine(s))
	return VerdictExit(s)
}

// CheckManifest compares the schemas and fixtures a previous certification
// used (its summary.json) with this binary's; it returns what differs.
func CheckManifest(path string, set *contracts.Set) ([]string, error) {
	s, err := report.Load(path)
	if err != nil {
		return nil, err
	}
	if len(s.Runs) == 0 {
		return nil, fmt.Errorf("%s has no run manifest", path)
	}
	want := s.Runs[0]
	have := map[string]string{}
	for k, v := range set.Hashes {
		have[k] = v
	}
	fix := map[string]string{}
	hashFS(fixtures.FS, "fixtures/", fix)
	for k, v := range fix { // every file the catalog reads: cases, safety, families
		have[k] = v
	}
	old := map[string]string{}
	for k, v := range want.Schemas {
		old[k] = v
	}
	for k, v := range want.Fixtures {
		old[k] = v
	}
	var diff []string
	for k, v := range old {
		switch h, ok := have[k]; {
		case !ok:
			diff = append(diff, k+": used then, absent now")
		case h != v:
			diff = append(diff, k+": changed")
		}
	}
	for k := range have {
		if _, ok := old[k]; !ok {
			diff = append(diff, k+": new since then")
		}
	}
	sort.Strings(diff)
	return diff, nil
}
