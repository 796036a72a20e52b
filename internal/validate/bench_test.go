package validate_test

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/validate"
	"github.com/conform-dev/conform/schemas"
)

// BenchmarkCompile compiles the envelope and the User and SoPrincipal sets
// (target: the User set at most 50 ms).
func BenchmarkCompileUser(b *testing.B) {
	for b.Loop() {
		if _, err := validate.New(schemas.FS, []string{"User"}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchValidate(b *testing.B, file string) {
	v := mustValidator(b)
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	t := validate.Target{}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if r := v.Validate(data, t); len(r.Findings) != 0 {
			b.Fatalf("findings: %+v", r.Findings)
		}
	}
}

// Parse + validate of a response envelope (target: at most 50 µs on one core).
func BenchmarkValidateGetAccessTokenResponse(b *testing.B) {
	benchValidate(b, "../../fixtures/docs/GetAccessToken.response.fixed.xml")
}

func BenchmarkValidateGetExternalTokensResponse(b *testing.B) {
	benchValidate(b, "../../fixtures/docs/GetExternalTokens.response.fixed.xml")
}

// BenchmarkRSS100k runs 100,000 validations and reports resident memory
// after the first 10,000 and at the end (target: growth within 10%).
func BenchmarkRSS100k(b *testing.B) {
	v := mustValidator(b)
	data, err := os.ReadFile("../../fixtures/docs/GetExternalTokens.response.fixed.xml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var warm int64
		for i := range 100_000 {
			if i == 10_000 {
				runtime.GC()
				warm = rss(b)
			}
			v.Validate(data, validate.Target{})
		}
		runtime.GC()
		end := rss(b)
		b.ReportMetric(float64(warm)/(1<<20), "MiB-rss-at-10k")
		b.ReportMetric(float64(end)/(1<<20), "MiB-rss-at-100k")
		b.ReportMetric(100*float64(end-warm)/float64(warm), "%growth")
	}
}

func rss(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Skip("no /proc/self/statm")
	}
	f := strings.Fields(string(data))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
