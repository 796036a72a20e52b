package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
)

const ns = "http://www.superoffice.net/ws/crm/NetServer/Services88"

func str(s string) *string { return &s }

// answer serves one canned GetExternalTokens response.
func answer(t *testing.T, succeeded bool, exc bool, body string) *engine.Engine {
	headers := []string{soap.NilElem(ns, "ExceptionInfo"), soap.NilElem(ns, "ExtraInfo"), soap.Elem(ns, "Succeeded", map[bool]string{true: "true", false: "false"}[succeeded]), soap.NilElem(ns, "TimeZone")}
	if exc {
		headers[0] = soap.Elem(ns, "ExceptionInfo", soap.Text("Message", "no")+soap.Text("ExceptionType", "X"))
	}
	env := soap.Envelope("1.1", headers, soap.Elem(ns, "GetExternalTokensResponse", body))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", soap.ContentType11)
		w.Write(env)
	}))
	t.Cleanup(srv.Close)
	e, err := engine.New(engine.Config{Endpoint: srv.URL, Ticket: "7T:t", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func run(e *engine.Engine, exp fixture.Expect, capture map[string]string) map[string]results.Check {
	c := &fixture.Case{Operation: "User.GetExternalTokens", Name: "t", Steps: []fixture.Step{{Name: "s", Call: "User.GetExternalTokens", Auth: fixture.AuthTicket,
		Params: map[string]*string{"Key": str("k")}, Capture: capture, Expect: exp}}}
	res := e.Run(context.Background(), c)
	out := map[string]results.Check{}
	for _, cr := range res.Steps[0].Checks {
		out[cr.ID] = cr
	}
	return out
}

func TestExpectations(t *testing.T) {
	tokens := "<Response>" + soap.Text("Provider", "p") + soap.Nil("AccessToken") + soap.Text("Claims", "") + "</Response>"
	for _, tc := range []struct {
		name      string
		succeeded bool
		exc       bool
		body      string
		expect    fixture.Expect
		capture   map[string]string
		outcome   results.Status
		value     results.Status // "" when no EXP-VALUE result is expected
		message   string
	}{
		{"success expected and had", true, false, tokens, fixture.Expect{Outcome: "success"}, nil, results.Passed, "", ""},
		{"success expected, failure had", false, true, soap.Nil("Response"), fixture.Expect{Outcome: "success"}, nil, results.Failed, "", "expected success; got Succeeded=false with ExceptionInfo"},
		{"failure without ExceptionInfo", false, false, soap.Nil("Response"), fixture.Expect{Outcome: "failure"}, nil, results.Failed, "", "got Succeeded=false"},
		{"failure had", false, true, soap.Nil("Response"), fixture.Expect{Outcome: "failure"}, nil, results.Passed, "", ""},
		{"equals", true, false, tokens, fixture.Expect{Values: []fixture.Value{{Path: "Response/Provider", Equals: str("p")}}}, nil, results.Passed, results.Passed, ""},
		{"equals, wrong", true, false, tokens, fixture.Expect{Values: []fixture.Value{{Path: "Response/Provider", Equals: str("q")}}}, nil, results.Passed, results.Failed, `Response/Provider is "p"; expected "q"`},
		{"pattern", true, false, tokens, fixture.Expect{Values: []fixture.Value{{Path: "Response/Provider", Pattern: "^x"}}}, nil, results.Passed, results.Failed, "expected a match of ^x"},
		{"nil", true, false, tokens, fixture.Expect{Values: []fixture.Value{{Path: "Response/AccessToken", Nil: true}, {Path: "Response/Provider", Nil: true}}}, nil, results.Passed, results.Failed, `Response/Provider is "p"; expected nil`},
		{"nil or absent", true, false, tokens, fixture.Expect{Values: []fixture.Value{{Path: "Response/RefreshToken", NilOrAbsent: true}, {Path: "Response/AccessToken", NilOrAbsent: true}}}, nil, results.Passed, results.Passed, ""},
		{"not empty", true, false, tokens, fixture.Expect{Values: []fixture.Value{{Path: "Response/Claims", NotEmpty: true}}}, nil, results.Passed, results.Failed, `Response/Claims is ""; expected a value`},
		{"values of a failed call", false, true, soap.Nil("Response"), fixture.Expect{Values: []fixture.Value{{Path: "Response/Provider", NotEmpty: true}}}, nil, results.Passed, results.NotApplicable, ""},
		{"capture of nothing", true, false, tokens, fixture.Expect{}, map[string]string{"x": "Response/RefreshToken"}, results.Passed, results.Failed, "nothing to capture as ${x}"},
	} {
		got := run(answer(t, tc.succeeded, tc.exc, tc.body), tc.expect, tc.capture)
		if got["EXP-OUTCOME"].Status != tc.outcome {
			t.Errorf("%s: EXP-OUTCOME %s (%s), want %s", tc.name, got["EXP-OUTCOME"].Status, got["EXP-OUTCOME"].Message, tc.outcome)
		}
		v, ok := got["EXP-VALUE"]
		if tc.value == "" && ok || tc.value != "" && v.Status != tc.value {
			t.Errorf("%s: EXP-VALUE %+v, want %s", tc.name, v, tc.value)
		}
		if tc.message != "" && !strings.Contains(got["EXP-OUTCOME"].Message+got["EXP-VALUE"].Message, tc.message) {
			t.Errorf("%s: messages %q / %q lack %q", tc.name, got["EXP-OUTCOME"].Message, got["EXP-VALUE"].Message, tc.message)
		}
		if got["BODY-VALID"].Status != results.Passed || got["HTTP-STATUS"].Status != results.Passed {
			t.Errorf("%s: the canned response itself should be valid: %+v %+v", tc.name, got["BODY-VALID"], got["HTTP-STATUS"])
		}
	}
}

// A case whose request conform cannot make valid is an error of the case,
// and nothing is sent.
func TestInvalidRequestIsNotSent(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	e, _ := engine.New(engine.Config{Endpoint: srv.URL, Ticket: "7T:t"})
	c := &fixture.Case{Operation: "User.GetAccessToken", Name: "t", Steps: []fixture.Step{{Name: "s", Call: "User.GetAccessToken", Auth: fixture.AuthTicket,
		Params: map[string]*string{"IncludeCsSession": str("maybe")}}}}
	res := e.Run(context.Background(), c)
	if !res.Errored() || res.Steps[0].Checks[0].ID != "REQ-VALID" || hits != 0 {
		t.Errorf("errored=%v checks=%+v hits=%d", res.Errored(), res.Steps[0].Checks, hits)
	}
}

// A panic inside a step (here: a call no contract knows, which the catalog
// loader would refuse) is an error of that step with its stack, not a
// crash of the run.
func TestPanicInAStepIsAnError(t *testing.T) {
	e, _ := engine.New(engine.Config{Endpoint: "http://127.0.0.1:1", Ticket: "7T:t"})
	c := &fixture.Case{Operation: "Nope.Op", Name: "t", Steps: []fixture.Step{{Name: "s", Call: "Nope.Op"}}}
	res := e.Run(context.Background(), c)
	if !res.Errored() || len(res.Steps) != 1 {
		t.Fatalf("errored=%v steps=%+v", res.Errored(), res.Steps)
	}
	cr := res.Steps[0].Checks[len(res.Steps[0].Checks)-1]
	if cr.Status != results.Error || !strings.Contains(cr.Message, "a bug of conform") || !strings.Contains(cr.Detail, "engine.(*Engine).step") {
		t.Errorf("check %+v", cr)
	}
}

// Booleans are read by their lexical space, and SHOULD expectations warn.
func TestBooleansAndShould(t *testing.T) {
	e := answer(t, true, false, soap.Text("Response", ""))
	// The canned answer says Succeeded=true; a case expecting failure at
	// SHOULD severity warns, at MUST fails.
	got := run(e, fixture.Expect{Outcome: fixture.OutcomeFailure, Severity: fixture.SeverityShould, Why: "robustness"}, nil)
	if got["EXP-OUTCOME"].Status != results.Warning || !strings.Contains(got["EXP-OUTCOME"].Message, "robustness") {
		t.Errorf("should: %+v", got["EXP-OUTCOME"])
	}
	got = run(e, fixture.Expect{Outcome: fixture.OutcomeFailure}, nil)
	if got["EXP-OUTCOME"].Status != results.Failed {
		t.Errorf("must: %+v", got["EXP-OUTCOME"])
	}

	one := soap.Envelope("1.1", []string{soap.NilElem(ns, "ExceptionInfo"), soap.NilElem(ns, "ExtraInfo"), soap.Elem(ns, "Succeeded", " 1 "), soap.NilElem(ns, "TimeZone")},
		soap.Elem(ns, "IsNickNameUniqueResponse", soap.Text("Response", "0")))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		w.Write(one)
	}))
	defer srv.Close()
	e2, _ := engine.New(engine.Config{Endpoint: srv.URL, Ticket: "7T:t"})
	c := &fixture.Case{Operation: "User.IsNickNameUnique", Name: "t", Steps: []fixture.Step{{Name: "s", Call: "User.IsNickNameUnique", Auth: fixture.AuthTicket, Sample: true,
		Expect: fixture.Expect{Outcome: fixture.OutcomeSuccess, Values: []fixture.Value{{Path: "Response", Equals: str("false"), Boolean: true}}}}}}
	res := e2.Run(context.Background(), c)
	for _, cr := range res.Steps[0].Checks {
		if cr.Status != results.Passed && cr.Status != results.NotApplicable {
			t.Errorf("Succeeded 1 and Response 0: %s %s %s", cr.ID, cr.Status, cr.Message)
		}
	}
}
