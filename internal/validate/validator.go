// Package validate checks one SOAP message against the contract of its
// operation and direction: well-formedness and hardening (size, DTD,
// encoding), the envelope against the binding's SOAP version and the
// official envelope schema, every declared header block, and the Body's one
// child, strictly, against the element the WSDL names. Every problem is a
// Finding with a check ID from the catalog, a line and an element path.
package validate

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/xsd"
	"github.com/conform-dev/conform/schemas"
)

// DefaultMaxSize is the size limit for one message (10 MiB).
const DefaultMaxSize = 10 << 20

// Validator holds the contracts and their compiled schema sets. It is safe
// for concurrent use; build it once per process.
type Validator struct {
	MaxSize   int64
	Limits    Limits
	contracts []*contract.Contract
	envelope  *xsd.Schema

	// A service's schema set is compiled the first time a message of it is
	// validated: a run of one agent compiles that agent's set (and
	// SoPrincipal's, to log in), not every pinned one; `conform version`,
	// `help` and `ops` compile none.
	fsys fs.FS
	sets map[string]*lazySet
}

type lazySet struct {
	once   sync.Once
	schema *xsd.Schema
	err    error
}

// compileMu serializes compiles: the entity loader's URL mapping of
// xml.xsd is process-wide.
var compileMu sync.Mutex

var (
	defaultOnce sync.Once
	defaultV    *Validator
	defaultErr  error
)

// Default returns the process-wide validator over the embedded schemas,
// compiling them on first use.
func Default() (*Validator, error) {
	defaultOnce.Do(func() { defaultV, defaultErr = New(schemas.FS, schemas.Services) })
	return defaultV, defaultErr
}

// New compiles the schema sets in fsys: soap/envelope.xsd and, per service
// folder, its contract.json and wrapper schema.
func New(fsys fs.FS, services []string) (*Validator, error) {
	v := &Validator{MaxSize: DefaultMaxSize, Limits: DefaultLimits, fsys: fsys, sets: map[string]*lazySet{}}
	env, err := v.compile("soap", "soap/envelope.xsd")
	if err != nil {
		return nil, err
	}
	v.envelope = env
	for _, svc := range services {
		c, err := contract.Load(fsys, svc)
		if err != nil {
			return nil, err
		}
		v.contracts = append(v.contracts, c)
		v.sets[c.Service] = &lazySet{}
	}
	return v, nil
}

// compile compiles one schema of the set from memory, with only the
// envelope schemas and the service's own folder mounted: nothing is
// written, and an import can load nothing but the set's own files.
func (v *Validator) compile(dir, wrapper string) (*xsd.Schema, error) {
	files := fstest.MapFS{}
	for _, d := range []string{"soap", dir} {
		err := fs.WalkDir(v.fsys, d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			data, err := fs.ReadFile(v.fsys, p)
			if err != nil {
				return err
			}
			files[p] = &fstest.MapFile{Data: data}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("schemas: cannot read the schema files of %s: %w", dir, err)
		}
	}
	compileMu.Lock()
	defer compileMu.Unlock()
	mount, err := xsd.MountFS(files)
	if err != nil {
		return nil, fmt.Errorf("schemas: cannot read the schema files: %w", err)
	}
	defer mount.Close()
	xsd.MapURL(schemas.XMLNamespaceURL, mount.Path("soap/xml.xsd"))
	return mount.Compile(wrapper)
}

// set is a service's compiled schema set, compiled on first use; nil when
// the service is unknown.
func (v *Validator) set(service string) (*xsd.Schema, error) {
	ls := v.sets[service]
	if ls == nil {
		return nil, nil
	}
	ls.once.Do(func() {
		c := v.Contract(service)
		ls.schema, ls.err = v.compile(service, service+"/"+c.SchemaWrapper)
	})
	return ls.schema, ls.err
}

// Compile compiles a service's set now: for a contract the user handed in
// (a --contracts folder, a live WSDL), whose errors belong at load time.
func (v *Validator) Compile(service string) error {
	_, err := v.set(service)
	return err
}

// CompileAll compiles every service's set now (a test that every pinned
// contract compiles, a benchmark).
func (v *Validator) CompileAll() error {
	for _, c := range v.contracts {
		if _, err := v.set(c.Service); err != nil {
			return err
		}
	}
	return nil
}

// Contracts are the services the validator knows, in lookup order.
func (v *Validator) Contracts() []*contract.Contract { return v.contracts }

// Contract returns a service's contract, nil when unknown.
func (v *Validator) Contract(service string) *contract.Contract {
	for _, c := range v.contracts {
		if c.Service == service {
			return c
		}
	}
	return nil
}

// Target names what a message is meant to be. Empty fields are inferred
// from the Body's element.
type Target struct {
	Service   string
	Operation string
	Direction contract.Direction
}

func (t Target) String() string {
	s := t.Service + "." + t.Operation
	if t.Direction != "" {
		s += " " + string(t.Direction)
	}
	return s
}

// ArgError is an operation or direction ParseOp cannot read: Arg is "op"
// or "dir", the caller's own names for them (conform validate's flags).
type ArgError struct {
	Arg, Value, Why string
}

func (e *ArgError) Error() string { return fmt.Sprintf("%s %q: %s", e.Arg, e.Value, e.Why) }

// ParseOp reads "Agent.Operation" (or a bare operation name) into a Target.
func (v *Validator) ParseOp(op string, dir string) (Target, error) {
	var t Target
	switch dir {
	case "":
	case string(contract.Request), string(contract.Response):
		t.Direction = contract.Direction(dir)
	default:
		return t, &ArgError{"dir", dir, "want request or response"}
	}
	if op == "" {
		return t, nil
	}
	svc, name, qualified := strings.Cut(op, ".")
	if !qualified {
		name, svc = svc, ""
	}
	var found []string
	for _, c := range v.contracts {
		if (svc == "" || c.Service == svc) && c.Op(name) != nil {
			found = append(found, c.Service)
		}
	}
	switch {
	case len(found) == 1:
		t.Service, t.Operation = found[0], name
		return t, nil
	case len(found) > 1:
		return t, &ArgError{"op", op, fmt.Sprintf("it is in several services (%s): write it as Agent.Operation", strings.Join(found, ", "))}
	}
	return t, &ArgError{"op", op, "no such operation; `conform ops` lists them"}
}

// Finding is one problem (or, at INFO, one fact) about a message.
type Finding struct {
	Check    string          `json:"check"`
	Severity checks.Severity `json:"severity"`
	Line     int             `json:"line"`
	Path     string          `json:"path,omitempty"`
	Message  string          `json:"message"`
}

// Place is where the finding is: "line 3 /s:Envelope/s:Body/X", or "line
// 3" without a path.
func (f Finding) Place() string {
	if f.Path == "" {
		return fmt.Sprintf("line %d", f.Line)
	}
	return fmt.Sprintf("line %d %s", f.Line, f.Path)
}

// Text is the finding beside its check ID (a check result's message):
// "line 3 /s:Envelope/s:Body/X: message".
func (f Finding) Text() string { return f.Place() + ": " + f.Message }

// String is the finding on its own (a fault string, a log line):
// "BODY-VALID at line 3 (/s:Envelope/s:Body/X): message".
func (f Finding) String() string {
	s := fmt.Sprintf("%s at line %d", f.Check, f.Line)
	if f.Path != "" {
		s += " (" + f.Path + ")"
	}
	return s + ": " + f.Message
}

// In is the finding as a compiler names one, for a terminal (editors and
// CI annotations follow "FILE:LINE:"): "FILE:3: BODY-VALID message
// [/s:Envelope/s:Body/X]".
func (f Finding) In(file string) string {
	s := fmt.Sprintf("%s:%d: %s %s", file, f.Line, f.Check, f.Message)
	if f.Path != "" {
		s += " [" + f.Path + "]"
	}
	return s
}

// Result is the finding as a check result of the given status, the one
// conversion the engine and the client reports share: its ID, Text as
// the message, and its line and path, so that a report can place it.
func (f Finding) Result(status results.Status) results.Check {
	return results.Check{ID: f.Check, Status: status, Message: f.Text(), Line: f.Line, Path: f.Path}
}

// Result is the outcome of validating one message.
type Result struct {
	Target   Target
	Findings []Finding
	// Message is what a reader needs of the envelope (header blocks, the
	// Body's first element), built from the tree the validation used: nil
	// when the message is no SOAP envelope or is too large to build.
	Message *soap.Message

	perCheck    int            // findings listed per check (0: no limit)
	read        bool           // build Message
	counts      map[string]int // findings made, per check
	unlistedMax map[string]int // line of the last unlisted finding, per check
}

// room reports whether one more finding of the check will be listed; when
// it will not, it counts it. Callers ask before computing an element path,
// which walks the element's earlier siblings.
func (r *Result) room(id string) bool {
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	r.counts[id]++
	return r.perCheck <= 0 || r.counts[id] <= r.perCheck
}

// full counts one more finding of id, without building it, when the check
// already lists its most; it reports whether it did.
func (r *Result) full(id string) bool {
	if r.perCheck > 0 && r.counts[id] >= r.perCheck {
		r.counts[id]++
		return true
	}
	return false
}

// closeCounts adds one finding per check whose findings were not all listed.
func (r *Result) closeCounts() {
	for _, c := range checks.Catalog {
		if n := r.counts[c.ID]; r.perCheck > 0 && n > r.perCheck {
			r.Findings = append(r.Findings, Finding{Check: c.ID, Severity: c.Severity, Line: 0,
				Message: fmt.Sprintf("%d further %s findings were not listed (the first %d are)", n-r.perCheck, c.ID, r.perCheck)})
		}
	}
}

// Failed reports whether any MUST check failed.
func (r *Result) Failed() bool {
	for _, f := range r.Findings {
		if f.Severity == checks.Must {
			return true
		}
	}
	return false
}

// Failures are the findings of MUST checks.
func (r *Result) Failures() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == checks.Must {
			out = append(out, f)
		}
	}
	return out
}

func (r *Result) add(id string, line int, path, format string, args ...any) {
	if !r.room(id) {
		return
	}
	c := checks.Get(id)
	r.Findings = append(r.Findings, Finding{Check: id, Severity: c.Severity, Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

// ValidateReader reads at most MaxSize bytes from rd and validates them; a
// larger message is refused without being read whole.
func (v *Validator) ValidateReader(rd io.Reader, t Target) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(rd, v.MaxSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > v.MaxSize {
		r := &Result{Target: t}
		r.add(checks.XMLSize, 0, "", "the message is larger than the limit of %d bytes; it was not read further", v.MaxSize)
		return r, nil
	}
	return v.Validate(data, t), nil
}

// Validate checks one message, in UTF-8 or in UTF-16 with a byte order
// mark or an XML declaration. The target's empty fields are inferred.
func (v *Validator) Validate(data []byte, t Target) *Result {
	return v.ValidateCharset(data, "", t)
}

// ValidateCharset checks a message that came with a Content-Type charset,
// which names the encoding when the bytes do not (XML 1.0 Appendix F). A
// UTF-16 message is read as UTF-8 of the same lines (soap.Decode).
func (v *Validator) ValidateCharset(data []byte, charset string, t Target) *Result {
	return v.validate(data, charset, t, false)
}

// ValidateAndRead is ValidateCharset that also returns the message as a
// reader needs it (Result.Message), built from the tree the validation
// parsed: the engine and the mock read answers and requests this way, so
// that no message is parsed twice.
func (v *Validator) ValidateAndRead(data []byte, charset string, t Target) *Result {
	return v.validate(data, charset, t, true)
}

func (v *Validator) validate(data []byte, charset string, t Target, read bool) *Result {
	r := &Result{Target: t, perCheck: v.Limits.MaxPerCheck, read: read}
	if int64(len(data)) <= v.MaxSize {
		text, enc, err := soap.Decode(data, charset)
		if err != nil {
			r.add(checks.XMLEncoding, 1, "", "%s", err)
			return r
		}
		if enc != soap.UTF8 {
			data = text
		}
	}
	if int64(len(data)) > v.MaxSize {
		r.add(checks.XMLSize, 0, "", "the message is %d bytes, larger than the limit of %d bytes", len(data), v.MaxSize)
		return r
	}
	if len(bytes.TrimSpace(data)) == 0 {
		r.add(checks.XMLEmpty, 1, "", "the message is empty")
		return r
	}
	if line, id, why := prescan(data, v.Limits); why != "" {
		r.add(id, line, "", "%s", why)
		return r
	}
	// A large message is read on libxml2's thread for large documents.
	xsd.Large(len(data), func() { v.parseAndCheck(data, r) })
	return r
}

// parseAndCheck parses the message and checks it, its tree freed on return.
func (v *Validator) parseAndCheck(data []byte, r *Result) {
	pr := xsd.Parse(data)
	if pr.DTDLine > 0 {
		if pr.Doc != nil {
			pr.Doc.Free()
		}
		r.add(checks.XMLNoDTD, pr.DTDLine, "", "the message has a DOCTYPE; SOAP messages must not contain a DTD, so it was not read further (no entity was expanded)")
		return
	}
	if pr.Doc == nil {
		for _, is := range pr.Issues {
			if is.Level < xsd.LevelError {
				continue
			}
			id := checks.XMLWellFormed
			switch {
			case is.Code == xsd.CodeUnknownEncoding, is.Code == xsd.CodeUnsupportedEnc, is.Code == xsd.CodeInvalidEncoding:
				id = checks.XMLEncoding
			// libxml2 gives bytes that are not UTF-8 and characters XML
			// forbids (a control character) the same code.
			case is.Code == xsd.CodeInvalidChar && strings.Contains(is.Message, "not proper UTF-8"):
				id = checks.XMLEncoding
			}
			r.add(id, is.Line, "", "%s", is.Message)
		}
		if pr.Dropped > 0 {
			r.add(checks.XMLWellFormed, 0, "", "%d further parser errors were not kept", pr.Dropped)
		}
		if len(r.Findings) == 0 {
			r.add(checks.XMLWellFormed, 1, "", "the message could not be parsed as XML")
		}
		return
	}
	defer pr.Doc.Free()
	v.check(pr.Doc, r)
	r.closeCounts()
	sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].Line < r.Findings[j].Line })
}

// Schema is a service's compiled schema set (nil when unknown).
func (v *Validator) Schema(service string) *xsd.Schema {
	s, _ := v.set(service)
	return s
}
