package clientcert_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/clientcert"
	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/schemas"
)

// A call to an agent no loaded contract describes is checked against the
// upstream's own WSDL (asked for once), not failed as unknown; an agent
// whose WSDL cannot be had is, with the reason.
func TestUnpinnedAgentCheckedAgainstTheLiveWSDL(t *testing.T) {
	// An upstream that serves an agent conform has not pinned: Acme.
	wsdl, err := schemas.FS.ReadFile("Tooltips/service.wsdl")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := contract.Extract("Acme.wsdl", []byte(strings.ReplaceAll(string(wsdl), "Tooltips", "Acme")))
	if err != nil {
		t.Fatal(err)
	}
	upstreamSet, err := contracts.Load(contracts.Extra{Live: map[string]map[string][]byte{"Acme": ex.Files}})
	if err != nil {
		t.Fatal(err)
	}
	m := mock.MustNew(mock.Options{Contracts: upstreamSet})
	set, _ := contracts.Default()
	rec := clientcert.New(m, set)
	asked := 0
	rec.Live = func(agent string) (*contracts.Set, error) {
		asked++
		if agent != "Acme" {
			return nil, errors.New("HTTP 404")
		}
		return upstreamSet, nil
	}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	tk := "7T:whatever"
	op := upstreamSet.Contract("Acme").Op("GetTooltip")
	body, _ := upstreamSet.Model("Acme").Element(op.Input.Body)
	env := soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, &tk), string(body))
	for _, agent := range []string{"Acme", "Acme", "Nowhere"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+netserver.BasePath+agent+".svc", bytes.NewReader(env))
		req.Header.Set("Content-Type", soap.ContentType11)
		req.Header.Set("SOAPAction", `"`+strings.Replace(op.SOAPAction, "Acme", agent, 1)+`"`)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	rec.Wait()
	if asked != 2 {
		t.Errorf("the live WSDL was asked for %d times, want once per agent (2)", asked)
	}
	seen := map[string]string{}
	checked := false
	for _, c := range rec.Cases() {
		if c.Operation == "Acme.GetTooltip" && c.Status == "passed" {
			checked = true
		}
		for _, st := range c.Steps {
			for _, ch := range st.Checks {
				if ch.ID == "OP-UNKNOWN" {
					seen[c.Operation] = ch.Message
				}
			}
		}
		if c.Operation == "Acme.GetTooltip" && c.Status == "skipped" {
			t.Errorf("Acme.GetTooltip was not checked: %+v", c)
		}
	}
	if !checked {
		t.Error("no passing case of Acme.GetTooltip: the call was not checked against Acme's live contract")
	}
	if _, ok := seen["Acme.GetTooltip"]; ok {
		t.Errorf("Acme was judged unknown: %v", seen)
	}
	if msg := seen["Nowhere.(unknown operation)"]; !strings.Contains(msg, "the upstream's WSDL of it could not be had: HTTP 404") {
		t.Errorf("an agent with no WSDL: %q (%v)", msg, seen)
	}
	origins, why := rec.LiveContracts()
	if origins["Acme"] != contracts.OriginLive || why["Nowhere"] == "" {
		t.Errorf("origins %v, why %v", origins, why)
	}
}
