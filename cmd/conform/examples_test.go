package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/safety"
	"github.com/conform-dev/conform/internal/validate"
)

// checkTriggers are, for the checks no .want file or broken server
// triggers, an example that does: each returns the check results it
// produced, and the spec "has an example that triggers every check" runs
// it and wants its check among them, not passed.
var checkTriggers = map[string]func() []results.Check{
	// A message over the size limit is refused unread.
	checks.XMLSize: func() []results.Check {
		v, err := validate.Default()
		if err != nil {
			panic(err)
		}
		small := *v
		small.MaxSize = 64
		r := small.Validate([]byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`+strings.Repeat("x", 100)+`</s:Body></s:Envelope>`), validate.Target{})
		var out []results.Check
		for _, f := range r.Findings {
			out = append(out, f.Result(results.Failed))
		}
		return out
	},
	// A case whose request is invalid is not sent (an xs:boolean "maybe").
	checks.ReqValid: func() []results.Check {
		return triggerStep(safety.TierDisposable, fixture.Step{Name: "s", Call: "User.GetAccessToken", Auth: fixture.AuthTicket,
			Params: map[string]*string{"IncludeCsSession": ptr("maybe")}})
	},
	// An endpoint that does not answer.
	checks.HTTPTransport: func() []results.Check {
		e, err := engine.New(engine.Config{Endpoint: "http://127.0.0.1:1", Ticket: "7T:t", Timeout: time.Second})
		if err != nil {
			panic(err)
		}
		r := e.Run(context.Background(), &fixture.Case{Operation: "User.IsNickNameUnique", Name: "t",
			Steps: []fixture.Step{{Name: "s", Call: "User.IsNickNameUnique", Auth: fixture.AuthTicket, Params: map[string]*string{"NickName": ptr("x")}}}})
		return allChecks(r)
	},
	// A write the read-only tier does not allow is refused before it is sent.
	checks.RunTier: func() []results.Check {
		return triggerStep(safety.TierReadOnly, fixture.Step{Name: "s", Call: "User.SaveExternalTokens", Auth: fixture.AuthTicket, Safety: safety.Mutating,
			Creates: &fixture.Creates{What: "token set", ID: "Response", As: "k"}})
	},
}

func ptr(s string) *string { return &s }

// triggerStep runs one step at a tier against an endpoint that must not be
// reached (it panics if it is).
func triggerStep(tier safety.Tier, st fixture.Step) []results.Check {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("the trigger reached the endpoint") }))
	defer srv.Close()
	e, err := engine.New(engine.Config{Endpoint: srv.URL, Ticket: "7T:t", Timeout: time.Second, Guard: tier})
	if err != nil {
		panic(err)
	}
	return allChecks(e.Run(context.Background(), &fixture.Case{Operation: st.Call, Name: "t", Steps: []fixture.Step{st}}))
}

func allChecks(r results.Case) []results.Check {
	var out []results.Check
	for _, st := range r.Steps {
		out = append(out, st.Checks...)
	}
	return out
}
