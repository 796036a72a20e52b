// Package clientcert certifies a SOAP client by its traffic. A Recorder is
// an http.Handler in front of an endpoint (an install, through a reverse
// proxy, or conform's mock): it passes every request and response through
// unchanged and as it streams, validates both against the contract of the
// agent and operation addressed, with the catalog's checks, and makes a
// client report of the session: per operation called, the request findings
// (the client's responsibility, which make the verdict) and the response
// findings (the server's, shown as warnings), and the operations never
// called. It keeps counts and a few exchanges per operation, so that its
// memory stays flat however long the session.
package clientcert

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/validate"
)

// Bounds of what a Recorder keeps.
const (
	// MaxChecked is how much of a message is captured and checked; a larger
	// one passes through whole and gets an XML-SIZE finding.
	MaxChecked = validate.DefaultMaxSize
	keepFirst  = 2  // exchanges kept per operation, whatever they hold
	keepFound  = 10 // further exchanges kept per operation that have findings
)

// Recorder validates the traffic it passes to next.
type Recorder struct {
	next http.Handler
	set  *contracts.Set

	sem     chan struct{}
	pending sync.WaitGroup

	mu          sync.Mutex
	ops         map[string]*opStats // Agent.Operation → what was seen
	driftSeen   map[string][]string // agent → how its WSDL differs
	notCompared map[string]string   // agent → why its WSDL was not compared
	secrets     map[string]bool
	red         *soap.Redactor

	// Live, when set, gives the contract of an agent no loaded contract
	// describes, from the upstream's own WSDL (conform proxy in front of an
	// install); it is asked once per agent.
	Live     func(agent string) (*contracts.Set, error)
	liveMu   sync.Mutex
	liveSets map[string]*contracts.Set
	liveWhy  map[string]string // agent → why its live WSDL could not be had
}

// setFor is the contract set that describes an agent: the loaded one, or
// the upstream's live WSDL of it (fetched once).
func (r *Recorder) setFor(agent string) *contracts.Set {
	if r.set.Contract(agent) != nil || r.Live == nil {
		return r.set
	}
	r.liveMu.Lock()
	defer r.liveMu.Unlock()
	if s, ok := r.liveSets[agent]; ok {
		return s
	}
	if _, failed := r.liveWhy[agent]; failed {
		return r.set
	}
	s, err := r.Live(agent)
	if err != nil {
		if r.liveWhy == nil {
			r.liveWhy = map[string]string{}
		}
		r.liveWhy[agent] = err.Error()
		return r.set
	}
	if r.liveSets == nil {
		r.liveSets = map[string]*contracts.Set{}
	}
	r.liveSets[agent] = s
	return s
}

// LiveContracts say which agents were checked against the upstream's live
// WSDL (their origin), and for which it could not be had, and why.
func (r *Recorder) LiveContracts() (origins, why map[string]string) {
	r.liveMu.Lock()
	defer r.liveMu.Unlock()
	origins = map[string]string{}
	for a := range r.liveSets {
		origins[a] = contracts.OriginLive
	}
	why = map[string]string{}
	for a, w := range r.liveWhy {
		why[a] = w
	}
	return origins, why
}

type opStats struct {
	calls, clientFailed, serverFailed int
	steps                             []results.Step
}

// New builds a Recorder in front of next, checking against set.
func New(next http.Handler, set *contracts.Set) *Recorder {
	return &Recorder{next: next, set: set, sem: make(chan struct{}, max(1, runtime.NumCPU())),
		ops: map[string]*opStats{}, secrets: map[string]bool{}, driftSeen: map[string][]string{}, notCompared: map[string]string{}}
}

// capture keeps the first MaxChecked bytes that pass through it.
type capture struct {
	buf  bytes.Buffer
	size int64
}

func (c *capture) Write(p []byte) (int, error) {
	c.size += int64(len(p))
	if room := MaxChecked + 1 - int64(c.buf.Len()); room > 0 {
		c.buf.Write(p[:min(int64(len(p)), room)])
	}
	return len(p), nil
}

type teeBody struct {
	io.Reader
	io.Closer
}

// writer passes a response through and captures it.
type writer struct {
	http.ResponseWriter
	status int
	cap    *capture
}

func (w *writer) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *writer) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.cap.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *writer) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ServeHTTP passes the exchange through, then checks it off the request's
// path: the client never waits for conform, and never sees a change.
func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	agent, ok := agentOf(req)
	if ok && req.Method == http.MethodGet && netserver.IsWSDLQuery(req) {
		// Passed through, and compared with the contract checked against.
		rw := &writer{ResponseWriter: w, cap: &capture{}}
		r.next.ServeHTTP(rw, req)
		if rw.status == http.StatusOK && rw.cap.size <= MaxChecked {
			r.pending.Add(1)
			go func() {
				defer r.pending.Done()
				r.drift(agent, req.URL.Path+"?"+req.URL.RawQuery, rw.cap.buf.Bytes())
			}()
		}
		return
	}
	if !ok || req.Method != http.MethodPost {
		r.next.ServeHTTP(w, req)
		return
	}
	reqCap := &capture{}
	req.Body = teeBody{io.TeeReader(req.Body, reqCap), req.Body}
	rw := &writer{ResponseWriter: w, cap: &capture{}}
	start := time.Now()
	r.next.ServeHTTP(rw, req)
	ex := exchange{agent: agent, action: strings.Trim(strings.TrimSpace(req.Header.Get("SOAPAction")), `"`),
		reqType: req.Header.Get("Content-Type"), req: reqCap, status: rw.status, respType: rw.Header().Get("Content-Type"),
		resp: rw.cap, url: req.URL.Path, took: time.Since(start)}
	r.pending.Add(1)
	go func() {
		defer r.pending.Done()
		r.sem <- struct{}{}
		defer func() { <-r.sem }()
		r.check(ex)
	}()
}

type exchange struct {
	agent, action, reqType, respType, url string
	req, resp                             *capture
	status                                int
	took                                  time.Duration
}

// agentOf names the agent a request addresses (…/Remote/Services88/<Agent>.svc).
func agentOf(req *http.Request) (string, bool) {
	i := strings.LastIndex(req.URL.Path, netserver.BasePath)
	if i < 0 {
		return "", false
	}
	name := req.URL.Path[i+len(netserver.BasePath):]
	if !strings.HasSuffix(strings.ToLower(name), ".svc") || strings.Contains(name, "/") {
		return "", false
	}
	return name[:len(name)-len(".svc")], true
}

// check validates one exchange and records it.
func (r *Recorder) check(ex exchange) {
	set := r.setFor(ex.agent)
	c := set.Contract(ex.agent)
	var op *contract.Operation
	if c != nil {
		op = c.ByAction(ex.action)
	}
	name := ex.agent + "." + opName(op)
	step := results.Step{Name: fmt.Sprintf("call at %s", time.Now().UTC().Format("15:04:05.000")), Call: name,
		Exchange: &results.Exchange{URL: ex.url, Action: ex.action, Request: ex.req.buf.String(), Status: ex.status,
			ContentType: ex.respType, Response: ex.resp.buf.String(), Seconds: ex.took.Seconds()}}
	clientFailed, serverFailed := false, false
	var stepSecrets []string // credentials in this exchange: kept with it, if it is kept
	add := func(id string, s results.Status, msg string) {
		step.Checks = append(step.Checks, results.Check{ID: id, Status: s, Message: msg})
	}
	switch {
	case c == nil:
		why := ""
		if r.Live != nil {
			r.liveMu.Lock()
			why = r.liveWhy[ex.agent]
			r.liveMu.Unlock()
		}
		msg := fmt.Sprintf("the client called the agent %s, which no loaded contract describes", ex.agent)
		if why != "" {
			msg += ", and the upstream's WSDL of it could not be had: " + why
		}
		add(checks.OpUnknown, results.Failed, msg)
		clientFailed = true
	case op == nil:
		add(checks.OpUnknown, results.Failed, fmt.Sprintf("the client's SOAPAction \"%s\" names no operation of %s", ex.action, ex.agent))
		clientFailed = true
	default:
		var msgs []*soap.Message
		side := func(who string, capd *capture, contentType string, dir contract.Direction) bool {
			failed := false
			var rv *validate.Result
			if capd.size > MaxChecked {
				rv = &validate.Result{Findings: []validate.Finding{{Check: checks.XMLSize, Severity: checks.Must,
					Message: fmt.Sprintf("the %s is %d bytes; it was passed on whole and checked no further than %d", dir, capd.size, MaxChecked)}}}
			} else {
				rv = set.Validator.ValidateAndRead(capd.buf.Bytes(), soap.Charset(contentType), validate.Target{Service: ex.agent, Operation: op.Name, Direction: dir})
				if rv.Message != nil {
					msgs = append(msgs, rv.Message)
				}
			}
			for _, f := range rv.Findings {
				if f.Severity == checks.Info {
					continue
				}
				res := f.Result(results.Warning)
				res.Message = who + ": " + res.Message
				switch {
				case who == "request" && f.Check == checks.HdrMissing:
					// The catalog's allowance: NetServer serves it.
					res.Message += " (a warning: " + checks.AllowRequestHeaders + ")"
				case f.Severity == checks.Must && who == "request":
					res.Status, failed = results.Failed, true
				case f.Severity == checks.Must:
					failed = true
					res.Message = "the server's " + res.Message
				}
				step.Checks = append(step.Checks, res)
			}
			return failed
		}
		clientFailed = side("request", ex.req, ex.reqType, contract.Request)
		if ex.status != 0 {
			serverFailed = side("response", ex.resp, ex.respType, contract.Response)
		}
		if !clientFailed {
			add(checks.ReqValid, results.Passed, "the client's request is valid against the contract")
		}
		for _, m := range msgs {
			stepSecrets = append(stepSecrets, netserver.MessageSecrets(m)...)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.ops[name]
	if st == nil {
		st = &opStats{}
		r.ops[name] = st
	}
	st.calls++
	if clientFailed {
		st.clientFailed++
	}
	if serverFailed {
		st.serverFailed++
	}
	if len(st.steps) < keepFirst || ((clientFailed || serverFailed) && len(st.steps) < keepFirst+keepFound) {
		st.steps = append(st.steps, step)
		// Only what is kept must be redacted (tickets and tokens also by
		// shape): the secret set grows with the evidence, not the session.
		for _, sec := range stepSecrets {
			if !r.secrets[sec] {
				r.secrets[sec], r.red = true, nil
			}
		}
	}
}

func opName(op *contract.Operation) string {
	if op == nil {
		return "(unknown operation)"
	}
	return op.Name
}

// drift compares a WSDL the client fetched with the contract checked against.
func (r *Recorder) drift(agent, source string, data []byte) {
	_, diff, err := r.set.Drift(source, data)
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err != nil:
		r.notCompared[agent] = "the WSDL cannot be read: " + err.Error()
	case len(diff) > 0:
		r.driftSeen[agent] = diff
	default:
		delete(r.driftSeen, agent)
	}
}

// Drift is how the WSDLs the client fetched differ from the contracts
// checked against (a warning, as in conform run), and which could not be
// compared and why.
func (r *Recorder) Drift() (map[string][]string, map[string]string) {
	r.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	d, n := map[string][]string{}, map[string]string{}
	for k, v := range r.driftSeen {
		d[k] = v
	}
	for k, v := range r.notCompared {
		n[k] = v
	}
	return d, n
}

// Wait waits for the exchanges still being checked.
func (r *Recorder) Wait() { r.pending.Wait() }

// Redactor redacts every credential seen in the traffic.
func (r *Recorder) Redactor() *soap.Redactor {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.red == nil {
		var all []string
		for s := range r.secrets {
			all = append(all, s)
		}
		r.red = netserver.NewRedactor(all...)
	}
	return r.red
}

// Cases are the client report's cases: one per operation called (its
// counts, and the exchanges kept), then one per pinned operation the client
// never called, skipped.
func (r *Recorder) Cases() []results.Case {
	r.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []results.Case
	var names []string
	for n := range r.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		st := r.ops[n]
		c := results.Case{Operation: n, Name: fmt.Sprintf("client calls: %d (%d with client findings, %d with server findings)", st.calls, st.clientFailed, st.serverFailed),
			Labels: []string{"client"}, Source: "observed traffic", Steps: st.steps}
		c.Finish()
		out = append(out, c)
	}
	for _, c := range r.set.Contracts() {
		for _, op := range c.Operations {
			if _, called := r.ops[c.Service+"."+op.Name]; !called {
				out = append(out, results.Case{Operation: c.Service + "." + op.Name, Name: "client calls: 0", Labels: []string{"client"},
					Source: "the contract", Status: results.Skipped, SkipReason: "the client never called it"})
			}
		}
	}
	return out
}
