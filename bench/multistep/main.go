// Command multistep measures a run whose every step is answered with one
// large message: -cases cases of -steps steps each, -parallel at a time,
// the reports written as conform run writes them (each step's evidence
// as the step ends, with report.Writer.StreamStep; with -per-case, only as
// each case ends, as before StreamStep). Run it under /usr/bin/time -f %M
// to see the peak RSS (bench/bombs.sh does).
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/engine"
	"github.com/conform-dev/conform/internal/fixture"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
)

func main() {
	cases := flag.Int("cases", 4, "cases")
	steps := flag.Int("steps", 8, "steps of each case")
	parallel := flag.Int("parallel", 4, "cases at a time")
	size := flag.Int("size", 10<<20-1024, "bytes of each answer")
	perCase := flag.Bool("per-case", false, "write evidence only as each case ends (no StreamStep)")
	dir := flag.String("reports", os.TempDir()+"/conform-multistep", "reports folder")
	flag.Parse()

	const ns = "http://www.superoffice.net/ws/crm/NetServer/Services88"
	text := strings.Repeat("a", *size)
	answer := []byte(`<s:Envelope xmlns:s="` + soap.NS11 + `"><s:Header/><s:Body><GetAccessTokenResponse xmlns="` + ns + `"><Response>` + text + `</Response></GetAccessTokenResponse></s:Body></s:Envelope>`)
	text = ""
	m := mock.MustNew(mock.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/User.svc") {
			w.Header().Set("Content-Type", soap.ContentType11)
			w.Write(answer)
			return
		}
		m.ServeHTTP(w, r)
	}))

	var wr *report.Writer
	cfg := engine.Config{Endpoint: "http://" + ln.Addr().String(), Timeout: time.Minute}
	if !*perCase {
		cfg.StepDone = func(r *results.Case, i int) {
			if err := wr.StreamStep(r, i); err != nil {
				panic(err)
			}
		}
	}
	e, err := engine.New(cfg)
	if err != nil {
		panic(err)
	}
	wr = &report.Writer{Dir: *dir, Redactor: e.Redactor}
	if err := e.Authenticate(context.Background(), mock.DefaultUser, mock.DefaultPassword); err != nil {
		panic(err)
	}
	var cs []*fixture.Case
	for i := 0; i < *cases; i++ {
		c := &fixture.Case{Operation: "User.GetAccessToken", Name: fmt.Sprintf("case %d", i), Safety: fixture.ReadOnly}
		for j := 0; j < *steps; j++ {
			c.Steps = append(c.Steps, fixture.Step{Name: fmt.Sprintf("step %d", j), Call: "User.GetAccessToken", Auth: fixture.AuthTicket, Sample: true,
				Expect: fixture.Expect{Outcome: fixture.OutcomeAny}})
		}
		cs = append(cs, c)
	}
	start := time.Now()
	res := e.RunAll(context.Background(), cs, engine.RunOptions{Parallel: *parallel, Finished: func(r *results.Case) {
		if err := wr.Stream(r); err != nil {
			panic(err)
		}
	}})
	if _, err := wr.Write(res); err != nil {
		panic(err)
	}
	fmt.Printf("%d cases × %d steps of %d bytes, %d at a time: %.1fs\n", *cases, *steps, len(answer), *parallel, time.Since(start).Seconds())
}
