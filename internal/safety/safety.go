// Package safety owns what a call may do to an install and what a run may
// send: the classes of operations (read-only, mutating, destructive,
// external), the reviewed table of every pinned agent's operations
// (fixtures/safety/<Agent>.yaml, loaded here and checked complete by a
// test), the rule for an agent with no table (a --contracts folder, a live
// WSDL: every operation but the unmistakable reads is destructive), and the
// tiers a run acts at (read-only, own data, disposable install).
//
// Which case runs at which tier is decided in package plan; this package
// only says what each class and tier means.
package safety

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/conform-dev/conform/fixtures"
)

// Class is what a call may do to an install.
type Class string

// Classes, from harmless to harmful.
const (
	// ReadOnly reads; it may open a session or issue a token, never change data.
	ReadOnly Class = "read-only"
	// Mutating writes to the install: creates or changes a record.
	Mutating Class = "mutating"
	// Destructive deletes, overwrites credentials, removes licences or
	// rights, or retires a user: what an operator cannot easily undo.
	Destructive Class = "destructive"
	// External has an effect outside the install: it sends an e-mail, runs
	// a command or script, or calls another service (an OAuth provider,
	// SuperOffice's access gateway). conform never sends such a call to a
	// live endpoint, at any tier.
	External Class = "external"
)

// Classes lists every class, from harmless to harmful.
var Classes = []Class{ReadOnly, Mutating, Destructive, External}

// rank orders classes: a case is as harmful as its most harmful call.
func (c Class) rank() int {
	for i, k := range Classes {
		if k == c {
			return i
		}
	}
	return len(Classes)
}

// Max is the more harmful of two classes.
func Max(a, b Class) Class {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Writes tells whether a call of this class changes anything.
func (c Class) Writes() bool { return c != ReadOnly }

// Check reports whether s names a class.
func Check(s Class) error {
	if s.rank() < len(Classes) {
		return nil
	}
	return fmt.Errorf("safety %q: want read-only, mutating, destructive or external", s)
}

// Table is the reviewed safety of every operation of one agent.
type Table struct {
	Agent  string
	Source string           // file it was read from
	Ops    map[string]Class // operation → class
}

// Class of an operation in the table, and whether it has an entry.
func (t *Table) Class(op string) (Class, bool) {
	if t == nil {
		return "", false
	}
	c, ok := t.Ops[op]
	return c, ok
}

// Tables are the reviewed tables by agent, and the sha256 of each file.
type Tables struct {
	ByAgent map[string]*Table
	Hashes  map[string]string // file → sha256
}

// Dir is the tables' folder in the fixtures tree.
const Dir = "safety"

type tableFile struct {
	Agent      string           `yaml:"agent"`
	Operations map[string]Class `yaml:"operations"`
}

// maxTable bounds a table file (it is input like any other).
const maxTable = 1 << 20

// Load reads dir/*.yaml from fsys: one table per agent.
func Load(fsys fs.FS, dir string) (*Tables, error) {
	out := &Tables{ByAgent: map[string]*Table{}, Hashes: map[string]string{}}
	files, err := fixtures.Files(fsys, dir, maxTable)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		t, err := Parse(f.Name, f.Data)
		if err != nil {
			return nil, err
		}
		if prev := out.ByAgent[t.Agent]; prev != nil {
			return nil, fmt.Errorf("%s: a second safety table of %s (the first is %s)", f.Name, t.Agent, prev.Source)
		}
		out.Hashes[f.Name] = f.Sum
		out.ByAgent[t.Agent] = t
	}
	return out, nil
}

// Parse reads one table file; errors name file:line and the fix.
func Parse(name string, data []byte) (*Table, error) {
	if len(data) > maxTable {
		return nil, fmt.Errorf("%s: larger than %d bytes: a safety table lists an agent's operations, one a line", name, maxTable)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v (a safety table is `agent: Name` and `operations:` mapping each operation to read-only, mutating, destructive or external)", name, err)
	}
	var f tableFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %v (a safety table is `agent: Name` and `operations:` mapping each operation to read-only, mutating, destructive or external)", name, err)
	}
	if f.Agent == "" {
		return nil, fmt.Errorf("%s: no agent: (the agent whose operations the table classifies)", name)
	}
	lines := opLines(&doc)
	for op, c := range f.Operations {
		if err := Check(c); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %v", name, lines[op], op, err)
		}
	}
	return &Table{Agent: f.Agent, Source: name, Ops: f.Operations}, nil
}

// opLines maps each operation of a table to its line.
func opLines(doc *yaml.Node) map[string]int {
	out := map[string]int{}
	if doc == nil || len(doc.Content) == 0 {
		return out
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "operations" {
			continue
		}
		ops := root.Content[i+1].Content
		for j := 0; j+1 < len(ops); j += 2 {
			out[ops[j].Value] = ops[j].Line
		}
	}
	return out
}

// Of is an operation's class: the reviewed table's entry, or, for an agent
// with no table (or an operation the table lacks), Unreviewed's answer.
// reviewed tells which.
func (t *Tables) Of(agent, op string) (c Class, reviewed bool) {
	if t != nil {
		if c, ok := t.ByAgent[agent].Class(op); ok {
			return c, true
		}
	}
	return Unreviewed(op), false
}

// readPrefixes begin the names of operations that only read, in NetServer's
// conventions; writeWords anywhere after the prefix make a name ambiguous
// (GetNextNumber allocates a number, GetOrRegister… registers).
var (
	readPrefixes = []string{"Get", "Is", "Has", "Can", "Find", "Check", "CreateDefault"}
	writeWords   = regexp.MustCompile(`(?:Or|And|Next|Save|Set|Register|Send|Delete|Remove|Update|Create|Generate|Execute|Run|Reset|Change|Add|Make|Increment|Allocate|Exchange|Import|Export|Move|Merge|Copy|Lock|Unlock|Start|Stop|Sync|Process|Refresh|Renew|Trigger|Mark|Retire|Restore|Undelete|Purge|Clear|Approve|Reject|Publish|Notify|Mail|Sms|Print)(?:[A-Z]|$)`)
)

// Unreviewed classifies an operation of an agent with no reviewed table:
// read-only only when its name is an unmistakable read (a read prefix, and
// no word of writing after it), destructive otherwise. A name does not tell
// what a call does; failing closed, an unknown call is the worst that is
// not external.
func Unreviewed(op string) Class {
	for _, p := range readPrefixes {
		rest, ok := strings.CutPrefix(op, p)
		if !ok || (rest != "" && !isUpper(rest[0])) {
			continue
		}
		if p == "CreateDefault" || !writeWords.MatchString(rest) {
			return ReadOnly
		}
	}
	return Destructive
}

func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }

// Guess is the name heuristic a new table starts from (`-update` of the
// table test writes it for operations a table lacks, marked for review):
// it is never used to decide what a run sends.
func Guess(op string) Class {
	for _, p := range []string{"Delete", "Remove", "SetPassword", "ChangePassword", "ChangeOwnPassword", "SetGeneratedPassword", "MakeRetired", "ChangeUserType"} {
		if strings.HasPrefix(op, p) {
			return Destructive
		}
	}
	for _, w := range []string{"Send", "Mail", "Execute", "Run", "Script", "Exchange"} {
		if strings.Contains(op, w) {
			return External
		}
	}
	if Unreviewed(op) == ReadOnly {
		return ReadOnly
	}
	return Mutating
}

// Tier is how far a run may go in changing the install it tests.
type Tier string

// Tiers, from harmless to harmful.
const (
	// TierReadOnly, the default against a live endpoint: no call that
	// writes is sent.
	TierReadOnly Tier = "read-only"
	// TierOwnData (--allow-mutations): writes only to records the run
	// itself creates in this run, never to an existing one; generated
	// requests of sample values never run (their identifiers may name
	// existing records).
	TierOwnData Tier = "own-data"
	// TierDisposable (--may-damage-install), for a throwaway install:
	// every case, sample-data writes included. Still no external call.
	TierDisposable Tier = "disposable"
)

// Tiers lists every tier, from harmless to harmful.
var Tiers = []Tier{TierReadOnly, TierOwnData, TierDisposable}

// ParseTier reads a tier's name.
func ParseTier(s string) (Tier, error) {
	for _, t := range Tiers {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("tier %q: want read-only, own-data or disposable", s)
}

// TierOf is the tier the run options choose: --may-damage-install wins over
// --allow-mutations, which wins over the read-only default.
func TierOf(allowMutations, mayDamage bool) Tier {
	switch {
	case mayDamage:
		return TierDisposable
	case allowMutations:
		return TierOwnData
	}
	return TierReadOnly
}

// How names the flag (and conform.yaml key) that chooses the tier.
func (t Tier) How() string {
	switch t {
	case TierOwnData:
		return "--allow-mutations"
	case TierDisposable:
		return "--may-damage-install"
	}
	return "the default against a live endpoint"
}

// Meaning is what the tier lets a run touch, in one line.
func (t Tier) Meaning() string {
	switch t {
	case TierOwnData:
		return "writes only to records this run creates (and deletes them at its end); no existing record is touched"
	case TierDisposable:
		return "every case, sample-data writes included: the install's data may be damaged (for a throwaway install only)"
	}
	return "no call that writes is sent"
}
