package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// maxSummary bounds a summary.json read from disk (256 MiB).
const maxSummary = 256 << 20

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
	if s.Version != Version {
		return nil, fmt.Errorf("%s: summary version %d; this conform reads version %d", path, s.Version, Version)
	}
	for i, c := range s.Cases {
		if c.Run < 0 || c.Run >= len(s.Runs) {
			return nil, fmt.Errorf("%s: case %d (%s %s) names run %d of %d", path, i, c.Operation, c.Name, c.Run, len(s.Runs))
		}
	}
	return &s, nil
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
