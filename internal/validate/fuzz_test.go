package validate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/validate"
)

// FuzzValidate: any bytes validate without a panic, into findings of
// catalog checks only.
func FuzzValidate(f *testing.F) {
	for _, dir := range []string{"testdata/cases", "../../fixtures/docs"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("</a>"))
	f.Add([]byte("<a xmlns:a='x' a:b='1' a:b='2'/>"))
	f.Add([]byte("\xff\xfe<\x00?\x00"))
	v := mustValidator(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := v.Validate(data, validate.Target{})
		for _, fd := range r.Findings {
			if _, ok := checks.Lookup(fd.Check); !ok {
				t.Fatalf("finding of an unknown check %q", fd.Check)
			}
		}
	})
}
