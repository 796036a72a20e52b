package prepare

import (
	"strings"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/safety"
)

// A prepared run against the embedded mock generates the cases of the
// agents asked for only, and its engine answers the mock's login.
func TestNewAgainstTheMock(t *testing.T) {
	set, err := contracts.Default()
	if err != nil {
		t.Fatal(err)
	}
	endpoint, stop, err := Mock(set)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	run, err := New(Options{Set: set, Endpoint: endpoint, Tier: safety.TierReadOnly, Timeout: 5 * time.Second, RunID: "0000abcd", Agents: []string{"SoPrincipal"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Catalog.Cases) == 0 {
		t.Fatal("no case")
	}
	for _, c := range run.Catalog.Cases {
		if !strings.HasPrefix(c.Operation, "SoPrincipal.") && !strings.HasPrefix(c.Operation, "User.") {
			t.Errorf("case %s %s: generated for an agent not asked for", c.Operation, c.Name)
		}
	}
	if err := run.Engine.Authenticate(t.Context(), mock.DefaultUser, mock.DefaultPassword); err != nil {
		t.Errorf("login at the mock: %v", err)
	}
}

// The manifest is the same for every producer: no user information in
// the endpoint, the tier of a live run, the mock's own, and no fixtures
// for a client report (no catalog).
func TestManifest(t *testing.T) {
	set, err := contracts.Default()
	if err != nil {
		t.Fatal(err)
	}
	m := Manifest(ManifestOptions{Endpoint: "https://u:p@host/Cust1", Ops: []string{" User.GetAccessToken ", ""}, AllowMutations: true, Timeout: time.Second}, true, time.Unix(0, 0), nil, set)
	if strings.Contains(m.Endpoint, "u:p") || m.Endpoint != "https://host/Cust1" {
		t.Errorf("endpoint %q", m.Endpoint)
	}
	if m.Target != report.TargetLive || m.Tier != string(safety.TierOwnData) || len(m.Fixtures) != 0 || len(m.Schemas) == 0 {
		t.Errorf("target %q tier %q fixtures %d schemas %d", m.Target, m.Tier, len(m.Fixtures), len(m.Schemas))
	}
	if len(m.Options.Ops) != 1 || m.Options.Ops[0] != "User.GetAccessToken" || m.Options.Timeout != "1s" {
		t.Errorf("options %+v", m.Options)
	}
	if m := Manifest(ManifestOptions{}, false, time.Unix(0, 0), nil, set); m.Target != report.TargetMock || m.Tier != report.TierMock {
		t.Errorf("a mock run: target %q tier %q", m.Target, m.Tier)
	}
	if m.SuiteVersion == "" || m.Commit == "" {
		t.Errorf("version %q commit %q", m.SuiteVersion, m.Commit)
	}
}
