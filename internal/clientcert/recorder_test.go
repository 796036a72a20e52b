package clientcert_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/clientcert"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
)

func post(t *testing.T, base, action string, body []byte) (int, string, []byte) {
	req, _ := http.NewRequest(http.MethodPost, base+netserver.BasePath+"User.svc", bytes.NewReader(body))
	req.Header.Set("Content-Type", soap.ContentType11)
	req.Header.Set("SOAPAction", `"`+action+`"`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), data
}

// The recorder changes nothing the client sees, puts the client's
// findings in the verdict and the server's in warnings, and lists the
// operations never called.
func TestRecorder(t *testing.T) {
	set, err := contracts.Default()
	if err != nil {
		t.Fatal(err)
	}
	m := mock.MustNew(mock.Options{})
	direct := httptest.NewServer(m)
	defer direct.Close()
	rec := clientcert.New(m, set)
	proxied := httptest.NewServer(rec)
	defer proxied.Close()
	action := set.Contract("User").Op("IsNickNameUnique").SOAPAction
	valid := soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, nil), soap.Elem(ns, "IsNickNameUnique", soap.Text("NickName", "x")))
	invalid := soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, nil), soap.Elem(ns, "IsNickNameUnique", "<Nope/>"))
	for _, body := range [][]byte{valid, invalid} {
		s1, ct1, b1 := post(t, direct.URL, action, body)
		s2, ct2, b2 := post(t, proxied.URL, action, body)
		if s1 != s2 || ct1 != ct2 || !bytes.Equal(b1, b2) {
			t.Errorf("through the recorder: HTTP %d %s %q; directly: HTTP %d %s %q", s2, ct2, b2, s1, ct1, b1)
		}
	}
	cases := rec.Cases()
	var got *results.Case
	skipped := 0
	for i, c := range cases {
		if c.Operation == "User.IsNickNameUnique" {
			got = &cases[i]
		}
		if c.Status == results.Skipped {
			skipped++
		}
	}
	if got == nil || got.Status != results.Failed || !strings.HasPrefix(got.Name, "client calls: 2 (1 with client findings") {
		t.Fatalf("IsNickNameUnique: %+v", got)
	}
	if !strings.Contains(got.Summary(), "[BODY-VALID] request: line 2 /s:Envelope/s:Body/IsNickNameUnique/Nope") {
		t.Errorf("the client's finding is not named: %s", got.Summary())
	}
	// Its line and path are kept apart from the message, so that a report
	// can place it as it places the engine's.
	placed := false
	for _, st := range got.Steps {
		for _, c := range st.Checks {
			placed = placed || (c.ID == "BODY-VALID" && c.Line == 2 && c.Path == "/s:Envelope/s:Body/IsNickNameUnique/Nope")
		}
	}
	if !placed {
		t.Errorf("the client's BODY-VALID finding has no line and path of its own: %+v", got.Steps)
	}
	if total := len(set.Contracts()); skipped < 100 || total == 0 {
		t.Errorf("%d operations reported as never called", skipped)
	}
}

// A WSDL the client fetches passes through and is compared with the
// contract: the same one is no drift, a moved SOAPAction is.
func TestRecorderDrift(t *testing.T) {
	set, _ := contracts.Default()
	m := mock.MustNew(mock.Options{})
	moved := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		body := rec.Body.String()
		if strings.Contains(r.URL.Path, "User.svc") {
			body = strings.Replace(body, `soapAction="http://www.superoffice.net/ws/crm/NetServer/Services88/User/GetUser"`, `soapAction="urn:moved"`, 1)
		}
		w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
		w.Write([]byte(body))
	})
	rec := clientcert.New(moved, set)
	srv := httptest.NewServer(rec)
	defer srv.Close()
	for _, agent := range []string{"User", "SoPrincipal"} {
		resp, err := http.Get(srv.URL + netserver.BasePath + agent + ".svc?singleWsdl")
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(data), "wsdl:definitions") {
			t.Fatalf("%s: the WSDL did not pass through", agent)
		}
	}
	drift, notCompared := rec.Drift()
	if len(drift["User"]) != 1 || !strings.Contains(drift["User"][0], `urn:moved`) || len(drift["SoPrincipal"]) != 0 || len(notCompared) != 0 {
		t.Errorf("drift %v, not compared %v", drift, notCompared)
	}
}
