package cli_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/cli"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/soap"
)

// The console writes whole lines, redacted by every registered source and
// by shape, however the text was split into writes.
func TestConsoleRedactsWholeLines(t *testing.T) {
	var out bytes.Buffer
	w, flush := cli.Protect(&out, func() *soap.Redactor { return netserver.NewRedactor("hunter2-secret") })
	io.WriteString(w, "a hunter2-")
	if out.Len() != 0 {
		t.Errorf("a partial line was written: %q", out.String())
	}
	io.WriteString(w, "secret and 7T:abcdefgh\nnext hunt")
	io.WriteString(w, "er2-secret")
	flush()
	got := out.String()
	if strings.Contains(got, "hunter2-secret") || strings.Contains(got, "7T:abcdefgh") || !strings.Contains(got, "[REDACTED #") || !strings.HasPrefix(got, "a ") || !strings.Contains(got, "\nnext ") {
		t.Errorf("console wrote %q", got)
	}
}

// ticketOf logs in to the mock and returns the ticket it issued.
func ticketOf(t *testing.T, url string) string {
	env := soap.Envelope("1.1", []string{soap.NilElem(ns, "ApplicationToken")}, soap.Elem(ns, "AuthenticateUsernamePassword",
		soap.Text("UserName", mock.DefaultUser)+soap.Text("Password", mock.DefaultPassword)))
	req, _ := http.NewRequest(http.MethodPost, url+mock.BasePath+"SoPrincipal.svc", bytes.NewReader(env))
	req.Header.Set("Content-Type", soap.ContentType11)
	req.Header.Set("SOAPAction", `"`+ns+`/SoPrincipal/AuthenticateUsernamePassword"`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`<Ticket>([^<]+)</Ticket>`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no ticket in %s", body)
	}
	return string(m[1])
}

const ns = "http://www.superoffice.net/ws/crm/NetServer/Services88"

// No secret reaches the console, whatever path prints it: a live WSDL
// that carries the run's ticket (the drift warning quotes soapActions), a
// login refusal whose fault repeats the password, a transport error.
func TestNoSecretOnTheConsole(t *testing.T) {
	m := mock.MustNew(mock.Options{})
	var ticket string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "User.svc") {
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, r)
			// The install's WSDL names the ticket as a soapAction.
			wsdl := strings.Replace(rec.Body.String(), `soapAction="`+ns+`/User/IsNickNameUnique"`, `soapAction="`+ticket+`"`, 1)
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			io.WriteString(w, wsdl)
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	ticket = ticketOf(t, srv.URL)
	check := func(what string, secrets []string, code error, out, errs string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(out+errs, s) {
				t.Errorf("%s: %q is on the console (%v):\n%s\n%s", what, s, code, out, errs)
			}
		}
	}

	// Drift: the ticket given with --ticket, in the live WSDL.
	var out, errs bytes.Buffer
	o := liveOptions(srv.URL, t.TempDir())
	o.User, o.Password, o.Ticket, o.Ops = "", "", ticket, "User.IsNickNameUnique"
	code := runSaid(o, &out, &errs)
	if !strings.Contains(errs.String(), "differs from the pinned one") || !strings.Contains(errs.String(), "[REDACTED #") {
		t.Errorf("the drift warning is not there, or not redacted (%v):\n%s", code, errs.String())
	}
	check("drift", []string{ticket, strings.TrimPrefix(ticket, "7T:")}, code, out.String(), errs.String())

	// Login: an install whose refusal repeats the password.
	const password = "correct-horse-battery-staple"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", soap.ContentType11)
			w.WriteHeader(http.StatusInternalServerError)
			w.Write(soap.FaultEnvelope("1.1", soap.FaultClient, "wrong password "+password+" for user x"))
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer echo.Close()
	out.Reset()
	errs.Reset()
	o = liveOptions(echo.URL, t.TempDir())
	o.Password = password
	code = runSaid(o, &out, &errs)
	if code == nil || !strings.Contains(errs.String(), "conform run: ") {
		t.Errorf("login refused: %v\n%s", code, errs.String())
	}
	check("login", []string{password}, code, out.String(), errs.String())

	// Transport: an endpoint that is not there, a ticket in the environment.
	out.Reset()
	errs.Reset()
	o = liveOptions("http://127.0.0.1:1", t.TempDir())
	o.User, o.Password, o.Ticket = "", "", "7T:a-ticket-from-the-environment"
	o.Timeout = time.Second
	code = runSaid(o, &out, &errs)
	check("transport", []string{"a-ticket-from-the-environment"}, code, out.String(), errs.String())
}

// runSaid runs conform run as cmd/conform does: through consoles, its
// error printed on stderr's.
func runSaid(o cli.RunOptions, out, errs io.Writer) error {
	stdout, stderr := cli.Console(out), cli.Console(errs)
	defer cli.Flush(stdout, stderr)
	err := cli.Run(context.Background(), o, stdout, stderr)
	cli.Say(stderr, "run", err)
	return err
}

// syncBuffer is a bytes.Buffer safe for a command writing while a test reads.
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

// conform mock logs every finding on a request; a configured user's
// password in a place that is not a credential element (an xs:boolean
// here, whose finding quotes the value) still never reaches its console.
func TestMockLogsNoPassword(t *testing.T) {
	const password = "alice-s3cret-password"
	ctx, cancel := context.WithCancel(context.Background())
	var out, errs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- cli.Mock(ctx, cli.MockOptions{Addr: "127.0.0.1:0", Users: []string{"alice:" + password}}, &out, &errs)
	}()
	var base string
	for i := 0; i < 200 && base == ""; i++ {
		time.Sleep(10 * time.Millisecond)
		base, _, _ = strings.Cut(out.String(), "\n")
	}
	if !strings.HasPrefix(base, "http://") {
		t.Fatalf("the mock did not start: %q %q", out.String(), errs.String())
	}
	env := soap.Envelope("1.1", []string{soap.NilElem(ns, "ApplicationToken"), soap.Elem(ns, "Credentials", soap.Text("Ticket", "7T:whatever-ticket")), soap.NilElem(ns, "TimeZone")},
		soap.Elem(ns, "GetAccessToken", soap.Text("AppToken", "x")+soap.Text("IncludeCsSession", password)))
	req, _ := http.NewRequest(http.MethodPost, base+mock.BasePath+"User.svc", bytes.NewReader(env))
	req.Header.Set("Content-Type", soap.ContentType11)
	req.Header.Set("SOAPAction", `"`+ns+`/User/GetAccessToken"`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	<-done
	if !strings.Contains(errs.String(), "IncludeCsSession") {
		t.Errorf("no finding was logged:\n%s", errs.String())
	}
	if strings.Contains(out.String()+errs.String(), password) || strings.Contains(out.String()+errs.String(), "whatever-ticket") {
		t.Errorf("a credential is on the mock's console:\n%s\n%s", out.String(), errs.String())
	}
}
