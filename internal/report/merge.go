package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxSummary bounds a summary.json read back (a run of every Services88
// operation writes a few MB; decoding costs several times the input).
const maxSummary = 32 << 20

// Load reads a summary.json, checking its format and version.
func Load(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSummary+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxSummary {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxSummary)
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: not a conform summary: %v", path, err)
	}
	if s.Format != Format {
		return nil, fmt.Errorf("%s: format %q, not %q (is it a summary.json written by conform run?)", path, s.Format, Format)
	}
	if s.Version < 1 || s.Version > Version {
		return nil, fmt.Errorf("%s: summary version %d; this conform reads versions 1 to %d", path, s.Version, Version)
	}
	if len(s.Runs) == 0 {
		return nil, fmt.Errorf("%s: has no run manifest (\"runs\" is empty); it was not written by conform run", path)
	}
	if len(s.Parts) > 0 {
		// An index: its parts are read when it is rendered (Refleet); its
		// aggregates are not taken on its word.
		if len(s.Cases) > 0 {
			return nil, fmt.Errorf("%s: an index holds parts, not cases", path)
		}
		for _, p := range s.Parts {
			if filepath.IsAbs(p) || !strings.HasSuffix(p, "summary.json") || strings.ContainsAny(p, "\x00\n\r") {
				return nil, fmt.Errorf("%s: the part %q is not a relative path to a summary.json", path, p)
			}
		}
		s.Fleet = nil
		return &s, nil
	}
	for i, c := range s.Cases {
		if c.Run < 0 || c.Run >= len(s.Runs) {
			return nil, fmt.Errorf("%s: case %d (%s %s) names run %d of %d", path, i, c.Operation, c.Name, c.Run, len(s.Runs))
		}
	}
	// A summary is input like any other: its totals and verdict are
	// computed again from its cases, never taken on its word, and its
	// evidence paths must stay inside an evidence folder beside it.
	base, _ := filepath.Abs(filepath.Dir(path))
	for i := range s.Cases {
		for j := range s.Cases[i].Steps {
			st := &s.Cases[i].Steps[j]
			kept := st.Evidence[:0]
			for _, e := range st.Evidence {
				if !safeEvidence(base, e) {
					continue
				}
				// In memory, evidence paths are absolute: version 2 paths
				// are relative to the summary's folder, version 1 ones to
				// the working directory of the run.
				if !filepath.IsAbs(e) {
					if s.Version == 1 {
						e, _ = filepath.Abs(e)
					} else {
						e = filepath.Join(base, filepath.FromSlash(e))
					}
				}
				kept = append(kept, e)
			}
			st.Evidence = kept
		}
	}
	s.Version = Version
	s.Finish()
	return &s, nil
}

// safeEvidence: a path with no "..", inside an "evidence" folder, and, when
// absolute, below the summary's own folder.
func safeEvidence(base, p string) bool {
	c := filepath.Clean(p)
	parts := strings.Split(filepath.ToSlash(c), "/")
	inEvidence := false
	for i, part := range parts {
		if part == ".." {
			return false
		}
		if part == "evidence" && i < len(parts)-1 {
			inEvidence = true
		}
	}
	if !inEvidence || strings.ContainsAny(p, "\x00\n\r|]") {
		return false
	}
	if filepath.IsAbs(c) {
		rel, err := filepath.Rel(base, c)
		return err == nil && !strings.HasPrefix(rel, "..")
	}
	return true
}

// Merge joins summaries (runs against several installs, or one run split
// by labels across CI jobs) into one: their runs side by side, their cases
// after one another, totals and verdict computed anew.
func Merge(parts ...*Summary) *Summary {
	out := &Summary{Format: Format, Version: Version, Strictness: Strictness()}
	for _, p := range parts {
		base := len(out.Runs)
		out.Runs = append(out.Runs, p.Runs...)
		for _, c := range p.Cases {
			c.Run += base
			out.Cases = append(out.Cases, c)
		}
	}
	out.Finish()
	return out
}
