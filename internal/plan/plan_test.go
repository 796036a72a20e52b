package plan

import (
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/safety"
)

// One rule decides, at each tier, which case runs against an install and
// why another does not; every reason that points at the disposable tier
// says it may damage data.
func TestDecide(t *testing.T) {
	read := &fixture.Case{Safety: safety.ReadOnly}
	own := &fixture.Case{Safety: safety.Mutating, OwnData: true}
	sample := &fixture.Case{Safety: safety.Destructive, Generated: true}
	other := &fixture.Case{Safety: safety.Mutating}
	external := &fixture.Case{Safety: safety.External, Generated: true}
	mockOnly := &fixture.Case{Safety: safety.Destructive, OwnData: true, MockOnly: "it makes a login"}
	derived := &fixture.Case{Safety: safety.Destructive, Unreviewed: true}
	run := ""
	for _, tc := range []struct {
		name string
		c    *fixture.Case
		want map[safety.Tier]string // "" runs; else a part of the reason
	}{
		{"read-only", read, map[safety.Tier]string{safety.TierReadOnly: run, safety.TierOwnData: run, safety.TierDisposable: run}},
		{"own data", own, map[safety.Tier]string{safety.TierReadOnly: WhyOwnData, safety.TierOwnData: run, safety.TierDisposable: run}},
		{"sample writes", sample, map[safety.Tier]string{safety.TierReadOnly: WhySample, safety.TierOwnData: WhySample, safety.TierDisposable: run}},
		{"other writes", other, map[safety.Tier]string{safety.TierReadOnly: WhyWrites, safety.TierOwnData: WhyWrites, safety.TierDisposable: run}},
		{"external", external, map[safety.Tier]string{safety.TierReadOnly: WhyExternal, safety.TierOwnData: WhyExternal, safety.TierDisposable: WhyExternal}},
		{"mock only", mockOnly, map[safety.Tier]string{safety.TierReadOnly: "it makes a login", safety.TierOwnData: WhyMockOnly, safety.TierDisposable: run}},
		{"derived life cycle", derived, map[safety.Tier]string{safety.TierReadOnly: WhyDerived, safety.TierOwnData: WhyDerived, safety.TierDisposable: run}},
	} {
		for tier, want := range tc.want {
			got := Decide(tc.c, tier, true)
			if (want == "") != (got == "") || !strings.Contains(got, want) {
				t.Errorf("%s at %s: %q, want %q", tc.name, tier, got, want)
			}
			if strings.Contains(got, "--may-damage-install") && !strings.Contains(got, "may damage data") {
				t.Errorf("%s at %s advises the disposable tier without its warning: %q", tc.name, tier, got)
			}
		}
		// Against the embedded mock, everything runs.
		if got := Decide(tc.c, safety.TierReadOnly, false); got != "" {
			t.Errorf("%s against the mock: %q", tc.name, got)
		}
	}
}
