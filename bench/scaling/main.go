// Command scaling proves that every door through which conform reads
// untrusted bytes takes time linear in their size: for each door and each
// hostile shape it times an input of 1 MiB and of 2 MiB (the best of five
// runs each) and one of 10 MiB, prints the table, and exits 1 when
// time(2 MiB)/time(1 MiB) exceeds 2.5 or 10 MiB takes 2 s or more.
//
//	go run ./bench/scaling            # every door and shape
//	go run ./bench/scaling -door mock # one door
//
// The doors: validate (conform validate), run (an answer to conform run:
// validation, reading, redaction, evidence and reports), mock (a request to
// conform mock), proxy (a request through conform proxy's recorder),
// report (conform report of a summary holding the bytes) and extract
// (conform schemas extract of a WSDL holding them).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/clientcert"
	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/validate"
	"github.com/conform-dev/conform/schemas"
)

const ns = "http://www.superoffice.net/ws/crm/NetServer/Services88"

// shapes make text content of about n bytes, each hostile in its way.
var shapes = []struct {
	name string
	make func(n int) string
}{
	{"processing-instructions", func(n int) string { return repeat("aaaaa<?x?>", n) }},
	{"comments", func(n int) string { return repeat("xxxxxxxx<!--c-->", n) }},
	{"attributes", func(n int) string {
		var b strings.Builder
		b.WriteString("<e")
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, " a%d=\"1\"", i)
		}
		return b.String() + "/>"
	}},
	{"nesting", func(n int) string { return repeat("<a>", n/2) + repeat("</a>", n/2*4/3) }},
	{"character-references", func(n int) string { return repeat("&#55;&#84;&#58;", n) }},
	{"cdata", func(n int) string { return repeat("<![CDATA[7T:ab]]>", n) }},
	{"whitespace", func(n int) string { return strings.Repeat(" \n\t", n/3) }},
	{"many-secrets", func(n int) string { return repeat("<Ticket>7T:abcdef</Ticket>", n) }},
	{"long-secret", func(n int) string { return "<Ticket>7T:" + strings.Repeat("a", n) + "</Ticket>" }},
}

func repeat(unit string, n int) string { return strings.Repeat(unit, max(1, n/len(unit))) }

// door runs one input through a door.
type door struct {
	name string
	prep func(payload string) func() // builds the input once, returns the work
}

func main() {
	only := flag.String("door", "", "run only this door")
	shapeOnly := flag.String("shape", "", "run only this shape")
	flag.Parse()
	set, err := contracts.Default()
	if err != nil {
		fail(err)
	}
	v := set.Validator
	tmp, err := os.MkdirTemp("", "conform-scaling-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)

	response := func(payload string) []byte {
		return soap.Envelope("1.1", []string{soap.NilElem(ns, "ExceptionInfo"), soap.NilElem(ns, "ExtraInfo"), soap.Elem(ns, "Succeeded", "true"), soap.NilElem(ns, "TimeZone")},
			soap.Elem(ns, "GetAccessTokenResponse", "<Response>"+payload+"</Response>"))
	}
	request := func(payload string) []byte {
		return soap.Envelope("1.1", []string{soap.NilElem(ns, "ApplicationToken")}, soap.Elem(ns, "AuthenticateUsernamePassword", "<UserName>conform</UserName><Password>"+payload+"</Password>"))
	}
	post := func(h http.Handler, body []byte) {
		req := httptest.NewRequest(http.MethodPost, mock.BasePath+"SoPrincipal.svc", bytes.NewReader(body))
		req.Header.Set("Content-Type", soap.ContentType11)
		req.Header.Set("SOAPAction", `"`+ns+`/SoPrincipal/AuthenticateUsernamePassword"`)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	big := mock.Options{MaxBody: 16 << 20, Logf: func(string, ...any) {}}
	doors := []door{
		{"validate", func(p string) func() {
			env := response(p)
			return func() { v.Validate(env, validate.Target{}) }
		}},
		{"run", func(p string) func() {
			env := response(p)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", soap.ContentType11)
				w.Write(env)
			}))
			e, err := engine.New(engine.Config{Endpoint: srv.URL, Ticket: "7T:the-run-ticket", Timeout: time.Minute, Contracts: set})
			if err != nil {
				fail(err)
			}
			f := "false"
			c := &fixture.Case{Operation: "User.GetAccessToken", Name: "scaling", Steps: []fixture.Step{{Name: "s", Call: "User.GetAccessToken", Auth: fixture.AuthTicket,
				Params: map[string]*string{"IncludeCsSession": &f}, Expect: fixture.Expect{Outcome: fixture.OutcomeAny}}}}
			dir := filepath.Join(tmp, "run")
			return func() {
				r := e.Run(context.Background(), c)
				w := &report.Writer{Dir: dir, Redactor: e.Redactor, Manifest: report.Manifest{Endpoint: srv.URL}}
				if _, err := w.Write([]results.Case{r}); err != nil {
					fail(err)
				}
			}
		}},
		{"mock", func(p string) func() {
			m := mock.MustNew(big)
			env := request(p)
			return func() { post(m, env) }
		}},
		{"proxy", func(p string) func() {
			rec := clientcert.New(mock.MustNew(big), set)
			env := request(p)
			return func() { post(rec, env); rec.Wait() } // the check runs after the exchange
		}},
		{"report", func(p string) func() {
			// A summary.json handed to conform report: the payload as a
			// message, a detail and an exchange of a failed case.
			dir := filepath.Join(tmp, "report")
			os.MkdirAll(dir, 0o755)
			res := []report.Result{{Check: "BODY-VALID", Severity: "MUST", Outcome: report.Failed, Message: p, Detail: p}}
			sum := report.Summary{Format: report.Format, Version: report.Version, Runs: []report.Manifest{{Endpoint: "http://x", Target: report.TargetLive}},
				Cases: []report.Case{{Operation: "User.GetAccessToken", Name: "scaling", Kind: report.KindHappy, Outcome: report.Failed,
					Steps: []report.Step{{Name: "s", Call: "User.GetAccessToken", Results: res,
						Exchange: &report.Exchange{URL: "http://x", Status: 200, Request: string(response("")), Response: string(response(p))}}}}}}
			data, err := json.Marshal(sum)
			if err != nil {
				fail(err)
			}
			file := filepath.Join(dir, "summary.json")
			if err := os.WriteFile(file, data, 0o644); err != nil {
				fail(err)
			}
			return func() {
				s, err := report.Load(file)
				if err != nil {
					return // refused (too large, say): that is an answer too
				}
				if _, err := s.HTML(); err != nil {
					fail(err)
				}
			}
		}},
		{"extract", func(p string) func() {
			wsdl, err := schemas.FS.ReadFile("Tooltips/service.wsdl")
			if err != nil {
				fail(err)
			}
			text := strings.Replace(string(wsdl), "</wsdl:definitions>", "<wsdl:documentation>"+p+"</wsdl:documentation></wsdl:definitions>", 1)
			return func() { contract.Extract("scaling.wsdl", []byte(text)) }
		}},
	}
	bad := 0
	fmt.Printf("%-9s %-24s %10s %10s %6s %10s\n", "door", "shape", "1 MiB", "2 MiB", "ratio", "10 MiB")
	for _, d := range doors {
		if *only != "" && d.name != *only {
			continue
		}
		for _, s := range shapes {
			if *shapeOnly != "" && s.name != *shapeOnly {
				continue
			}
			t1 := best(d.prep(s.make(1<<20)), 5)
			t2 := best(d.prep(s.make(2<<20)), 5)
			t10 := best(d.prep(s.make(10<<20-8<<10)), 1) // just under the 10 MiB limit of a message
			ratio := float64(t2) / float64(max(t1, time.Microsecond))
			mark := ""
			// Below 10 ms a ratio is noise (the input was refused early, or
			// a collection fell in one run and not the other).
			if (ratio > 2.5 && t2 > 10*time.Millisecond) || t10 >= 2*time.Second {
				mark, bad = "  TOO SLOW", bad+1
			}
			fmt.Printf("%-9s %-24s %10s %10s %6.2f %10s%s\n", d.name, s.name, round(t1), round(t2), ratio, round(t10), mark)
		}
	}
	if bad > 0 {
		fmt.Printf("%d door and shape pairs are not linear, or too slow at 10 MiB\n", bad)
		os.Exit(1)
	}
}

func best(work func(), n int) time.Duration {
	var b time.Duration
	for i := 0; i < n; i++ {
		runtime.GC() // no collection owed by the last run is charged to this one
		t0 := time.Now()
		work()
		if d := time.Since(t0); i == 0 || d < b {
			b = d
		}
	}
	return b
}

func round(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scaling:", err)
	os.Exit(2)
}
