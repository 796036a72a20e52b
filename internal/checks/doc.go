package checks

import (
	"bytes"
	"fmt"
	"strings"
)

// Markdown renders the catalog as docs/checks.md: every check with its
// severity, scope, since, source and allowances. The file is generated
// (go test ./internal/checks -update) and a test fails when it is stale.
func Markdown() []byte {
	var b bytes.Buffer
	b.WriteString("# conform's checks\n\n")
	b.WriteString("Generated from `internal/checks/catalog.go` by `go test ./internal/checks -update`; do not edit.\n\n")
	b.WriteString("Severity: **MUST** fails a run (exit 1), **SHOULD** warns, **INFO** informs. Scope: `message` checks look at one message by itself (`conform validate`, the mock, every response); `exchange` checks look at an HTTP exchange and a case's expectations (`conform run`). An allowance is what a check lets through on purpose, with the rule that allows it.\n\n")
	b.WriteString("| ID | severity | scope | since | what it checks | source |\n|---|---|---|---|---|---|\n")
	for _, c := range Catalog {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", c.ID, c.Severity, c.Scope, c.Since, cell(c.Description), cell(c.Source))
	}
	b.WriteString("\n## Allowances\n")
	for _, c := range Catalog {
		if len(c.Allowances) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### `%s`\n\n", c.ID)
		for _, a := range c.Allowances {
			fmt.Fprintf(&b, "- %s: %s\n", a.What, a.Rule)
		}
	}
	return b.Bytes()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
