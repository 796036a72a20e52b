package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/conform-dev/conform/internal/netserver"
)

// A conform.yaml is input like any other: whatever it holds, loading and
// applying it ends with options or an error, and an error never repeats a
// credential-shaped value.
func FuzzConfig(f *testing.F) {
	for _, seed := range []string{
		"endpoint: https://a/x\nops: [User.GetAccessToken]\ntimeout: 5s\nparallel: 2\n",
		"agents: User\nagents: Contact\n",
		"label-filter: \"7T:abcdefgh\"\n",
		"timeout: [1s]\nops: {a: b}\n",
		"- x\n",
		"parallel: &a 1\nmax-transport-failures: *a\n",
		"endpoint: \"\"\nuser: ~\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "conform.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(p)
		if err == nil {
			err = c.Apply(newRunFlags().fs)
		}
		if err != nil && netserver.Redact(err.Error()) != err.Error() {
			t.Errorf("the error repeats a credential: %v", err)
		}
	})
}
