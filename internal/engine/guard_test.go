package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/safety"
)

// The engine's guard refuses, before sending, every call its tier does not
// allow, whatever let the case through: RUN-TIER, an error, and nothing
// reaches the endpoint.
func TestTierGuardRefuses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	one := func(st fixture.Step) *fixture.Case {
		return &fixture.Case{Operation: st.Call, Name: "t", Steps: []fixture.Step{st}}
	}
	id := "1"
	for _, tc := range []struct {
		name string
		tier safety.Tier
		c    *fixture.Case
	}{
		{"a write at read-only", safety.TierReadOnly, one(fixture.Step{Name: "s", Call: "User.SaveExternalTokens", Auth: fixture.AuthTicket, Safety: safety.Mutating,
			Creates: &fixture.Creates{What: "token set", ID: "Response", As: "k"}})},
		{"a sample write at own data", safety.TierOwnData, one(fixture.Step{Name: "s", Call: "User.DeleteRole", Auth: fixture.AuthTicket, Sample: true, Safety: safety.Destructive})},
		{"a write naming no record of the case at own data", safety.TierOwnData, one(fixture.Step{Name: "s", Call: "User.DeleteRole", Auth: fixture.AuthTicket,
			Params: map[string]*string{"RoleIdToDelete": &id}, Safety: safety.Destructive})},
		{"a target the case did not create at own data", safety.TierOwnData, one(fixture.Step{Name: "s", Call: "User.DeleteRole", Auth: fixture.AuthTicket,
			Params: map[string]*string{"RoleIdToDelete": &id}, Safety: safety.Destructive, Target: "role"})},
		{"an external call at the disposable tier", safety.TierDisposable, one(fixture.Step{Name: "s", Call: "User.SendChangePasswordEMail", Auth: fixture.AuthTicket, Sample: true, Safety: safety.External})},
	} {
		e, err := engine.New(engine.Config{Endpoint: srv.URL, Ticket: "7T:t", Timeout: time.Second, Guard: tc.tier})
		if err != nil {
			t.Fatal(err)
		}
		r := e.Run(context.Background(), tc.c)
		if len(r.Steps) != 1 || len(r.Steps[0].Checks) != 1 || r.Steps[0].Checks[0].ID != checks.RunTier || r.Steps[0].Checks[0].Status != results.Error {
			t.Errorf("%s: %+v", tc.name, r.Steps)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d refused calls reached the endpoint", n)
	}
}
