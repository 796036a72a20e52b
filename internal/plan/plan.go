// Package plan decides what a run sends before it sends anything: which of
// the selected cases run at the run's tier, why each other one does not, and
// how many calls may write. `conform run --plan` prints it (text or JSON),
// `conform run` and the Ginkgo suite skip by it, and the reports carry its
// reasons. The decision is one function, Decide, so the three cannot drift
// apart.
package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/safety"
)

// Skip reasons. Each names the tier that would run the case, and says so
// when that tier may damage data.
const (
	WhyExternal = "it acts outside the install (e-mail, a command, another service): conform never sends it to a live endpoint (the embedded mock serves it)"
	WhyOwnData  = "it writes only to records it creates: runs at the own-data tier (--allow-mutations), which deletes them at the end"
	WhySample   = "its sample identifiers may name existing records (id 1 is often the administrator): runs only at the disposable-install tier (--may-damage-install, for a throwaway install: it may damage data)"
	WhyWrites   = "it writes to records it did not create: runs only at the disposable-install tier (--may-damage-install, for a throwaway install: it may damage data)"
	WhyMockOnly = "runs only against the embedded mock and at the disposable-install tier (--may-damage-install, for a throwaway install: it may damage data): "
	WhyDerived  = "its life cycle was derived from a contract no person reviewed (no fixtures/families table): runs only at the disposable-install tier (--may-damage-install, for a throwaway install: it may damage data)"
)

// Decide says why a case is not run at a tier ("" to run it). Against the
// embedded mock (live false) every case runs: the mock is conform's own,
// made for the run.
func Decide(c *fixture.Case, tier safety.Tier, live bool) string {
	switch {
	case !live || c.Safety == safety.ReadOnly:
		return ""
	case c.Safety == safety.External:
		return "external case: " + WhyExternal
	case tier == safety.TierDisposable:
		return ""
	case c.MockOnly != "":
		return string(c.Safety) + " life cycle: " + WhyMockOnly + c.MockOnly
	case c.Unreviewed:
		return string(c.Safety) + " life cycle: " + WhyDerived
	case c.OwnData && tier == safety.TierOwnData:
		return ""
	case c.OwnData:
		return string(c.Safety) + " case: " + WhyOwnData
	case c.Generated:
		return string(c.Safety) + " generated request: " + WhySample
	}
	return string(c.Safety) + " case: " + WhyWrites
}

// Labels are the labels --label-filter matches a case by: its agent,
// Agent.Operation, safety class, "own-data" when it is, and the catalog's
// labels.
func Labels(c *fixture.Case) []string {
	agent, _, _ := strings.Cut(c.Operation, ".")
	out := []string{agent, c.Operation, string(c.Safety)}
	if c.OwnData && c.Safety.Writes() {
		out = append(out, "own-data")
	}
	return append(out, c.Labels...)
}

// Selection picks cases from the catalog (nil or empty: no restriction).
type Selection struct {
	Ops    map[string]bool            // Agent.Operation
	Agents map[string]bool            // agent names; nil: every one
	Match  func(labels []string) bool // a label filter
	Shard  Shard                      // a share of the selected cases; zero: all
}

// Shard is share K of N (1 ≤ K ≤ N) of a run's selected cases, for a
// scheduler that runs N jobs (a CI matrix, a Kubernetes Indexed Job).
type Shard struct{ K, N int }

// ParseShard reads "K/N".
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if s == "" {
		return sh, nil
	}
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.K, &sh.N); err != nil || sh.N < 1 || sh.K < 1 || sh.K > sh.N || fmt.Sprintf("%d/%d", sh.K, sh.N) != s {
		return Shard{}, fmt.Errorf("shard %q: want K/N with 1 ≤ K ≤ N, such as 2/4 (the share of job K of N)", s)
	}
	return sh, nil
}

func (s Shard) String() string {
	if s.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// shardOf deals the selected cases to N shards, the same way for every job
// (it depends on the catalog and the selection only): the exclusive cases
// (which run alone) all in one shard, the others each to the shard with
// the fewest cases so far, so that shards differ by one case at most where
// the exclusive ones allow. It returns each case's shard, 1-based.
func shardOf(cases []*fixture.Case, n int) []int {
	out := make([]int, len(cases))
	count := make([]int, n+1)
	least := func() int {
		k := 1
		for i := 2; i <= n; i++ {
			if count[i] < count[k] {
				k = i
			}
		}
		return k
	}
	excl := 0
	for _, c := range cases {
		if c.Exclusive {
			excl++
		}
	}
	if excl > 0 {
		k := least()
		for i, c := range cases {
			if c.Exclusive {
				out[i] = k
			}
		}
		count[k] += excl
	}
	for i, c := range cases {
		if !c.Exclusive {
			k := least()
			out[i] = k
			count[k]++
		}
	}
	return out
}

func (s Selection) picks(c *fixture.Case) bool {
	agent, _, _ := strings.Cut(c.Operation, ".")
	return (len(s.Ops) == 0 || s.Ops[c.Operation]) && (len(s.Agents) == 0 || s.Agents[agent]) && (s.Match == nil || s.Match(Labels(c)))
}

// Entry is one selected case and what the run does with it.
type Entry struct {
	Case *fixture.Case
	Skip string // why it does not run; "" when it runs
}

// Plan is what a run will send.
type Plan struct {
	Tier    safety.Tier
	Live    bool
	Entries []Entry
	// Unplanned are agents whose contract comes from the install at run
	// time: their cases are not known until it is fetched.
	Unplanned []string
	// Shard is the share of the selected cases this run takes (zero: all).
	Shard Shard
}

// Make selects cases from the catalog and decides each.
func Make(cat *fixture.Catalog, sel Selection, tier safety.Tier, live bool) *Plan {
	p := &Plan{Tier: tier, Live: live, Shard: sel.Shard}
	var picked []*fixture.Case
	for _, c := range cat.Cases {
		if sel.picks(c) {
			picked = append(picked, c)
		}
	}
	var shard []int
	if sel.Shard.N > 1 {
		shard = shardOf(picked, sel.Shard.N)
	}
	for i, c := range picked {
		if shard != nil && shard[i] != sel.Shard.K {
			continue
		}
		p.Entries = append(p.Entries, Entry{Case: c, Skip: Decide(c, tier, live)})
	}
	return p
}

// Agents are the agents of the cases that run, sorted.
func (p *Plan) Agents() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range p.Entries {
		agent, _, _ := strings.Cut(e.Case.Operation, ".")
		if e.Skip == "" && !seen[agent] {
			seen[agent] = true
			out = append(out, agent)
		}
	}
	sort.Strings(out)
	return out
}

// Cases are the selected cases, in catalog order.
func (p *Plan) Cases() []*fixture.Case {
	out := make([]*fixture.Case, len(p.Entries))
	for i, e := range p.Entries {
		out[i] = e.Case
	}
	return out
}

// Skip is the skip reason of a selected case (for the engine's RunAll).
func (p *Plan) Skip(c *fixture.Case) string { return Decide(c, p.Tier, p.Live) }

// Counts are how many selected cases run, how many of them write, and how
// many calls that may write (creating, changing, deleting, cleaning up)
// the running cases may make.
func (p *Plan) Counts() (run, writing, calls int) {
	for _, e := range p.Entries {
		if e.Skip != "" {
			continue
		}
		run++
		if n := e.Case.Writes(); n > 0 {
			writing++
			calls += n
		}
	}
	return
}

// Headline is the first line of a run or a plan: the tier, what it means,
// and the writing calls it may make.
func (p *Plan) Headline() string {
	run, writing, calls := p.Counts()
	share := ""
	if p.Shard.N > 1 {
		share = fmt.Sprintf(" (shard %s of the selected cases)", p.Shard)
	}
	if !p.Live {
		return fmt.Sprintf("tier: every case%s (the embedded mock is conform's own, made for this run): %d cases, %d of which write (%d writing calls)", share, run, writing, calls)
	}
	return fmt.Sprintf("tier: %s (%s): %s; %d of %d selected cases%s run, %d of them write (at most %d writing calls)",
		p.Tier, p.Tier.How(), p.Tier.Meaning(), run, len(p.Entries), share, writing, calls)
}

// JSON is the plan for machines (`conform run --plan --json`).
type JSON struct {
	Tier         string      `json:"tier"`
	Live         bool        `json:"live"`
	Meaning      string      `json:"meaning"`
	Cases        int         `json:"cases"`
	Run          int         `json:"run"`
	Skipped      int         `json:"skipped"`
	WritingCases int         `json:"writingCases"`
	WritingCalls int         `json:"writingCalls"`
	Agents       []AgentJSON `json:"agents"`
	Unplanned    []string    `json:"unplanned,omitempty"`
}

// AgentJSON is one agent's cases.
type AgentJSON struct {
	Agent   string     `json:"agent"`
	Run     int        `json:"run"`
	Skipped int        `json:"skipped"`
	Cases   []CaseJSON `json:"cases"`
}

// CaseJSON is one case of the plan.
type CaseJSON struct {
	Operation  string     `json:"operation"`
	Name       string     `json:"name"`
	Safety     string     `json:"safety"`
	OwnData    bool       `json:"ownData"`
	Generated  bool       `json:"generated"`
	Run        bool       `json:"run"`
	SkipReason string     `json:"skipReason,omitempty"`
	Calls      []CallJSON `json:"calls"`
}

// CallJSON is one call of a case.
type CallJSON struct {
	Step     string `json:"step"`
	Call     string `json:"call"`
	Safety   string `json:"safety"`
	Reviewed bool   `json:"reviewed"` // from a reviewed table (else: the fail-closed rule)
	Sample   bool   `json:"sample,omitempty"`
	Creates  string `json:"creates,omitempty"`   // what it creates
	DeleteBy string `json:"deletedBy,omitempty"` // the operation that deletes it at the end
	Kept     string `json:"kept,omitempty"`      // why what it creates is left
	Target   string `json:"target,omitempty"`    // the created record it writes
}

// JSON is the plan as plain data.
func (p *Plan) JSON() JSON {
	run, writing, calls := p.Counts()
	out := JSON{Tier: string(p.Tier), Live: p.Live, Meaning: p.Tier.Meaning(), Cases: len(p.Entries), Run: run, Skipped: len(p.Entries) - run,
		WritingCases: writing, WritingCalls: calls, Unplanned: p.Unplanned, Agents: []AgentJSON{}}
	if !p.Live {
		out.Tier, out.Meaning = "embedded-mock", "every case: the embedded mock is conform's own, made for this run"
	}
	idx := map[string]int{}
	for _, e := range p.Entries {
		agent, _, _ := strings.Cut(e.Case.Operation, ".")
		i, ok := idx[agent]
		if !ok {
			i = len(out.Agents)
			idx[agent] = i
			out.Agents = append(out.Agents, AgentJSON{Agent: agent})
		}
		a := &out.Agents[i]
		cj := CaseJSON{Operation: e.Case.Operation, Name: e.Case.Name, Safety: string(e.Case.Safety), OwnData: e.Case.OwnData, Generated: e.Case.Generated,
			Run: e.Skip == "", SkipReason: e.Skip}
		if cj.Run {
			a.Run++
		} else {
			a.Skipped++
		}
		for _, st := range e.Case.Steps {
			c := CallJSON{Step: st.Name, Call: st.Call, Safety: string(st.Safety), Reviewed: st.Reviewed, Sample: st.Sample, Target: st.Target}
			if cr := st.Creates; cr != nil {
				c.Creates, c.Kept = cr.What, cr.Kept
				if cr.Delete != nil {
					c.DeleteBy = cr.Delete.Call
				} else if c.Kept == "" {
					c.Kept = "no operation of the contracts deletes it"
				}
			}
			cj.Calls = append(cj.Calls, c)
		}
		a.Cases = append(a.Cases, cj)
	}
	return out
}

// WriteJSON writes the plan as indented JSON.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p.JSON())
}

// WriteText writes the plan for people: the headline, then per agent each
// case that runs with its calls and their safety, and each case that is
// skipped with why.
func (p *Plan) WriteText(w io.Writer) {
	j := p.JSON()
	fmt.Fprintf(w, "plan (nothing is sent): %s\n", p.Headline())
	for _, a := range j.Agents {
		fmt.Fprintf(w, "\n%s: %d run, %d skipped\n", a.Agent, a.Run, a.Skipped)
		for _, c := range a.Cases {
			own := ""
			if c.OwnData && c.Safety != string(safety.ReadOnly) {
				own = ", own data"
			}
			if !c.Run {
				fmt.Fprintf(w, "  skip %s %q (%s): %s\n", c.Operation, c.Name, c.Safety, c.SkipReason)
				continue
			}
			fmt.Fprintf(w, "  run  %s %q (%s%s)\n", c.Operation, c.Name, c.Safety, own)
			for i, call := range c.Calls {
				what := call.Safety
				if !call.Reviewed {
					what += ", no reviewed table: treated as the worst"
				}
				if call.Sample {
					what += ", sample values"
				}
				switch {
				case call.Creates != "" && call.DeleteBy != "":
					what += fmt.Sprintf(": creates a %s, deleted by %s at the end", call.Creates, call.DeleteBy)
				case call.Creates != "":
					what += fmt.Sprintf(": creates a %s, left (%s)", call.Creates, call.Kept)
				case call.Target != "":
					what += fmt.Sprintf(": only the %s this case created", call.Target)
				}
				fmt.Fprintf(w, "       %d. %s (%s)\n", i+1, call.Call, what)
			}
		}
	}
	for _, a := range j.Unplanned {
		fmt.Fprintf(w, "\n%s: not planned: its contract comes from the install's WSDL when the run starts; its cases are decided by the same rule (no reviewed table: every operation but the unmistakable reads is treated as destructive)\n", a)
	}
}
