// Package mock is conform's NetServer emulator: an http.Handler that serves
// the User and SoPrincipal agents of Services88 exactly as their WSDLs say
// (SOAP 1.1, document/literal, the declared headers), validating every
// request and every response it sends. Start one in a test with
//
//	srv := httptest.NewServer(mock.MustNew(mock.Options{}))
//
// Behaviour the documentation leaves open is fixed here and documented in
// the README: error types, the answer to an unknown token key, the ticket
// lifetime.
package mock

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/conform-dev/conform/internal/netserver"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/conform-dev/conform/fixtures"
	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/family"
	"github.com/conform-dev/conform/internal/instance"
	"github.com/conform-dev/conform/internal/safety"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/validate"
)

// The documented default user.
const (
	DefaultUser     = "conform"
	DefaultPassword = "conform-password"
)

// Defaults.
const (
	DefaultTicketTTL = time.Hour
	DefaultMaxBody   = 1 << 20
	// DefaultMaxSessions tickets (and as many access tokens) are kept; expired
	// ones are dropped as new ones are issued.
	DefaultMaxSessions = 100_000
	// DefaultMaxStored token sets, DefaultMaxStoredBytes in all, are kept.
	DefaultMaxStored      = 10_000
	DefaultMaxStoredBytes = 64 << 20
	// Server timeouts of `conform mock` and the embedded mock: a request
	// must arrive within ReadTimeout, an idle connection closes after
	// IdleTimeout.
	ReadTimeout  = 15 * time.Second
	WriteTimeout = 30 * time.Second
	IdleTimeout  = 15 * time.Second
	// BasePath is where the agents live: BasePath + "<Agent>.svc".
	BasePath = netserver.BasePath
)

// Exception types the mock reports in ExceptionInfo.
const (
	ExcNotAuthenticated = netserver.ExcNotAuthenticated
	ExcInvalidTicket    = netserver.ExcInvalidTicket
	ExcTicketExpired    = netserver.ExcTicketExpired
	ExcInvalidAppToken  = netserver.ExcInvalidAppToken
)

// Options configure a Mock. The zero value is a working on-site install
// with the default user.
type Options struct {
	Users     map[string]string // user name → password; default DefaultUser
	TicketTTL time.Duration     // default DefaultTicketTTL
	Online    bool              // require and check the ApplicationToken header
	AppToken  string            // the application token accepted in Online mode
	MaxBody   int64             // largest request body; default DefaultMaxBody
	// Bounds of what the mock remembers; the oldest goes first. An evicted
	// ticket is invalid, an evicted key reads as unknown.
	MaxSessions    int              // live tickets, and access tokens; default DefaultMaxSessions
	MaxStored      int              // stored token sets; default DefaultMaxStored
	MaxStoredBytes int64            // bytes of stored token sets; default DefaultMaxStoredBytes
	Now            func() time.Time // clock; default time.Now
	// Logf, when set, gets one line per problem (never a credential),
	// among them one line per finding on a request.
	Logf func(format string, args ...any)
	// Strict rejects every request that breaks the contract with a Client
	// fault. By default the mock is as lenient as NetServer (WCF) about
	// what it receives: a request that lacks declared header blocks is
	// served as if they were nil. Findings are made and reported either way.
	Strict bool
	// Contracts is the contract set to serve; nil: the embedded one.
	Contracts *contracts.Set
	// Findings, when set, gets every finding on a request as one JSON line
	// (RequestFinding), credentials redacted. Writes are serialized.
	Findings io.Writer
	// OnWrite, when set, gets every call served whose operation is not
	// read-only by the reviewed safety tables (an operation with no entry
	// counts as a write), with the identifiers it named and made: the
	// recording a test of the run's tiers reads. Calls are serialized.
	OnWrite func(Write)
}

// RequestFinding is one finding on a request the mock received: what a
// person testing a client reads in the --findings file.
type RequestFinding struct {
	Time      time.Time `json:"time"`
	Operation string    `json:"operation"` // Agent.Operation
	Served    bool      `json:"served"`    // the request was answered as usual despite it
	validate.Finding
}

// tolerated are the findings on a request that a WCF service serves all
// the same: its operation formatter reads the header blocks present and
// leaves an absent [MessageHeader] null.
var tolerated = map[string]bool{checks.HdrMissing: true}

// Mock is the emulator. It is safe for concurrent use.
type Mock struct {
	opts     Options
	v        *validate.Validator
	services map[string]*service // lower-case agent name → service

	findingsMu sync.Mutex

	mu      sync.RWMutex
	tickets *store[session] // ticket → session
	grants  *store[Grant]   // access token → grant
	tokens  *store[Tokens]  // key → stored tokens
	// entities are the records of every entity family, by
	// "Agent.Entity" (family.Derive over the contracts served).
	entities map[string]*entities

	safety  *safety.Tables
	writeMu sync.Mutex
	set     *contracts.Set
}

type service struct {
	once     sync.Once
	err      error
	c        *contract.Contract
	model    *instance.Schema
	wsdl     []byte
	canned   map[string][]byte // operation → generated response body element
	nilBody  map[string]string // operation → response body element with a nil Response
	handlers map[string]handler
}

type session struct {
	user    string
	expires time.Time
}

// Grant is what GetAccessToken recorded for an access token.
type Grant struct {
	User             string
	AppToken         *string
	IncludeCsSession bool
}

// Tokens is a TokenManagementInfo as SaveExternalTokens stored it; nil
// fields were nil or absent.
type Tokens struct {
	Provider, AccessToken, RefreshToken, Claims *string
}

// New builds a mock over the embedded contracts.
func New(o Options) (*Mock, error) {
	if o.Users == nil {
		o.Users = map[string]string{DefaultUser: DefaultPassword}
	}
	if o.TicketTTL <= 0 {
		o.TicketTTL = DefaultTicketTTL
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.MaxStored <= 0 {
		o.MaxStored = DefaultMaxStored
	}
	if o.MaxStoredBytes <= 0 {
		o.MaxStoredBytes = DefaultMaxStoredBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Online && o.AppToken == "" {
		return nil, errors.New("mock: Online mode needs an application token to accept")
	}
	set := o.Contracts
	if set == nil {
		var err error
		if set, err = contracts.Default(); err != nil {
			return nil, err
		}
	}
	v := set.Validator
	m := &Mock{opts: o, v: v, services: map[string]*service{},
		tickets: newStore[session](o.MaxSessions, 0), grants: newStore[Grant](o.MaxSessions, 0),
		tokens: newStore[Tokens](o.MaxStored, o.MaxStoredBytes), entities: map[string]*entities{}}
	if o.OnWrite != nil {
		var err error
		if m.safety, err = safety.Load(fixtures.FS, safety.Dir); err != nil {
			return nil, err
		}
	}
	m.set = set
	for _, c := range v.Contracts() {
		m.services[strings.ToLower(c.Service)] = &service{c: c}
	}
	// The seed agents are made ready now (a mock that cannot serve them
	// is not started); the others on their first request.
	for _, a := range []string{"User", "SoPrincipal"} {
		if s := m.services[strings.ToLower(a)]; s != nil {
			if err := m.ready(s); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// ready builds a service's answers once, on its first request: its WSDL,
// a generated answer per operation, its handlers and its families' stores.
// A mock of every pinned agent starts in milliseconds.
func (m *Mock) ready(s *service) error {
	s.once.Do(func() { s.err = m.build(s) })
	return s.err
}

func (m *Mock) build(s *service) error {
	c := s.c
	s.canned, s.nilBody = map[string][]byte{}, map[string]string{}
	s.model = m.set.Model(c.Service)
	var err error
	if s.wsdl, err = m.set.WSDL(c.Service); err != nil {
		return err
	}
	for _, op := range c.Operations {
		body, err := s.model.Element(op.Output.Body)
		if err != nil {
			return fmt.Errorf("mock: %s.%s: %w", c.Service, op.Name, err)
		}
		s.canned[op.Name] = body
		s.nilBody[op.Name] = nilResponse(s.model, op.Output.Body)
	}
	s.handlers = m.handlersFor(c.Service)
	// Every entity family keeps what it is given.
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.familiesFor(s, family.Derive(c, s.model)); err != nil {
		return fmt.Errorf("mock: %s: %w", c.Service, err)
	}
	return nil
}

// Agents are the agents the mock serves, in lookup order.
func (m *Mock) Agents() []string {
	var out []string
	for _, c := range m.v.Contracts() {
		out = append(out, c.Service)
	}
	return out
}

// MustNew is New for tests and main: it panics when the embedded schemas
// do not compile, which the tests catch.
func MustNew(o Options) *Mock {
	m, err := New(o)
	if err != nil {
		panic(err)
	}
	return m
}

// nilResponse is the output element with its Response child nil (or left
// out when it may not be nil): how NetServer answers when it fails.
func nilResponse(model *instance.Schema, el contract.QName) string {
	inner := ""
	if p := model.Elements[el]; p != nil && p.Inline != nil {
		for _, c := range p.Inline.Seq {
			if c.Name.Name == "Response" && c.Nillable {
				inner = soap.Nil("Response")
			}
		}
	}
	return soap.Elem(el.Namespace, el.Name, inner)
}

func (m *Mock) logf(format string, args ...any) {
	if m.opts.Logf != nil {
		m.opts.Logf(format, args...)
	}
}

// random returns n random bytes, base64url-encoded.
func random(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// ServeHTTP serves the agents and their WSDLs.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, BasePath)
	var s *service
	if ok && strings.HasSuffix(strings.ToLower(name), ".svc") {
		s = m.services[strings.ToLower(strings.TrimSuffix(strings.ToLower(name), ".svc"))]
	}
	if s == nil {
		http.Error(w, "no such service: the mock serves "+strings.Join(m.Agents(), ", ")+" at "+BasePath+"<Agent>.svc", http.StatusNotFound)
		return
	}
	if err := m.ready(s); err != nil {
		m.logf("mock: %s cannot be served (a bug of conform): %v", s.c.Service, err)
		http.Error(w, "the conform mock cannot serve "+s.c.Service+" (a bug of conform): "+err.Error(), http.StatusInternalServerError)
		return
	}
	if r.Method == http.MethodGet && netserver.IsWSDLQuery(r) {
		m.serveWSDL(w, r, s)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed: SOAP requests are POSTed (GET only with ?wsdl or ?singleWsdl)", http.StatusMethodNotAllowed)
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/xml" || !knownCharset(params["charset"]) {
		// As a basicHttpBinding service answers: SOAP 1.2's
		// application/soap+xml, or anything else, is not its media type.
		http.Error(w, "unsupported media type: this binding is SOAP 1.1, Content-Type: text/xml; charset=utf-8", http.StatusUnsupportedMediaType)
		return
	}
	if r.ContentLength > m.opts.MaxBody {
		http.Error(w, fmt.Sprintf("request body larger than %d bytes", m.opts.MaxBody), http.StatusRequestEntityTooLarge)
		return
	}
	body, err := readLimited(w, r, m.opts.MaxBody)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("request body larger than %d bytes", m.opts.MaxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	m.serveSOAP(w, r, s, body)
}

// knownCharset: UTF-8 or UTF-16 (WS-I Basic Profile 1.1 R1012), or none.
func knownCharset(cs string) bool {
	switch strings.ToLower(cs) {
	case "", "utf-8", "utf-16", "utf-16le", "utf-16be":
		return true
	}
	return false
}

func readLimited(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
}

func (m *Mock) serveWSDL(w http.ResponseWriter, r *http.Request, s *service) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	self := scheme + "://" + r.Host + BasePath + s.c.Service + ".svc"
	out := s.wsdl
	if s.c.Address != "" {
		out = []byte(strings.Replace(string(s.wsdl), `location="`+s.c.Address+`"`, `location="`+soap.Escape(self)+`"`, 1))
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write(out)
}

// fault answers with a SOAP 1.1 fault (HTTP 500), credentials redacted.
func (m *Mock) fault(w http.ResponseWriter, code, reason string, secrets []string) {
	reason = netserver.Redact(reason, secrets...)
	w.Header().Set("Content-Type", soap.ContentType11)
	w.WriteHeader(http.StatusInternalServerError)
	w.Write(soap.FaultEnvelope("1.1", code, reason))
}

// report logs each finding on a request and writes it to Findings.
func (m *Mock) report(op string, fs []validate.Finding, served bool, secrets []string) {
	now := m.opts.Now().UTC()
	for _, f := range fs {
		f.Message = netserver.Redact(f.Message, secrets...)
		what := "served all the same"
		if !served {
			what = "refused with a Client fault"
		}
		if f.Severity == checks.Info {
			what = "allowed"
		}
		m.logf("mock: request %s: %s (%s: %s)", op, soap.Printable(f.String()), f.Severity, what)
		if m.opts.Findings == nil {
			continue
		}
		line, err := json.Marshal(RequestFinding{Time: now, Operation: op, Served: served, Finding: f})
		if err != nil {
			continue
		}
		m.findingsMu.Lock()
		m.opts.Findings.Write(append(line, '\n'))
		m.findingsMu.Unlock()
	}
}

func (m *Mock) serveSOAP(w http.ResponseWriter, r *http.Request, s *service, body []byte) {
	action := strings.Trim(strings.TrimSpace(r.Header.Get("SOAPAction")), `"`)
	if action == "" {
		m.fault(w, soap.FaultClient, "the SOAPAction header is missing; it names the operation", nil)
		return
	}
	op := s.c.ByAction(action)
	if op == nil {
		m.fault(w, soap.FaultClient, fmt.Sprintf("the SOAPAction %q names no operation of %s", action, s.c.Service), nil)
		return
	}
	charset := soap.Charset(r.Header.Get("Content-Type"))
	res := m.v.ValidateAndRead(body, charset, validate.Target{Service: s.c.Service, Operation: op.Name, Direction: contract.Request})
	text, _ := soap.DecodeLenient(body, charset)
	var refuse *validate.Finding
	for i, f := range res.Findings {
		if refuse == nil && f.Severity == checks.Must && (m.opts.Strict || !tolerated[f.Check]) {
			refuse = &res.Findings[i]
		}
	}
	if len(res.Findings) > 0 {
		m.report(s.c.Service+"."+op.Name, res.Findings, refuse == nil, netserver.Secrets(text))
	}
	if refuse != nil {
		m.fault(w, soap.FaultClient, fmt.Sprintf("the request is not a valid %s.%s request: %s", s.c.Service, op.Name, refuse.String()), netserver.Secrets(text))
		return
	}
	msg := res.Message // read by the validation: not parsed again
	if msg == nil {
		m.fault(w, soap.FaultClient, "the request cannot be read as a SOAP envelope", nil)
		return
	}
	rep := m.dispatch(call{s: s, op: op, msg: msg})
	m.recordWrite(s, op.Name, msg, rep)
	out := soap.Envelope("1.1", rep.headers(s.c.TargetNamespace), rep.body)
	// Every response the mock sends is contract-valid; if not, it is a bug
	// of the mock, reported as a Server fault rather than sent.
	check := m.v.Validate(out, validate.Target{Service: s.c.Service, Operation: op.Name, Direction: contract.Response})
	if fails := check.Failures(); len(fails) > 0 {
		m.logf("mock: invalid %s.%s response (a bug of conform): %s", s.c.Service, op.Name, fails[0].String())
		m.fault(w, soap.FaultServer, "the conform mock produced an invalid response (a bug of conform): "+fails[0].String(), netserver.Secrets(out))
		return
	}
	w.Header().Set("Content-Type", soap.ContentType11)
	w.Write(out)
}

// recordWrite hands a served call to OnWrite when its operation writes.
func (m *Mock) recordWrite(s *service, op string, msg *soap.Message, rep reply) {
	if m.opts.OnWrite == nil {
		return
	}
	class, _ := m.safety.Of(s.c.Service, op)
	if !class.Writes() {
		return
	}
	m.writeMu.Lock()
	defer m.writeMu.Unlock()
	m.opts.OnWrite(Write{Operation: s.c.Service + "." + op, Safety: class, Targets: targets(msg.Body), Created: rep.created, Succeeded: !rep.failed})
}
