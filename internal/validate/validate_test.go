package validate_test

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/validate"
)

// countingReader counts what was read and never ends.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	c.n += int64(len(p))
	return len(p), nil
}

// A larger input is refused without being read whole.
func TestOversizeIsNotReadWhole(t *testing.T) {
	v := *mustValidator(t)
	v.MaxSize = 1 << 20
	rd := &countingReader{}
	r, err := v.ValidateReader(io.Reader(rd), validate.Target{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || r.Findings[0].Check != checks.XMLSize {
		t.Fatalf("findings %+v", r.Findings)
	}
	if rd.n > v.MaxSize+64<<10 {
		t.Errorf("read %d bytes for a limit of %d", rd.n, v.MaxSize)
	}
}

// Every finding names a check of the catalog, and every check has its
// description, severity and source.
func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range checks.Catalog {
		if seen[c.ID] {
			t.Errorf("duplicate %s", c.ID)
		}
		seen[c.ID] = true
		if c.Description == "" || c.Source == "" || !strings.HasSuffix(c.Description, ".") {
			t.Errorf("%s: description and source must be one full sentence and a source", c.ID)
		}
		switch c.Severity {
		case checks.Must, checks.Should, checks.Info:
		default:
			t.Errorf("%s: severity %q", c.ID, c.Severity)
		}
	}
}

func TestParseOp(t *testing.T) {
	v := mustValidator(t)
	for _, tc := range []struct{ op, dir, want, err string }{
		{"User.GetAccessToken", "request", "User.GetAccessToken request", ""},
		{"GetExternalTokens", "", "User.GetExternalTokens", ""},
		{"SoPrincipal.AuthenticateUsernamePassword", "response", "SoPrincipal.AuthenticateUsernamePassword response", ""},
		{"User.Nope", "", "", "no such operation"},
		{"Nope.GetAccessToken", "", "", "no such operation"},
		{"User.GetAccessToken", "up", "", "want request or response"},
	} {
		got, err := v.ParseOp(tc.op, tc.dir)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseOp(%q,%q) error %v, want %q", tc.op, tc.dir, err, tc.err)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("ParseOp(%q,%q) = %q, %v", tc.op, tc.dir, got, err)
		}
	}
}

// Inference: without a target, the operation and direction come from the
// Body element.
func TestInferTarget(t *testing.T) {
	v := mustValidator(t)
	data, err := os.ReadFile("../../fixtures/docs/GetExternalTokens.response.fixed.xml")
	if err != nil {
		t.Fatal(err)
	}
	r := v.Validate(data, validate.Target{})
	if r.Target.String() != "User.GetExternalTokens response" || len(r.Findings) != 0 {
		t.Errorf("target %s, findings %+v", r.Target, r.Findings)
	}
}

// Every pinned contract's schema set compiles (they compile lazily, on a
// service's first message).
func TestEveryPinnedSetCompiles(t *testing.T) {
	v, err := validate.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := v.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
