package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/conform-dev/conform/internal/report"
)

// Report runs `conform report SUMMARY.json [--out DIR]`: the HTML (and
// JUnit) again from a summary.
func Report(summary, out string, o report.Output, stdout io.Writer) error {
	s, err := report.Load(summary)
	if err != nil {
		return usageErr("%v", err)
	}
	if out == "" {
		out = filepath.Dir(summary)
	}
	if len(s.Parts) > 0 {
		// A fleet's index: its runs are read again, one at a time.
		if s, err = report.Refleet(summary, s, out); err != nil {
			return usageErr("%v", err)
		}
		if err := report.WriteFleet(out, s); err != nil {
			return infraErr("cannot write %s: %v", out, err)
		}
		fmt.Fprintf(stdout, "%s → %s\n%s\n", summary, filepath.Join(out, "report.html"), VerdictLine(s))
		return verdictOf(s)
	}
	if err := report.WriteAll(out, s, o); err != nil {
		return infraErr("cannot write %s: %v", out, err)
	}
	fmt.Fprintf(stdout, "%s → %s\n%s\n", summary, filepath.Join(out, "report.html"), VerdictLine(s))
	return verdictOf(s)
}

// summaryFiles expands merge's arguments: a file is itself, a glob pattern
// its matches, a folder every summary.json below it (up to four levels,
// leaving out --out's own); sorted, each once.
func summaryFiles(args []string, out string) ([]string, error) {
	seen := map[string]bool{}
	var files []string
	add := func(f string) {
		if abs, err := filepath.Abs(f); err == nil && !seen[abs] {
			seen[abs] = true
			files = append(files, f)
		}
	}
	outAbs, _ := filepath.Abs(out)
	for _, a := range args {
		matches := []string{a}
		if strings.ContainsAny(a, "*?[") {
			m, err := filepath.Glob(a)
			if err != nil || len(m) == 0 {
				return nil, fmt.Errorf("%s: matches no file", a)
			}
			matches = m
		}
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				return nil, err
			}
			if !st.IsDir() {
				add(m)
				continue
			}
			found := 0
			filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if d.IsDir() {
					if abs, _ := filepath.Abs(p); abs == outAbs || strings.Count(filepath.ToSlash(strings.TrimPrefix(p, m)), "/") > 4 {
						return filepath.SkipDir
					}
					return nil
				}
				if d.Name() == "summary.json" {
					add(p)
					found++
				}
				return nil
			})
			if found == 0 {
				return nil, fmt.Errorf("%s: no summary.json below it", m)
			}
		}
	}
	sort.Strings(files)
	return files, nil
}

// Merge runs `conform report merge A.json B.json ... --out DIR`.
func Merge(args []string, out string, o report.Output, stdout io.Writer) error {
	if len(args) == 0 || out == "" {
		return usageErr("want summary.json files, folders that hold them (a CI's downloaded artifacts, a volume of runs), or glob patterns, and --out DIR")
	}
	files, err := summaryFiles(args, out)
	if err != nil {
		return usageErr("%v", err)
	}
	// One run at a time: memory is bounded by the largest run, not by the
	// fleet. The result is an index of the runs' own summaries.
	b := report.NewFleet(out)
	cases := 0
	for _, f := range files {
		s, err := report.Load(f)
		if err != nil {
			return usageErr("%v", err)
		}
		if len(s.Parts) > 0 {
			return usageErr("%s is a fleet's index: merge the runs' own summaries", f)
		}
		cases += len(s.Cases)
		b.Add(f, s)
	}
	s := b.Index()
	if err := report.WriteFleet(out, s); err != nil {
		return infraErr("cannot write %s: %v", out, err)
	}
	fmt.Fprintf(stdout, "%d runs, %d cases → %s\n%s\n", len(s.Runs), cases, filepath.Join(out, "report.html"), VerdictLine(s))
	return verdictOf(s)
}

// CheckManifest compares the schemas and fixtures a previous certification
// used (its summary.json) with this run's (the set's schema hashes, the
// catalog's file hashes, as the manifest records them); it returns what
// differs.
func CheckManifest(path string, schemas, catalogFiles map[string]string) ([]string, error) {
	s, err := report.Load(path)
	if err != nil {
		return nil, err
	}
	if len(s.Runs) == 0 {
		return nil, fmt.Errorf("%s has no run manifest", path)
	}
	want := s.Runs[0]
	have := map[string]string{}
	for k, v := range schemas {
		have[k] = v
	}
	for k, v := range catalogFiles { // every file the catalog read: cases, safety, families
		have["fixtures/"+k] = v
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
