// Package engine runs one case of the catalog against an endpoint: per
// step it builds the request, validates it before sending, posts it,
// checks HTTP status and content type, validates the response (envelope,
// headers, body element, strictly), checks the case's expectations, and
// keeps the exchange as evidence. Every result names a check of the
// catalog. It knows nothing of Ginkgo: the suite calls it from its specs.
package engine

import (
	"context"
	"fmt"
	"github.com/conform-dev/conform/internal/netserver"
	"mime"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/instance"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/safety"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/validate"
)

// LargeResponse is the size above which a response is read alone, one at a
// time across the run's cases (256 KiB: a NetServer answer is rarely a
// tenth of it).
const LargeResponse = 256 << 10

// InvalidTicket is the ticket sent by steps with auth: invalid.
const InvalidTicket = "7T:conform-invalid-ticket"

// Config is what the engine needs to talk to an endpoint.
type Config struct {
	Endpoint string // base URL; agents at netserver.AgentURL(Endpoint, agent)
	Ticket   string
	AppToken *string
	Timeout  time.Duration
	HTTP     *http.Client
	// Contracts is the contract set to test against; nil: the embedded one.
	Contracts *contracts.Set
	// RunID names what the run creates ("conform-${run}" in a case).
	RunID string
	// Guard is the tier whose calls alone are sent: a step the tier does
	// not allow is refused before it is sent (RUN-TIER), whatever skipped
	// or did not skip its case. "" (the embedded mock): no guard.
	Guard safety.Tier
	// StepDone, when set, gets a case's result after each of its steps
	// (clean-up calls included), step i just added: the run's report
	// writer writes that step's evidence then and keeps an excerpt of its
	// messages (report.Writer.StreamStep), so that a case of many large
	// answers holds one at a time.
	StepDone func(res *results.Case, i int)
	// Ledger, when set, gets every change of a record the run created (made,
	// removed, left), as it happens, from several goroutines.
	Ledger func(results.Record)
}

// Engine runs cases. It is safe for concurrent use.
type Engine struct {
	cfg    Config
	v      *validate.Validator
	set    *contracts.Set
	client *soap.Client

	large sync.Mutex // held while a large response is read

	mu       sync.Mutex
	secrets  map[string]bool
	redactor *soap.Redactor // for secrets as they are now; nil when stale
}

// New builds an engine over the embedded contracts.
func New(cfg Config) (*Engine, error) {
	set := cfg.Contracts
	if set == nil {
		var err error
		if set, err = contracts.Default(); err != nil {
			return nil, err
		}
	}
	v := set.Validator
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	e := &Engine{cfg: cfg, v: v, set: set, client: &soap.Client{HTTP: cfg.HTTP}, secrets: map[string]bool{}}

	e.AddSecrets(cfg.Ticket)
	if cfg.AppToken != nil {
		e.AddSecrets(*cfg.AppToken)
	}
	return e, nil
}

// Services are the agents the engine knows, in lookup order.
func (e *Engine) Services() []string {
	var out []string
	for _, c := range e.v.Contracts() {
		out = append(out, c.Service)
	}
	return out
}

// Contract and Instances make the engine a fixture.Model.
func (e *Engine) Contract(service string) *contract.Contract { return e.v.Contract(service) }

// Instances is the schema model of a service.
func (e *Engine) Instances(service string) *instance.Schema { return e.set.Model(service) }

// Validator is the engine's validator.
func (e *Engine) Validator() *validate.Validator { return e.v }

// AddSecrets registers values that must never be written anywhere.
func (e *Engine) AddSecrets(values ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, v := range values {
		if strings.TrimSpace(v) != "" && !e.secrets[v] {
			e.secrets[v] = true
			e.redactor = nil
		}
	}
}

// Redactor redacts every credential the engine has seen; it is rebuilt
// only when a new one was seen, so redaction stays linear in the text.
func (e *Engine) Redactor() *soap.Redactor {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.redactor == nil {
		out := make([]string, 0, len(e.secrets))
		for s := range e.secrets {
			out = append(out, s)
		}
		e.redactor = netserver.NewRedactor(out...)
	}
	return e.redactor
}

// URL of an agent.
func (e *Engine) URL(service string) string {
	return netserver.AgentURL(e.cfg.Endpoint, service)
}

// Run runs every step of a case; a step whose request could not be sent
// or answered ends the case. What the case created is recorded as each
// creating step is answered, and deleted at the end where the contract
// has a delete operation: after a failure, a deadline or Ctrl-C too.
func (e *Engine) Run(ctx context.Context, c *fixture.Case) results.Case {
	start := time.Now()
	res := Describe(c)
	vars := map[string]string{fixture.RunVar: e.cfg.RunID}
	led := &ledger{e: e, c: c}
	for i := range c.Steps {
		st := &c.Steps[i]
		if i > 0 && ctx.Err() != nil {
			res.Steps = append(res.Steps, results.Step{Name: st.Name, Call: st.Call, Checks: []results.Check{{ID: checks.HTTPTransport, Status: results.Error,
				Message: "not sent: the run was stopped (" + ctx.Err().Error() + ")"}}})
			break
		}
		if missing := fixture.Missing(st, vars); len(missing) > 0 {
			// An earlier step did not give what this one needs (it did not
			// succeed, and its failure says why): the rest is not sent.
			res.Steps = append(res.Steps, results.Step{Name: st.Name, Call: st.Call, Checks: []results.Check{{ID: checks.ReqValid, Status: results.NotApplicable,
				Message: "not sent: it needs ${" + strings.Join(missing, "}, ${") + "}, which an earlier step did not capture (that step did not succeed)"}}})
			break
		}
		if why := e.refuse(st, vars, led); why != "" {
			res.Steps = append(res.Steps, results.Step{Name: st.Name, Call: st.Call, Checks: []results.Check{{ID: checks.RunTier, Status: results.Error,
				Message: "not sent: " + why}}})
			break
		}
		r := e.safeStep(ctx, c, st, vars)
		led.track(st, r, vars)
		res.Steps = append(res.Steps, r)
		e.stepDone(&res)
		if stepErrored(r) {
			break
		}
	}
	for _, r := range led.cleanUp(ctx) {
		res.Steps = append(res.Steps, r)
		e.stepDone(&res)
	}
	res.Records = led.records()
	res.Seconds = time.Since(start).Seconds()
	res.Finish()
	return res
}

// stepDone hands the case's last step to StepDone.
func (e *Engine) stepDone(res *results.Case) {
	if e.cfg.StepDone != nil {
		e.cfg.StepDone(res, len(res.Steps)-1)
	}
}

// Describe is a case's result before it runs: its identity.
func Describe(c *fixture.Case) results.Case {
	return results.Case{Operation: c.Operation, Name: c.Name, Labels: c.Labels, Safety: string(c.Safety), Source: c.Source, Generated: c.Generated}
}

func stepErrored(st results.Step) bool {
	for _, cr := range st.Checks {
		if cr.Status == results.Error {
			return true
		}
	}
	return false
}

// exchange is the plain form of an HTTP exchange.
func exchange(ex *soap.Exchange) *results.Exchange {
	if ex == nil {
		return nil
	}
	out := &results.Exchange{URL: ex.URL, Action: ex.Action, Request: string(ex.Request), Status: ex.Status, ContentType: ex.ContentType,
		Response: string(ex.ResponseText()), Kept: ex.Kept(), Seconds: ex.Duration.Seconds()}
	if ex.Encoding != "" && ex.Encoding != soap.UTF8 {
		out.Encoding = ex.Encoding
	}
	return out
}

// safeStep runs a step; a panic inside it (a bug of conform, whatever the
// peer sent) becomes an error of the step with its stack, and the exchange
// made so far is kept as evidence.
func (e *Engine) safeStep(ctx context.Context, c *fixture.Case, st *fixture.Step, vars map[string]string) results.Step {
	out := stepResult{Step: results.Step{Name: st.Name, Call: st.Call}}
	func() {
		defer func() {
			if p := recover(); p != nil {
				out.Checks = append(out.Checks, results.Check{ID: checks.HTTPTransport, Status: results.Error,
					Message: fmt.Sprintf("conform failed inside case %q, step %q (a bug of conform; please report it with the evidence): %v", c.Name, st.Name, p),
					Detail:  string(debug.Stack())})
			}
		}()
		e.step(ctx, st, vars, &out)
	}()
	out.Exchange = exchange(out.ex)
	return out.Step
}

// stepResult is a step being run: its result and the exchange so far.
type stepResult struct {
	results.Step
	ex *soap.Exchange
}

// add adds a check result to the step.
func (out *stepResult) add(id string, s results.Status, msg, detail string) {
	out.Checks = append(out.Checks, results.Check{ID: id, Status: s, Message: msg, Detail: detail})
}

// addAt adds a check result placed by its first finding.
func (out *stepResult) addAt(id string, s results.Status, f validate.Finding, suffix, detail string) {
	c := f.Result(s)
	c.ID, c.Message, c.Detail = id, c.Message+suffix, detail
	out.Checks = append(out.Checks, c)
}

// step runs one call of a case: its request built and proven valid, the
// exchange, the response's message checks, and the case's expectations.
func (e *Engine) step(ctx context.Context, st *fixture.Step, vars map[string]string, out *stepResult) {
	svc, opName, _ := strings.Cut(st.Call, ".")
	c := e.v.Contract(svc)
	op := c.Op(opName)
	envelope, send := e.request(st, vars, svc, c, op, out)
	if !send {
		return
	}
	// A large answer is read alone, across the run's cases: the lock is
	// taken as soon as an answer grows past LargeResponse, before it is held
	// whole, and kept until the step ends (its validation included).
	large := false
	defer func() {
		if large {
			e.large.Unlock()
		}
	}()
	cctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	contentType := soap.ContentType11
	if c.SOAPVersion == "1.2" {
		contentType = soap.ContentType12
	}
	lctx := soap.WithLarge(cctx, LargeResponse, func() { e.large.Lock(); large = true })
	ex, err := e.client.Post(lctx, e.URL(svc), op.SOAPAction, contentType, envelope)
	if err != nil {
		out.add(checks.HTTPTransport, results.Error, err.Error(), "")
		out.ex = &soap.Exchange{URL: e.URL(svc), Action: op.SOAPAction, Request: envelope}
		return
	}
	out.ex = ex
	// Reading costs up to some eighty times an answer's size (a tree of
	// 262,000 elements in 1 MiB), so a run's peak memory is that of one
	// large answer, not of one per case running beside it.
	if len(ex.Response) > LargeResponse && !large {
		e.large.Lock()
		large = true
	}
	rv := e.response(ex, svc, opName)
	isFault := false
	for _, f := range rv.Findings {
		isFault = isFault || f.Check == checks.BodyFault
	}
	e.httpChecks(ex, c.SOAPVersion, isFault, out.add)
	messageChecks(rv, isFault, out)

	// The case's expectations, read once, and only from what passed the
	// XML-level checks: what was not read is redacted by the credentials
	// already known and by shape.
	var msg *soap.Message
	if readable(rv) {
		msg = rv.Message // read by the validation: not parsed again
	}
	if msg != nil {
		e.AddSecrets(netserver.MessageSecrets(msg)...)
	}
	out.Succeeded = e.outcome(st, msg, isFault, out.add)
	out.Fault = isFault
	e.values(st, msg, out.Succeeded, vars, out.add)
}

// request builds the step's envelope and proves it valid before it is
// sent (REQ-VALID); send is false when it must not be.
func (e *Engine) request(st *fixture.Step, vars map[string]string, svc string, c *contract.Contract, op *contract.Operation, out *stepResult) (envelope []byte, send bool) {
	var body []byte
	var err error
	if st.Sample {
		body, err = e.set.Model(svc).Element(op.Input.Body)
	} else {
		params := make(map[string]*string, len(st.Params))
		for k, v := range st.Params {
			if v != nil {
				x := fixture.Expand(*v, vars)
				v = &x
			}
			params[k] = v
		}
		body, err = e.set.Model(svc).Build(op.Input.Body, params)
	}
	if err != nil {
		out.add(checks.ReqValid, results.Error, "cannot build the request: "+err.Error(), "")
		return nil, false
	}
	envelope = soap.Envelope(c.SOAPVersion, e.requestHeaders(op, st.Auth), string(body))
	if st.Sample {
		// Generated values are made up ("sample-…"); only the headers
		// carry credentials.
		e.AddSecrets(netserver.Secrets(soap.Envelope(c.SOAPVersion, e.requestHeaders(op, st.Auth), ""))...)
	} else {
		e.AddSecrets(netserver.Secrets(envelope)...)
	}
	rv := e.v.Validate(envelope, validate.Target{Service: svc, Operation: op.Name, Direction: contract.Request})
	unsent := func() { out.ex = &soap.Exchange{URL: e.URL(svc), Action: op.SOAPAction, Request: envelope} }
	switch {
	case st.Invalid && !rv.Failed():
		out.add(checks.ReqValid, results.Error, "the case means to send an invalid request, but the request is valid (an error in the case)", "")
		unsent()
		return nil, false
	case st.Invalid:
		out.add(checks.ReqValid, results.Passed, "invalid, as the case intends: "+rv.Failures()[0].Text(), "")
	case rv.Failed():
		out.add(checks.ReqValid, results.Error, "the request conform built is not valid (an error in the case): "+rv.Failures()[0].Text(), findingsDetail(rv.Findings))
		unsent()
		return nil, false
	default:
		out.add(checks.ReqValid, results.Passed, "the request is valid", "")
	}
	return envelope, true
}

// response validates and reads the answer (one over the size limit is
// refused unread).
func (e *Engine) response(ex *soap.Exchange, svc, opName string) *validate.Result {
	if ex.Truncated {
		return &validate.Result{Findings: []validate.Finding{{Check: checks.XMLSize, Severity: checks.Must,
			Message: fmt.Sprintf("the response is larger than the limit of %d bytes; it was not read further (the evidence keeps its first %d bytes)", soap.DefaultMaxResponse, len(ex.Response))}}}
	}
	return e.v.ValidateAndRead(ex.Response, soap.Charset(ex.ContentType), validate.Target{Service: svc, Operation: opName, Direction: contract.Response})
}

// messageChecks turns the response's findings into one result per message
// check of the catalog: passed, or placed by its first finding with every
// finding in the detail.
func messageChecks(rv *validate.Result, isFault bool, out *stepResult) {
	for _, ch := range checks.Catalog {
		if ch.Scope != checks.ScopeMessage || ch.Severity == checks.Info || ch.ID == checks.OpUnknown {
			continue
		}
		var mine []validate.Finding
		for _, f := range rv.Findings {
			if f.Check == ch.ID {
				mine = append(mine, f)
			}
		}
		detail := ""
		if len(mine) > 1 {
			detail = findingsDetail(mine)
		}
		switch {
		case len(mine) == 0 && isFault && ch.ID == checks.HdrMissing:
			out.add(ch.ID, results.NotApplicable, "not applicable: "+checks.AllowFaultHeaders+" are not owed (a SOAP Fault is not the operation's output message)", "")
		case len(mine) == 0:
			out.add(ch.ID, results.Passed, ch.Description, "")
		case ch.Severity == checks.Must:
			out.addAt(ch.ID, results.Failed, mine[0], more(len(mine)), detail)
		default:
			out.addAt(ch.ID, results.Warning, mine[0], more(len(mine)), detail)
		}
	}
}

// readable: the response parsed as a SOAP envelope, whatever else is wrong.
func readable(rv *validate.Result) bool {
	for _, f := range rv.Findings {
		switch f.Check {
		case checks.XMLSize, checks.XMLLimits, checks.XMLEmpty, checks.XMLWellFormed, checks.XMLNoDTD, checks.XMLNoPI, checks.XMLEncoding, checks.EnvRoot:
			return false
		}
	}
	return true
}

func (e *Engine) requestHeaders(op *contract.Operation, auth string) []string {
	var out []string
	for _, h := range op.Input.Headers {
		ns := h.Element.Namespace
		switch h.Element.Name {
		case netserver.HeaderApplicationToken:
			if e.cfg.AppToken != nil {
				out = append(out, soap.Elem(ns, netserver.HeaderApplicationToken, soap.Escape(*e.cfg.AppToken)))
			} else {
				out = append(out, soap.NilElem(ns, netserver.HeaderApplicationToken))
			}
		case netserver.HeaderCredentials:
			switch auth {
			case fixture.AuthNone:
				out = append(out, soap.NilElem(ns, netserver.HeaderCredentials))
			case fixture.AuthInvalid:
				out = append(out, soap.Elem(ns, netserver.HeaderCredentials, soap.Text("Ticket", InvalidTicket)))
			default:
				out = append(out, soap.Elem(ns, netserver.HeaderCredentials, soap.Text("Ticket", e.cfg.Ticket)))
			}
		default:
			out = append(out, soap.NilElem(ns, h.Element.Name))
		}
	}
	return out
}

func (e *Engine) httpChecks(ex *soap.Exchange, version string, isFault bool, add func(string, results.Status, string, string)) {
	want, what := http.StatusOK, "a response"
	if isFault {
		want, what = http.StatusInternalServerError, "a SOAP Fault"
	}
	if ex.Status == want {
		add(checks.HTTPStatus, results.Passed, fmt.Sprintf("HTTP %d for %s", ex.Status, what), "")
	} else {
		add(checks.HTTPStatus, results.Failed, fmt.Sprintf("HTTP %d for %s; expected %d", ex.Status, what, want), "")
	}
	wantType := "text/xml"
	if version == "1.2" {
		wantType = "application/soap+xml"
	}
	mt, params, err := mime.ParseMediaType(ex.ContentType)
	cs := strings.ToLower(params["charset"])
	switch {
	case err != nil || mt != wantType:
		add(checks.HTTPContentType, results.Failed, fmt.Sprintf("Content-Type %s; SOAP %s wants %s; charset=utf-8", quoted(ex.ContentType), version, wantType), "")
	case cs != "utf-8" && cs != "utf-16" && cs != "utf-16le" && cs != "utf-16be":
		add(checks.HTTPContentType, results.Failed, fmt.Sprintf("Content-Type %s does not name the charset (utf-8 or utf-16)", quoted(ex.ContentType)), "")
	default:
		add(checks.HTTPContentType, results.Passed, "Content-Type "+ex.ContentType, "")
	}
}

// outcome checks EXP-OUTCOME and reports whether the call succeeded.
func (e *Engine) outcome(st *fixture.Step, msg *soap.Message, isFault bool, add func(string, results.Status, string, string)) bool {
	var succ *string
	var sb *bool // Succeeded as an xs:boolean
	exc := false
	if msg != nil {
		succ = msg.Header(netserver.HeaderSucceeded).Value()
		sb = msg.Header(netserver.HeaderSucceeded).BoolValue()
		if x := msg.Header(netserver.HeaderExceptionInfo); x != nil && !x.Nil() {
			exc = true
		}
	}
	succeeded := msg != nil && !isFault && sb != nil && *sb
	failedProperly := isFault || (sb != nil && !*sb && exc)
	failed := results.Failed
	should := ""
	if st.Expect.Severity == fixture.SeverityShould {
		failed, should = results.Warning, " (a SHOULD, not a contract failure: "+st.Expect.Why+")"
	}
	got := "no readable answer"
	switch {
	case isFault:
		got = "a SOAP Fault"
		if msg != nil && msg.Fault != nil {
			got = fmt.Sprintf("a SOAP Fault (%s)", msg.Fault.Code)
		}
	case succ == nil && msg != nil:
		got = "no Succeeded header"
	case succ != nil:
		got = "Succeeded=" + strings.TrimSpace(*succ)
		if exc {
			got += " with ExceptionInfo"
		}
	}
	switch st.Expect.Outcome {
	case fixture.OutcomeSuccess:
		if succeeded {
			add(checks.ExpOutcome, results.Passed, "succeeded, as expected", "")
		} else {
			add(checks.ExpOutcome, failed, "expected success; got "+got+should, "")
		}
	case fixture.OutcomeFailure:
		if failedProperly {
			add(checks.ExpOutcome, results.Passed, "failed as expected: "+got, "")
		} else {
			add(checks.ExpOutcome, failed, "expected a failure (Succeeded=false with ExceptionInfo, or a SOAP Fault); got "+got+should, "")
		}
	default:
		add(checks.ExpOutcome, results.Passed, "any outcome is accepted; got "+got, "")
	}
	return succeeded
}

// values checks EXP-VALUE (on a successful answer) and captures variables.
func (e *Engine) values(st *fixture.Step, msg *soap.Message, succeeded bool, vars map[string]string, add func(string, results.Status, string, string)) {
	if len(st.Expect.Values) == 0 && len(st.Capture) == 0 {
		return
	}
	if !succeeded {
		add(checks.ExpValue, results.NotApplicable, "values are expected of a successful answer only, and this call did not succeed", "")
		return
	}
	var problems, should, held []string
	names := make([]string, 0, len(st.Capture))
	for n := range st.Capture {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := msg.Body.At(strings.Split(st.Capture[name], "/")...).Value()
		if v == nil {
			problems = append(problems, fmt.Sprintf("%s: nothing to capture as ${%s}", st.Capture[name], name))
			continue
		}
		vars[name] = *v
	}
	for _, x := range st.Expect.Values {
		problem, ok := e.value(x, msg, vars)
		switch {
		case ok:
			if x.Equals != nil && !x.Boolean {
				// Shown as the reports show it: a credential by its mark,
				// the same mark as in the request that saved it.
				held = append(held, fmt.Sprintf("%s equals %s", x.Path, quoted(fixture.Expand(*x.Equals, vars))))
			}
		case x.Severity == fixture.SeverityShould || (x.Severity == "" && st.Expect.Severity == fixture.SeverityShould):
			why := x.Why
			if why == "" {
				why = st.Expect.Why
			}
			should = append(should, problem+" (a SHOULD, not a contract failure: "+why+")")
		default:
			problems = append(problems, problem)
		}
	}
	switch {
	case len(problems) > 0:
		// Every problem is named, the SHOULD ones after the MUST ones.
		add(checks.ExpValue, results.Failed, problems[0]+more(len(problems)+len(should)), strings.Join(append(problems, should...), "\n"))
	case len(should) > 0:
		add(checks.ExpValue, results.Warning, should[0]+more(len(should)), strings.Join(should, "\n"))
	default:
		msg := fmt.Sprintf("%d expected values, %d captures", len(st.Expect.Values), len(st.Capture))
		if len(held) > 0 {
			msg += ": " + strings.Join(held, "; ")
		}
		add(checks.ExpValue, results.Passed, msg, "")
	}
}

// value checks one expected value; it says what is wrong when it does not
// hold.
func (e *Engine) value(x fixture.Value, msg *soap.Message, vars map[string]string) (string, bool) {
	node := msg.Body.At(strings.Split(x.Path, "/")...)
	v := node.Value()
	show := func() string {
		switch {
		case node == nil:
			return "absent"
		case v == nil:
			return "nil"
		}
		return quoted(*v)
	}
	switch {
	case x.Equals != nil:
		want := fixture.Expand(*x.Equals, vars)
		if x.Boolean {
			got, want2 := node.BoolValue(), &soap.Node{Text: want}
			if w := want2.BoolValue(); got == nil || w == nil || *got != *w {
				return fmt.Sprintf("%s is %s; expected the xs:boolean %s", x.Path, show(), quoted(want)), false
			}
			return "", true
		}
		if v == nil || *v != want {
			return fmt.Sprintf("%s is %s; expected %s", x.Path, show(), quoted(want)), false
		}
	case x.Pattern != "":
		if v == nil || !x.Compiled().MatchString(*v) {
			return fmt.Sprintf("%s is %s; expected a match of %s", x.Path, show(), x.Pattern), false
		}
	case x.Nil:
		if node == nil || !node.Nil() {
			return fmt.Sprintf("%s is %s; expected nil", x.Path, show()), false
		}
	case x.NilOrAbsent:
		if v != nil {
			return fmt.Sprintf("%s is %s; expected nil or absent", x.Path, show()), false
		}
	case x.NotEmpty:
		if v == nil || strings.TrimSpace(*v) == "" {
			return fmt.Sprintf("%s is %s; expected a value", x.Path, show()), false
		}
	}
	return "", true
}

// quoted puts a value between quotes as it is. Not %q: Go's escapes would
// write a credential with a quote or a backslash in a form the redactor
// does not know. The terminal and the page make control characters safe.
func quoted(s string) string { return `"` + s + `"` }

func more(n int) string {
	if n > 1 {
		return fmt.Sprintf(" (and %d more)", n-1)
	}
	return ""
}

func findingsDetail(fs []validate.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s\n", f.Check, f.Text())
	}
	return b.String()
}
