package contracts_test

import (
	"flag"
	"os"
	"testing"

	"github.com/conform-dev/conform/internal/contracts"
)

var update = flag.Bool("update", false, "rewrite schemas/sha256.txt")

// schemas/sha256.txt holds the hash of every embedded schema file, as the
// run manifests record them without hashing 16 MB at every start.
func TestSumsAreCurrent(t *testing.T) {
	want := contracts.Sums()
	if *update {
		if err := os.WriteFile("../../schemas/sha256.txt", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile("../../schemas/sha256.txt")
	if err != nil || string(got) != want {
		t.Fatalf("schemas/sha256.txt is stale: run go test ./internal/contracts -update (after schemas extract)")
	}
}

// Every pinned agent's schema model reads (they are read lazily).
func TestEveryModelReads(t *testing.T) {
	set, err := contracts.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range set.Contracts() {
		if _, err := set.ModelErr(c.Service); err != nil {
			t.Errorf("%s: %v", c.Service, err)
		}
	}
}
