package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/conform-dev/conform/internal/soap"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/clientcert"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/prepare"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
)

// ProxyOptions are the inputs of `conform proxy`.
type ProxyOptions struct {
	Listen    string
	Upstream  string
	Reports   string
	Duration  time.Duration // stop after this long (0: at SIGINT or SIGTERM)
	Contracts []string
	CACert    string // a PEM file of certificates to trust for the upstream, besides the system's
	Output    report.Output
}

// Proxy runs `conform proxy`: a reverse proxy in front of an install that
// certifies the client whose traffic passes through it.
func Proxy(ctx context.Context, o ProxyOptions, stdout, stderr io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(stderr, "conform proxy: "+format+"\n", args...) }
	u, err := url.Parse(strings.TrimRight(o.Upstream, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return usageErr("--upstream %q: want the base URL of an install (or of conform mock), such as https://host/Cust12345, without user information", o.Upstream)
	}
	set, err := LoadContracts(o.Contracts, nil)
	if err != nil {
		return usageErr("%v", err)
	}
	hc, err := soap.NewHTTPClient(soap.TLSOptions{CACert: o.CACert})
	if err != nil {
		return usageErr("--ca-cert: %v", err)
	}
	p := &httputil.ReverseProxy{
		Transport:     hc.Transport,
		Rewrite:       func(r *httputil.ProxyRequest) { r.SetURL(u); r.SetXForwarded() },
		FlushInterval: -1, // stream as it comes
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			// As a gateway says it: the client sees the upstream's failure.
			say("the upstream did not answer %s: %v", r.URL.Path, err)
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	rec := clientcert.New(p, set)
	// An agent no loaded contract describes is checked against the
	// upstream's own WSDL, fetched once, under run's limits.
	rec.Live = func(agent string) (*contracts.Set, error) {
		files, err := liveContract(ctx, hc, u.String(), agent, proxyWSDLTimeout)
		if err != nil {
			return nil, err
		}
		return LoadContracts(o.Contracts, map[string]map[string][]byte{agent: files})
	}
	// What the proxy prints passes through the redaction of every
	// credential the traffic carried.
	stdout, flushOut := Protect(stdout, rec.Redactor)
	defer flushOut()
	stderr, flushErr := Protect(stderr, rec.Redactor)
	defer flushErr()
	say = func(format string, args ...any) { fmt.Fprintf(stderr, "conform proxy: "+format+"\n", args...) }
	target := fmt.Sprintf("a client through conform proxy to %s", u.Redacted())
	return serveAndReport(ctx, "proxy", o.Listen, rec, set, target, u.Redacted(), o.Reports, o.Output, o.Duration, stdout, stderr, func(base string) {
		say("listening on %s, forwarding to %s; point your client's endpoint at %s/Remote/Services88/<Agent>.svc; stop with Ctrl-C", base, u.Redacted(), base)
	})
}

// proxyWSDLTimeout bounds the fetch of an upstream's WSDL by the proxy.
const proxyWSDLTimeout = 30 * time.Second

// serveAndReport serves h until ctx ends or the duration passes, then
// writes the client report of rec and prints its verdict.
func serveAndReport(ctx context.Context, cmd, addr string, rec *clientcert.Recorder, set *contracts.Set, target, endpoint, reports string, output report.Output, d time.Duration,
	stdout, stderr io.Writer, listening func(base string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return infraErr("cannot listen on %s: %v (choose another address)", addr, err)
	}
	srv := &http.Server{Handler: rec, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: mock.ReadTimeout, IdleTimeout: mock.IdleTimeout}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, base)
	listening(base)
	start := time.Now().UTC()
	var timer <-chan time.Time
	if d > 0 {
		timer = time.After(d)
	}
	select {
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return infraErr("%v", err)
		}
	case <-ctx.Done():
	case <-timer:
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	if reports == "" {
		fmt.Fprintf(stderr, "conform %s: stopped\n", cmd)
		return nil
	}
	cases := rec.Cases()
	called := 0
	for _, c := range cases {
		if c.Status != results.Skipped {
			called++
		}
	}
	m := prepare.Manifest(prepare.ManifestOptions{Endpoint: endpoint}, true, start, nil, set)
	m.Target = target
	if d, n := rec.Drift(); len(d) > 0 || len(n) > 0 {
		m.WSDLDrift, m.WSDLNotCompared = d, n
		for svc, diff := range d {
			fmt.Fprintf(stderr, "conform %s: warning: the %s WSDL the client fetched differs from the contract (%d): %s\n", cmd, svc, len(diff), strings.Join(diff, "; "))
		}
	}
	if origins, why := rec.LiveContracts(); len(origins) > 0 || len(why) > 0 {
		// Agents checked against the upstream's live WSDL, and those whose
		// WSDL could not be had: the report says so.
		if m.Contracts == nil {
			m.Contracts = map[string]string{}
		}
		for a, o := range origins {
			m.Contracts[a] = o
			fmt.Fprintf(stderr, "conform %s: the client called %s, which no pinned contract describes: checked against the upstream's live WSDL\n", cmd, a)
		}
		for a, w := range why {
			m.Contracts[a] = "no contract: the upstream's WSDL could not be had: " + w
		}
	}
	w := &report.Writer{Dir: reports, Redactor: rec.Redactor, Manifest: m, Output: output}
	sum, err := w.Write(cases)
	if err != nil {
		return infraErr("cannot write the reports: %v", err)
	}
	if called == 0 {
		return usageErr("the client made no SOAP call; the report in %s says so", reports)
	}
	return verdict(sum, reports, time.Since(start), stdout)
}
