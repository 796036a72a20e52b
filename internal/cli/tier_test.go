package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/cli"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/plan"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/safety"
)

// recording is a mock, used as a live endpoint, that logs every call that
// writes, with the identifiers it names and makes.
type recording struct {
	m      *mock.Mock
	srv    *httptest.Server
	mu     sync.Mutex
	writes []mock.Write
}

func newRecording(t *testing.T, wrap func(http.Handler) http.Handler) *recording {
	r := &recording{}
	r.m = mock.MustNew(mock.Options{OnWrite: func(w mock.Write) {
		r.mu.Lock()
		r.writes = append(r.writes, w)
		r.mu.Unlock()
	}})
	var h http.Handler = r.m
	if wrap != nil {
		h = wrap(h)
	}
	r.srv = httptest.NewServer(h)
	t.Cleanup(r.srv.Close)
	return r
}

func liveOptions(endpoint, reports string) cli.RunOptions {
	return cli.RunOptions{Endpoint: endpoint, EndpointGiven: true, User: mock.DefaultUser, Password: mock.DefaultPassword,
		Timeout: 5 * time.Second, Reports: reports, MaxTransportFailures: 3, Quiet: true}
}

func tierOptions(o cli.RunOptions, tier safety.Tier) cli.RunOptions {
	o.AllowMutations = tier == safety.TierOwnData
	o.MayDamageInstall = tier == safety.TierDisposable
	return o
}

func planOf(t *testing.T, o cli.RunOptions) plan.JSON {
	t.Helper()
	o.Plan, o.PlanJSON = true, true
	var out, errs bytes.Buffer
	if err := cli.Run(context.Background(), o, &out, &errs); err != nil {
		t.Fatalf("--plan: %v: %s", err, errs.String())
	}
	var p plan.JSON
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatalf("--plan --json: %v\n%s", err, out.String())
	}
	return p
}

func summaryOf(t *testing.T, dir string) *report.Summary {
	t.Helper()
	s, err := report.Load(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A full run at each tier against a mock that records every writing call:
// read-only writes nothing; own data writes only to what the same run
// created, and leaves the store as it found it but for the documented
// leftovers; the disposable tier sends the sample-data writes too. No tier
// sends a call that acts outside the install. The plan, made first, counts
// at least the writing calls the run then makes.
func TestTiersWriteOnlyWhatTheyMay(t *testing.T) {
	for _, tier := range safety.Tiers {
		t.Run(string(tier), func(t *testing.T) {
			rec := newRecording(t, nil)
			dir := t.TempDir()
			o := tierOptions(liveOptions(rec.srv.URL, dir), tier)
			p := planOf(t, o)
			if len(rec.writes) != 0 {
				t.Fatalf("--plan sent %d writing calls", len(rec.writes))
			}
			var out, errs bytes.Buffer
			err := cli.Run(context.Background(), o, &out, &errs)
			if err != nil {
				t.Fatalf("%v\n%s\n%s", err, out.String(), errs.String())
			}
			if !strings.Contains(out.String(), "tier: "+string(tier)+" ("+tier.How()+")") {
				t.Errorf("the run does not state its tier first:\n%s", out.String())
			}
			if len(rec.writes) > p.WritingCalls {
				t.Errorf("%d writing calls, the plan said at most %d", len(rec.writes), p.WritingCalls)
			}
			sum := summaryOf(t, dir)
			if sum.Runs[0].Tier != string(tier) {
				t.Errorf("the manifest says tier %q", sum.Runs[0].Tier)
			}
			created := map[string]bool{}
			ops := map[string]int{}
			for _, w := range rec.writes {
				ops[w.Operation]++
				if w.Safety == safety.External {
					t.Errorf("%s (external) was sent at tier %s", w.Operation, tier)
				}
				if tier == safety.TierOwnData {
					for _, id := range w.Targets {
						if !created[id] {
							t.Errorf("own data: %s named %s, which the run did not create (created so far: %v)", w.Operation, id, created)
						}
					}
				}
				for _, id := range w.Created {
					created[id] = true
				}
			}
			switch tier {
			case safety.TierReadOnly:
				if len(rec.writes) != 0 {
					t.Errorf("read-only: %d writing calls: %v", len(rec.writes), ops)
				}
			case safety.TierOwnData:
				// The life cycles of the reviewed families (save, change,
				// delete) and the token round trips; not User's nor
				// CustomObject's (reviewed as not for an install).
				for op, n := range map[string]int{"User.SaveRoleEntity": 2, "User.DeleteRole": 1, "User.SaveServiceAuth": 2, "User.DeleteServiceAuth": 1,
					"User.SaveUserGroup": 2, "User.DeleteUserGroup": 1, "User.SaveExternalTokens": 4, "User.SaveUser": 0, "CustomObject.SaveCustomObject": 0} {
					if ops[op] != n {
						t.Errorf("own data: %s was sent %d times, want %d: %v", op, ops[op], n, ops)
					}
				}
				if roles := rec.m.Keys("User.RoleEntity"); len(roles) != 1 || roles[0] != "1" {
					t.Errorf("own data: the roles are %v; the store held role 1 before the run, and must hold just it after", roles)
				}
				// The token sets are the documented leftovers: no operation
				// deletes them, and the ledger says so.
				_, removed, left := sum.Ledger()
				if len(removed) != 3 || len(left) != 5 {
					t.Errorf("ledger: removed %v, left %v", removed, left)
				}
				for _, r := range left {
					if r.What != "external token set" || !strings.Contains(r.Note, "no operation that deletes") || !strings.Contains(r.Note, "conform-"+sum.Runs[0].RunID) {
						t.Errorf("left without the reason and the run's name: %+v", r)
					}
				}
			case safety.TierDisposable:
				if ops["User.SetPassword"] != 1 || ops["User.DeleteUser"] < 1 {
					t.Errorf("disposable: the generated destructive cases did not run: %v", ops)
				}
			}
		})
	}
}

// Ctrl-C in the middle of an own-data run: the role the life cycle had
// created is still deleted, the ledger file says so, and the run reports
// itself interrupted.
func TestInterruptedRunStillCleansUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := newRecording(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(strings.Trim(r.Header.Get("SOAPAction"), `"`), "/GetRoleEntity") {
				cancel() // Ctrl-C, after the role was made and its id answered
			}
			h.ServeHTTP(w, r)
		})
	})
	dir := t.TempDir()
	o := tierOptions(liveOptions(rec.srv.URL, dir), safety.TierOwnData)
	o.Ops = "User.SaveRoleEntity"
	o.LabelFilter = "lifecycle"
	var out, errs bytes.Buffer
	err := cli.Run(ctx, o, &out, &errs)
	if v := new(cli.Verdict); !errors.As(err, &v) || v.Status != report.Incomplete || v.ErrorCases == 0 {
		t.Errorf("%v, want an incomplete verdict with cases in error (interrupted)\n%s\n%s", err, out.String(), errs.String())
	}
	if roles := rec.m.Keys("User.RoleEntity"); len(roles) != 1 || roles[0] != "1" {
		t.Errorf("roles %v after Ctrl-C; want only the role the store began with", roles)
	}
	var ops []string
	for _, w := range rec.writes {
		ops = append(ops, w.Operation)
	}
	if strings.Join(ops, ",") != "User.SaveRoleEntity,User.DeleteRole" {
		t.Errorf("writes %v, want the save and the clean-up's delete", ops)
	}
	_, removed, _ := summaryOf(t, dir).Ledger()
	if len(removed) != 1 || !strings.Contains(removed[0].Note, "clean-up") {
		t.Errorf("the report's ledger: %+v", removed)
	}
	data, err := os.ReadFile(filepath.Join(dir, cli.LedgerFile))
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r results.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		states = append(states, r.State)
	}
	if strings.Join(states, ",") != "created,removed" {
		t.Errorf("ledger.jsonl states %v, want created then removed", states)
	}
}

// --plan sends nothing: not a byte reaches the endpoint, and it needs no
// credentials.
func TestPlanSendsNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	reports := filepath.Join(t.TempDir(), "reports")
	for _, tier := range safety.Tiers {
		o := tierOptions(cli.RunOptions{Endpoint: "http://" + ln.Addr().String(), EndpointGiven: true, Timeout: time.Second, Reports: reports}, tier)
		o.Plan = true
		var out, errs bytes.Buffer
		if err := cli.Run(context.Background(), o, &out, &errs); err != nil {
			t.Fatalf("%s: %v: %s", tier, err, errs.String())
		}
		if !strings.HasPrefix(out.String(), "plan (nothing is sent): tier: "+string(tier)) || !strings.Contains(out.String(), "\nUser: ") {
			t.Errorf("%s: plan:\n%.400s", tier, out.String())
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := conns.Load(); n != 0 {
		t.Errorf("--plan opened %d connections", n)
	}
	if _, err := os.Stat(reports); !os.IsNotExist(err) {
		t.Errorf("--plan wrote its reports folder: %v", err)
	}
}

// The plan of the whole catalog, as a benchmark (target: under 1 s).
func BenchmarkPlan(b *testing.B) {
	for i := 0; i < b.N; i++ {
		o := cli.RunOptions{Endpoint: "http://127.0.0.1:9", EndpointGiven: true, Timeout: time.Second, Plan: true, AllowMutations: true}
		var out bytes.Buffer
		if err := cli.Run(context.Background(), o, &out, &out); err != nil {
			b.Fatal(err, out.String())
		}
	}
}

// --agents all against an install means every agent of Services88: the
// pinned ones, and the others from the install's WSDL; one the install
// does not serve (the mock serves the 57 pinned, not Archive or Ticket) is
// reported as not hosted, not as a failure.
func TestAgentsAllAgainstAnInstall(t *testing.T) {
	rec := newRecording(t, nil)
	dir := t.TempDir()
	o := liveOptions(rec.srv.URL, dir)
	o.Agents = "all"
	var out bytes.Buffer
	err := cli.Run(context.Background(), o, &out, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "not hosted by the install (HTTP 404 for their WSDL), so not tested: Archive, Ticket") {
		t.Errorf("the not-hosted agents are not named:\n%.2000s", out.String())
	}
	sum := summaryOf(t, dir)
	if strings.Join(sum.Runs[0].NotHosted, ",") != "Archive,Ticket" {
		t.Errorf("manifest notHosted %v", sum.Runs[0].NotHosted)
	}
	agents := map[string]bool{}
	for _, c := range sum.Cases {
		a, _, _ := strings.Cut(c.Operation, ".")
		agents[a] = true
	}
	if len(agents) != 57 {
		t.Errorf("cases of %d agents, want the 57 the install hosts", len(agents))
	}
}

// A run sharded four ways, merged, reports exactly the cases, the checks
// and the verdict of the run in one piece; every case is in one shard.
func TestShardsMergeToTheWholeRun(t *testing.T) {
	whole := t.TempDir()
	o := cli.RunOptions{Timeout: 10 * time.Second, Reports: whole, Quiet: true, Agents: "User,SoPrincipal,CustomObject"}
	var out bytes.Buffer
	if err := cli.Run(context.Background(), o, &out, &out); err != nil {
		t.Fatalf("whole run: %v\n%s", err, out.String())
	}
	var parts []*report.Summary
	seen := map[string]int{}
	for k := 1; k <= 4; k++ {
		dir := t.TempDir()
		o.Reports, o.Shard = dir, fmt.Sprintf("%d/4", k)
		out.Reset()
		if err := cli.Run(context.Background(), o, &out, &out); err != nil {
			t.Fatalf("shard %d/4: %v\n%s", k, err, out.String())
		}
		s := summaryOf(t, dir)
		if s.Runs[0].Options.Shard != o.Shard {
			t.Errorf("the manifest says shard %q", s.Runs[0].Options.Shard)
		}
		for _, c := range s.Cases {
			seen[c.Operation+" "+c.Name]++
		}
		parts = append(parts, s)
	}
	merged := report.Merge(parts...)
	w := summaryOf(t, whole)
	key := func(s *report.Summary) []string {
		var out []string
		for _, c := range s.Cases {
			out = append(out, c.Operation+" "+c.Name+" "+c.Outcome)
		}
		sort.Strings(out)
		return out
	}
	if !reflect.DeepEqual(key(merged), key(w)) {
		t.Errorf("the merged shards' cases differ from the whole run's: %d vs %d", len(merged.Cases), len(w.Cases))
	}
	for c, n := range seen {
		if n != 1 {
			t.Errorf("%s is in %d shards", c, n)
		}
	}
	if !reflect.DeepEqual(merged.Totals, w.Totals) || merged.Verdict.Status != w.Verdict.Status {
		t.Errorf("totals %v / %v, verdict %s / %s", merged.Totals, w.Totals, merged.Verdict.Status, w.Verdict.Status)
	}
	// Balanced: no shard has more than a quarter and one of the cases, but
	// for the exclusive ones kept together.
	for i, p := range parts {
		if len(p.Cases) > len(w.Cases)/4+2 {
			t.Errorf("shard %d has %d of %d cases", i+1, len(p.Cases), len(w.Cases))
		}
	}
}
