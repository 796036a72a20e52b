package safety_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/conform-dev/conform/fixtures"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/safety"
)

var update = flag.Bool("update", false, "write the operations a pinned agent's table lacks, classified by safety.Guess and marked for review")

// guessed marks an entry written by -update: the test fails until a person
// has reviewed it and removed the mark.
const guessed = "# guessed by name: review, then remove this mark"

// Every operation of every pinned agent has a reviewed entry, and every
// entry names an operation of the agent.
func TestEveryPinnedOperationIsReviewed(t *testing.T) {
	set, err := contracts.Default()
	if err != nil {
		t.Fatal(err)
	}
	tables, err := safety.Load(fixtures.FS, safety.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range set.Contracts() {
		file := filepath.Join("../../fixtures", safety.Dir, c.Service+".yaml")
		tab := tables.ByAgent[c.Service]
		var missing []string
		ops := map[string]bool{}
		for _, op := range c.Operations {
			ops[op.Name] = true
			if _, ok := tab.Class(op.Name); !ok {
				missing = append(missing, op.Name)
			}
		}
		if tab != nil {
			for op := range tab.Ops {
				if !ops[op] {
					t.Errorf("%s: %s is not an operation of %s (`conform ops %s` lists them)", file, op, c.Service, c.Service)
				}
			}
		}
		if len(missing) > 0 && *update {
			writeGuesses(t, file, c.Service, missing, tab == nil)
			continue
		}
		if len(missing) > 0 {
			t.Errorf("%s: no reviewed safety for %d operations of the pinned agent %s: %s (run `go test ./internal/safety -update` to add them, guessed, then review each)", file, len(missing), c.Service, strings.Join(missing, ", "))
		}
		data, _ := os.ReadFile(file)
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, guessed) {
				t.Errorf("%s:%d: not reviewed yet: %s", file, i+1, strings.TrimSpace(line))
			}
		}
	}
}

func writeGuesses(t *testing.T, file, agent string, ops []string, fresh bool) {
	sort.Strings(ops)
	var b strings.Builder
	if fresh {
		fmt.Fprintf(&b, "# The reviewed safety of every %s operation: what a call may do to an\n# install (read-only, mutating, destructive, external). A run's tier decides\n# from it which calls are sent (fixtures/README.md, \"Safety\").\nagent: %s\noperations:\n", agent, agent)
	} else {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	for _, op := range ops {
		fmt.Fprintf(&b, "  %s: %s  %s\n", op, safety.Guess(op), guessed)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d entries guessed; review them", file, len(ops))
}
