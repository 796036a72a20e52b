package mock_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/conform-dev/conform/internal/netserver"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/instance"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/validate"
	"github.com/conform-dev/conform/schemas"
)

const ns = "http://www.superoffice.net/ws/crm/NetServer/Services88"

type env struct {
	t   testing.TB
	srv *httptest.Server
	m   *mock.Mock
	v   *validate.Validator
}

func start(t testing.TB, o mock.Options) *env {
	m := mock.MustNew(o)
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	v, err := validate.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, m: m, v: v}
}

func str(s string) *string { return &s }

// call posts a request and checks that the response is contract-valid.
func (e *env) call(service, op string, headers []string, body string) (*soap.Exchange, *soap.Message) {
	e.t.Helper()
	c := e.v.Contract(service)
	o := c.Op(op)
	ex, err := (&soap.Client{}).Post(context.Background(), e.srv.URL+mock.BasePath+service+".svc", o.SOAPAction, soap.ContentType11, soap.Envelope("1.1", headers, body))
	if err != nil {
		e.t.Fatal(err)
	}
	r := e.v.Validate(ex.Response, validate.Target{Service: service, Operation: op, Direction: contract.Response})
	if f := r.Failures(); len(f) > 0 {
		e.t.Fatalf("%s.%s: the mock's response is not contract-valid: %+v\n%s", service, op, f, ex.Response)
	}
	msg, err := soap.Read(ex.Response)
	if err != nil {
		e.t.Fatal(err)
	}
	return ex, msg
}

func (e *env) login(user, password string) (string, bool) {
	e.t.Helper()
	_, msg := e.call("SoPrincipal", "AuthenticateUsernamePassword", netserver.RequestHeaders(ns, nil, nil)[:1],
		soap.Elem(ns, "AuthenticateUsernamePassword", soap.Text("UserName", user)+soap.Text("Password", password)))
	ok := *msg.Body.At("AuthenticationSucceeded").Value() == "true"
	t := msg.Body.At("Credentials", "Ticket").Value()
	if t == nil {
		return "", ok
	}
	return *t, ok
}

func (e *env) ticket() string {
	t, ok := e.login(mock.DefaultUser, mock.DefaultPassword)
	if !ok || !strings.HasPrefix(t, "7T:") {
		e.t.Fatalf("login failed: %q", t)
	}
	return t
}

func succeeded(msg *soap.Message) bool { return *msg.Header("Succeeded").Value() == "true" }

func TestAuthenticate(t *testing.T) {
	e := start(t, mock.Options{Users: map[string]string{"ann": "s3cret"}})
	if tk, ok := e.login("ann", "s3cret"); !ok || !strings.HasPrefix(tk, "7T:") {
		t.Errorf("configured user: ok=%v ticket=%q", ok, tk)
	}
	for _, c := range [][2]string{{"ann", "wrong"}, {"bob", "s3cret"}, {mock.DefaultUser, mock.DefaultPassword}} {
		if tk, ok := e.login(c[0], c[1]); ok || tk != "" {
			t.Errorf("%s/%s: authenticated (ticket %q)", c[0], c[1], tk)
		}
	}
}

func TestTicketExpires(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := start(t, mock.Options{TicketTTL: time.Minute, Now: clock})
	tk := e.ticket()
	body := soap.Elem(ns, "GetAccessToken", soap.Text("IncludeCsSession", "false"))
	if _, msg := e.call("User", "GetAccessToken", netserver.RequestHeaders(ns, nil, &tk), body); !succeeded(msg) {
		t.Fatal("fresh ticket refused")
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	_, msg := e.call("User", "GetAccessToken", netserver.RequestHeaders(ns, nil, &tk), body)
	if succeeded(msg) || *msg.Header("ExceptionInfo").At("ExceptionType").Value() != mock.ExcTicketExpired {
		t.Errorf("expired ticket accepted")
	}
}

func TestGetAccessToken(t *testing.T) {
	e := start(t, mock.Options{})
	tk := e.ticket()
	for _, tc := range []struct {
		app *string
		cs  bool
	}{{nil, false}, {str("my-app-token"), true}, {str(""), false}} {
		inner := soap.OptText("AppToken", tc.app) + soap.Text("IncludeCsSession", fmt.Sprint(tc.cs))
		_, msg := e.call("User", "GetAccessToken", netserver.RequestHeaders(ns, nil, &tk), soap.Elem(ns, "GetAccessToken", inner))
		if !succeeded(msg) {
			t.Fatal("GetAccessToken failed")
		}
		tok := *msg.Body.At("Response").Value()
		if !strings.HasPrefix(tok, "8A:") {
			t.Fatalf("token %q", tok)
		}
		g, ok := e.m.Grant(tok)
		if !ok || g.User != mock.DefaultUser || g.IncludeCsSession != tc.cs || fmt.Sprint(g.AppToken == nil) != fmt.Sprint(tc.app == nil) ||
			(tc.app != nil && *g.AppToken != *tc.app) {
			t.Errorf("grant %+v for AppToken %v, IncludeCsSession %v", g, tc.app, tc.cs)
		}
		// The access token authenticates the same user.
		_, am := e.call("SoPrincipal", "AuthenticateWithAccessToken", netserver.RequestHeaders(ns, nil, nil)[:1], soap.Elem(ns, "AuthenticateWithAccessToken", soap.Text("AccessToken", tok)))
		if *am.Body.At("AuthenticationSucceeded").Value() != "true" || *am.Body.At("Response", "Associate").Value() != mock.DefaultUser {
			t.Errorf("AuthenticateWithAccessToken with a fresh token failed")
		}
	}
}

// Without a valid ticket, NetServer answers in headers: Succeeded=false,
// ExceptionInfo, and a nil Response.
func TestAuthFailuresAreReportedInHeaders(t *testing.T) {
	e := start(t, mock.Options{})
	body := soap.Elem(ns, "GetExternalTokens", soap.Text("Key", "k"))
	for _, tc := range []struct {
		name    string
		ticket  *string
		excType string
	}{
		{"missing", nil, mock.ExcNotAuthenticated},
		{"empty", str(""), mock.ExcNotAuthenticated},
		{"invalid", str("7T:not-a-ticket"), mock.ExcInvalidTicket},
	} {
		_, msg := e.call("User", "GetExternalTokens", netserver.RequestHeaders(ns, nil, tc.ticket), body)
		exc := msg.Header("ExceptionInfo")
		if succeeded(msg) || exc.Nil() || *exc.At("ExceptionType").Value() != tc.excType || *exc.At("Message").Value() == "" {
			t.Errorf("%s ticket: Succeeded=%v ExceptionInfo=%+v", tc.name, succeeded(msg), exc)
		}
		if r := msg.Body.At("Response"); r == nil || !r.Nil() {
			t.Errorf("%s ticket: Response is not nil", tc.name)
		}
	}
}

func TestOnlineModeChecksApplicationToken(t *testing.T) {
	e := start(t, mock.Options{Online: true, AppToken: "app-123"})
	for _, tc := range []struct {
		app  *string
		want bool
	}{{nil, false}, {str("wrong"), false}, {str("app-123"), true}} {
		_, msg := e.call("SoPrincipal", "AuthenticateUsernamePassword", netserver.RequestHeaders(ns, tc.app, nil)[:1],
			soap.Elem(ns, "AuthenticateUsernamePassword", soap.Text("UserName", mock.DefaultUser)+soap.Text("Password", mock.DefaultPassword)))
		if succeeded(msg) != tc.want {
			t.Errorf("app token %v: Succeeded=%v", tc.app, succeeded(msg))
		}
		if !tc.want && *msg.Header("ExceptionInfo").At("ExceptionType").Value() != mock.ExcInvalidAppToken {
			t.Errorf("app token %v: wrong exception", tc.app)
		}
	}
	// On-site ignores the application token.
	onsite := start(t, mock.Options{})
	if _, ok := onsite.login(mock.DefaultUser, mock.DefaultPassword); !ok {
		t.Error("on-site mode refused a request without ApplicationToken")
	}
}

func tokenInfo(p, a, r, c *string) string {
	return "<TokenManagementInfo>" + soap.OptText("Provider", p) + soap.OptText("AccessToken", a) + soap.OptText("RefreshToken", r) + soap.OptText("Claims", c) + "</TokenManagementInfo>"
}

func TestExternalTokensRoundTrip(t *testing.T) {
	e := start(t, mock.Options{})
	tk := e.ticket()
	h := netserver.RequestHeaders(ns, nil, &tk)
	for _, tc := range []struct {
		name       string
		p, a, r, c *string
	}{
		{"all four", str("Google"), str("ya29.a0AfH6"), str("1//0gRefresh"), str(`{"scope":"mail"}`)},
		{"xml specials", str(`a & b < c > d "e" 'f'`), str("&amp;<![CDATA[x]]>"), str("</RefreshToken>"), str("<Claims/>")},
		{"non-ASCII", str("Ærø — 東京 🚀"), str("ñ"), str("ü"), str("\u00a0tab\there")},
		{"nil fields", str("OnlyProvider"), nil, nil, nil},
		{"all nil", nil, nil, nil, nil},
	} {
		for _, op := range []string{"SaveExternalTokens", "DecryptAndSaveExternalTokens"} {
			_, saved := e.call("User", op, h, soap.Elem(ns, op, tokenInfo(tc.p, tc.a, tc.r, tc.c)))
			key := saved.Body.At("Response").Value()
			if !succeeded(saved) || key == nil || len(*key) < 32 {
				t.Fatalf("%s %s: key %v", tc.name, op, key)
			}
			_, got := e.call("User", "GetExternalTokens", h, soap.Elem(ns, "GetExternalTokens", soap.Text("Key", *key)))
			resp := got.Body.At("Response")
			for _, f := range []struct {
				name string
				want *string
			}{{"Provider", tc.p}, {"AccessToken", tc.a}, {"RefreshToken", tc.r}, {"Claims", tc.c}} {
				v := resp.At(f.name).Value()
				if (v == nil) != (f.want == nil) || (v != nil && *v != *f.want) {
					t.Errorf("%s %s: %s = %v, want %v", tc.name, op, f.name, v, f.want)
				}
			}
		}
	}
	// Keys are fresh each time.
	_, a := e.call("User", "SaveExternalTokens", h, soap.Elem(ns, "SaveExternalTokens", tokenInfo(str("p"), nil, nil, nil)))
	_, b := e.call("User", "SaveExternalTokens", h, soap.Elem(ns, "SaveExternalTokens", tokenInfo(str("p"), nil, nil, nil)))
	if *a.Body.At("Response").Value() == *b.Body.At("Response").Value() {
		t.Error("two saves got the same key")
	}
	// Unknown and empty keys: Succeeded, nil Response.
	for _, key := range []*string{str("no-such-key"), str(""), nil} {
		_, got := e.call("User", "GetExternalTokens", h, soap.Elem(ns, "GetExternalTokens", soap.OptText("Key", key)))
		if !succeeded(got) || !got.Body.At("Response").Nil() {
			t.Errorf("key %v: want Succeeded and a nil Response", key)
		}
	}
}

// Every operation of both agents answers a schema-valid request with a
// contract-valid response (call checks it).
func TestEveryOperationAnswersValidly(t *testing.T) {
	e := start(t, mock.Options{})
	tk := e.ticket()
	n := 0
	for _, c := range e.v.Contracts() {
		model, err := instance.Load(schemas.FS, c.Service, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range c.Operations {
			body, err := model.Element(op.Input.Body)
			if err != nil {
				t.Fatal(err)
			}
			var h []string
			if len(op.Input.Headers) == 3 {
				h = netserver.RequestHeaders(ns, nil, &tk)
			} else {
				h = netserver.RequestHeaders(ns, nil, nil)[:1]
			}
			ex, msg := e.call(c.Service, op.Name, h, string(body))
			if ex.Status != http.StatusOK || msg.Fault != nil {
				t.Errorf("%s.%s: HTTP %d, fault %+v", c.Service, op.Name, ex.Status, msg.Fault)
			}
			n++
		}
	}
	// Every operation of the 57 pinned agents of Services88.
	if n != 1819 {
		t.Errorf("exercised %d operations, want every operation of the pinned agents (1,819)", n)
	}
}

func post(t *testing.T, url, contentType, action string, body io.Reader, length int64) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, body)
	req.ContentLength = length
	req.Header.Set("Content-Type", contentType)
	if action != "" {
		req.Header.Set("SOAPAction", action)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestTransport(t *testing.T) {
	e := start(t, mock.Options{MaxBody: 4096})
	user := e.srv.URL + mock.BasePath + "User.svc"
	action := "http://www.superoffice.net/ws/crm/NetServer/Services88/User/GetAccessToken"
	valid := soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, str("7T:x")), soap.Elem(ns, "GetAccessToken", ""))

	// SOAP 1.2 gets 415, as basicHttpBinding answers.
	if r := post(t, user, "application/soap+xml; charset=utf-8", action, bytes.NewReader(valid), int64(len(valid))); r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("SOAP 1.2 content type: HTTP %d", r.StatusCode)
	}
	// Other methods get 405; GET is for the WSDL only.
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodGet} {
		req, _ := http.NewRequest(m, user, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
			t.Errorf("%s: HTTP %d, Allow %q", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
	// Too large: 413, with a Content-Length and chunked alike.
	big := bytes.Repeat([]byte(" "), 8192)
	if r := post(t, user, soap.ContentType11, action, bytes.NewReader(big), int64(len(big))); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("declared large body: HTTP %d", r.StatusCode)
	}
	if r := post(t, user, soap.ContentType11, action, io.MultiReader(bytes.NewReader(big)), -1); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked large body: HTTP %d", r.StatusCode)
	}
	if r := post(t, e.srv.URL+"/Remote/Services88/Nope.svc", soap.ContentType11, action, bytes.NewReader(valid), int64(len(valid))); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown service: HTTP %d", r.StatusCode)
	}

	// Client faults: SOAPAction missing, unknown, disagreeing with the body;
	// an invalid request names its first finding.
	for _, tc := range []struct {
		name, action string
		body         []byte
		want         []string
	}{
		{"no SOAPAction", "", valid, []string{"SOAPAction header is missing"}},
		{"unknown SOAPAction", `"urn:nope"`, valid, []string{`"urn:nope" names no operation of User`}},
		{"SOAPAction disagrees with body", `"http://www.superoffice.net/ws/crm/NetServer/Services88/User/GetExternalTokens"`, valid, []string{"BODY-ELEMENT", "line 2", "GetAccessToken"}},
		{"invalid value", `"` + action + `"`, soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, str("7T:x")), soap.Elem(ns, "GetAccessToken", soap.Text("IncludeCsSession", "maybe"))), []string{"BODY-VALID at line 2", "IncludeCsSession", "'maybe' is not a valid value"}},
	} {
		r := post(t, user, soap.ContentType11, tc.action, bytes.NewReader(tc.body), int64(len(tc.body)))
		data, _ := io.ReadAll(r.Body)
		msg, err := soap.Read(data)
		if r.StatusCode != 500 || err != nil || msg.Fault == nil || msg.Fault.Code != "s:Client" {
			t.Errorf("%s: HTTP %d, %v, %s", tc.name, r.StatusCode, err, data)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(msg.Fault.Reason, w) {
				t.Errorf("%s: faultstring %q lacks %q", tc.name, msg.Fault.Reason, w)
			}
		}
		if strings.Contains(string(data), "secret-ticket-value") {
			t.Errorf("%s: the fault repeats the ticket", tc.name)
		}
		// A fault is a contract-valid response.
		res := e.v.Validate(data, validate.Target{Service: "User", Operation: "GetAccessToken", Direction: contract.Response})
		if f := res.Failures(); len(f) > 0 {
			t.Errorf("%s: fault envelope invalid: %+v", tc.name, f)
		}
	}
}

func TestWSDL(t *testing.T) {
	e := start(t, mock.Options{})
	for _, svc := range []string{"User", "SoPrincipal"} {
		for _, q := range []string{"?wsdl", "?singleWsdl", "?WSDL"} {
			resp, err := http.Get(e.srv.URL + mock.BasePath + svc + ".svc" + q)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			c, err := contract.FromWSDL(svc, data)
			if err != nil {
				t.Fatalf("%s%s: %v", svc, q, err)
			}
			if want := e.srv.URL + mock.BasePath + svc + ".svc"; c.Address != want {
				t.Errorf("%s%s: address %q, want %q", svc, q, c.Address, want)
			}
			if c.Service != svc || len(c.Operations) != len(e.v.Contract(svc).Operations) {
				t.Errorf("%s%s: %s with %d operations", svc, q, c.Service, len(c.Operations))
			}
		}
	}
}

// 64 clients doing Save→Get round trips lose and mix up nothing.
func TestConcurrentRoundTrips(t *testing.T) {
	e := start(t, mock.Options{})
	tk := e.ticket()
	h := netserver.RequestHeaders(ns, nil, &tk)
	var wg sync.WaitGroup
	errs := make(chan error, 64*20)
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				p := fmt.Sprintf("provider-%d-%d", g, i)
				a := fmt.Sprintf("access-%d-%d", g, i)
				_, saved := e.call("User", "SaveExternalTokens", h, soap.Elem(ns, "SaveExternalTokens", tokenInfo(&p, &a, nil, nil)))
				key := *saved.Body.At("Response").Value()
				_, got := e.call("User", "GetExternalTokens", h, soap.Elem(ns, "GetExternalTokens", soap.Text("Key", key)))
				gp, ga := got.Body.At("Response", "Provider").Value(), got.Body.At("Response", "AccessToken").Value()
				if gp == nil || ga == nil || *gp != p || *ga != a {
					errs <- fmt.Errorf("client %d round %d: got %v %v", g, i, gp, ga)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// syncBuffer is a bytes.Buffer safe for the mock's handler goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The mock is as lenient as NetServer (WCF) about missing header blocks,
// reports each finding, and with Strict refuses as before.
func TestLenientAboutMissingHeaders(t *testing.T) {
	var findings syncBuffer
	e := start(t, mock.Options{Findings: &findings})
	tk := e.ticket()
	credOnly := []string{soap.Elem(ns, "Credentials", soap.Text("Ticket", tk))}
	_, msg := e.call("User", "GetAccessToken", credOnly, soap.Elem(ns, "GetAccessToken", ""))
	if !succeeded(msg) || msg.Body.At("Response").Value() == nil {
		t.Fatalf("a request with Credentials only was not served")
	}
	var got []mock.RequestFinding
	for _, line := range strings.Split(strings.TrimSpace(findings.String()), "\n") {
		var f mock.RequestFinding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("findings line %q: %v", line, err)
		}
		got = append(got, f)
	}
	if len(got) != 2 || got[0].Check != "HDR-MISSING" || !strings.Contains(got[0].Message, "ApplicationToken") || !strings.Contains(got[1].Message, "TimeZone") || !got[0].Served || got[0].Operation != "User.GetAccessToken" {
		t.Errorf("findings: %+v", got)
	}
	if strings.Contains(findings.String(), tk) {
		t.Errorf("the findings repeat the ticket")
	}

	// No header at all: absent Credentials is nil Credentials.
	_, msg = e.call("User", "GetAccessToken", nil, soap.Elem(ns, "GetAccessToken", ""))
	if succeeded(msg) || *msg.Header("ExceptionInfo").At("ExceptionType").Value() != mock.ExcNotAuthenticated {
		t.Errorf("no Credentials: want NotAuthenticatedException")
	}

	// Strict: a Client fault naming the finding, without the ticket.
	strict := start(t, mock.Options{Strict: true})
	tk = strict.ticket()
	body := soap.Envelope("1.1", []string{soap.Elem(ns, "Credentials", soap.Text("Ticket", tk))}, soap.Elem(ns, "GetAccessToken", ""))
	r := post(t, strict.srv.URL+mock.BasePath+"User.svc", soap.ContentType11, `"`+strict.v.Contract("User").Op("GetAccessToken").SOAPAction+`"`, bytes.NewReader(body), int64(len(body)))
	data, _ := io.ReadAll(r.Body)
	m, err := soap.Read(data)
	if r.StatusCode != 500 || err != nil || m.Fault == nil || !strings.Contains(m.Fault.Reason, "HDR-MISSING") || strings.Contains(string(data), tk) {
		t.Errorf("strict: HTTP %d %s", r.StatusCode, data)
	}
}

// A request in UTF-16 (WS-I Basic Profile R1012) is served.
func TestUTF16Request(t *testing.T) {
	e := start(t, mock.Options{})
	tk := e.ticket()
	env := soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, &tk), soap.Elem(ns, "GetAccessToken", soap.Text("IncludeCsSession", "1")))
	env = []byte(strings.Replace(string(env), "utf-8", "utf-16", 1))
	u := utf16.Encode([]rune(string(env)))
	b := []byte{0xFF, 0xFE}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	r := post(t, e.srv.URL+mock.BasePath+"User.svc", "text/xml; charset=utf-16", `"`+e.v.Contract("User").Op("GetAccessToken").SOAPAction+`"`, bytes.NewReader(b), int64(len(b)))
	data, _ := io.ReadAll(r.Body)
	m, err := soap.Read(data)
	if r.StatusCode != 200 || err != nil || !succeeded(m) {
		t.Fatalf("UTF-16 request: HTTP %d %s", r.StatusCode, data)
	}
	if g, ok := e.m.Grant(*m.Body.At("Response").Value()); !ok || !g.IncludeCsSession {
		t.Errorf("IncludeCsSession 1 was not read as true: %+v", g)
	}
}

// What the mock remembers is bounded: the oldest ticket and token set go.
func TestMockStateIsBounded(t *testing.T) {
	e := start(t, mock.Options{MaxSessions: 2, MaxStored: 2})
	first := e.ticket()
	e.ticket()
	third := e.ticket()
	valid := func(tk string) bool {
		_, msg := e.call("User", "GetAccessToken", netserver.RequestHeaders(ns, nil, &tk), soap.Elem(ns, "GetAccessToken", ""))
		return succeeded(msg)
	}
	if valid(first) || !valid(third) {
		t.Errorf("with 2 sessions, the first of 3 tickets must be gone and the third valid")
	}
	var keys []string
	for i := 0; i < 3; i++ {
		_, msg := e.call("User", "SaveExternalTokens", netserver.RequestHeaders(ns, nil, &third), soap.Elem(ns, "SaveExternalTokens", tokenInfo(str("p"), str("a"), nil, nil)))
		keys = append(keys, *msg.Body.At("Response").Value())
	}
	_, msg := e.call("User", "GetExternalTokens", netserver.RequestHeaders(ns, nil, &third), soap.Elem(ns, "GetExternalTokens", soap.Text("Key", keys[0])))
	if !succeeded(msg) || msg.Body.At("Response").Value() != nil {
		t.Errorf("the oldest of 3 token sets must read as unknown with 2 kept")
	}
	_, msg = e.call("User", "GetExternalTokens", netserver.RequestHeaders(ns, nil, &third), soap.Elem(ns, "GetExternalTokens", soap.Text("Key", keys[2])))
	if v := msg.Body.At("Response", "Provider").Value(); v == nil || *v != "p" {
		t.Errorf("the newest token set is gone")
	}
}
