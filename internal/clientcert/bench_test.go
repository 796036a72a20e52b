package clientcert_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime"
	"runtime/debug"
	"sort"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/clientcert"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/soap"
)

const ns = "http://www.superoffice.net/ws/crm/NetServer/Services88"

func setup(b *testing.B) (direct, proxied string, rec *clientcert.Recorder, ticket string) {
	set, err := contracts.Default()
	if err != nil {
		b.Fatal(err)
	}
	// A mock that remembers little, so that the heap measures the recorder.
	m := httptest.NewServer(mock.MustNew(mock.Options{MaxSessions: 1000}))
	b.Cleanup(m.Close)
	u, _ := url.Parse(m.URL)
	rec = clientcert.New(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u) }}, set)
	p := httptest.NewServer(rec)
	b.Cleanup(p.Close)
	c := set.Contract("SoPrincipal")
	login := soap.Envelope("1.1", nil, soap.Elem(ns, "AuthenticateUsernamePassword", soap.Text("UserName", mock.DefaultUser)+soap.Text("Password", mock.DefaultPassword)))
	ex, err := (&soap.Client{}).Post(context.Background(), m.URL+netserver.BasePath+"SoPrincipal.svc", c.Op("AuthenticateUsernamePassword").SOAPAction, soap.ContentType11, login)
	if err != nil {
		b.Fatal(err)
	}
	msg, _ := soap.Read(ex.Response)
	return m.URL, p.URL, rec, *msg.Body.At("Credentials", "Ticket").Value()
}

func call(b *testing.B, base, ticket string) time.Duration {
	body := soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, &ticket), soap.Elem(ns, "GetAccessToken", soap.Text("IncludeCsSession", "false")))
	req, _ := http.NewRequest(http.MethodPost, base+netserver.BasePath+"User.svc", bytes.NewReader(body))
	req.Header.Set("Content-Type", soap.ContentType11)
	req.Header.Set("SOAPAction", `"http://www.superoffice.net/ws/crm/NetServer/Services88/User/GetAccessToken"`)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("HTTP %d", resp.StatusCode)
	}
	return time.Since(start)
}

func pct(d []time.Duration, p float64) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[int(float64(len(d)-1)*p)]
}

// BenchmarkAddedLatency: GetAccessToken round trips at 1,000 requests/s,
// straight to the mock and through the proxy (validation on): the latency
// the proxy adds at p50 and p99.
func BenchmarkAddedLatency(b *testing.B) {
	direct, proxied, rec, ticket := setup(b)
	const n = 3000
	measure := func(base string) []time.Duration {
		var d []time.Duration
		tick := time.NewTicker(time.Millisecond) // 1,000 requests/s
		defer tick.Stop()
		for i := 0; i < n; i++ {
			<-tick.C
			d = append(d, call(b, base, ticket))
		}
		return d
	}
	for i := 0; i < b.N; i++ {
		measure(direct) // warm-up
		a := measure(direct)
		p := measure(proxied)
		rec.Wait()
		b.ReportMetric(float64(pct(p, 0.5)-pct(a, 0.5))/1e3, "added-p50-µs")
		b.ReportMetric(float64(pct(p, 0.99)-pct(a, 0.99))/1e3, "added-p99-µs")
		b.ReportMetric(float64(pct(a, 0.99))/1e3, "direct-p99-µs")
	}
}

// BenchmarkMemory100k: the heap in use after 10,000 and after 100,000
// proxied exchanges: flat, because the recorder keeps counts and a few
// exchanges per operation, not the session.
func BenchmarkMemory100k(b *testing.B) {
	_, proxied, rec, ticket := setup(b)
	heap := func() uint64 {
		rec.Wait()
		runtime.GC()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	for i := 0; i < b.N; i++ {
		var at10k uint64
		for j := 1; j <= 100_000; j++ {
			call(b, proxied, ticket)
			if j == 10_000 {
				at10k = heap()
			}
		}
		at100k := heap()
		b.ReportMetric(float64(at10k)/(1<<20), "heap-MiB-at-10k")
		b.ReportMetric(float64(at100k)/(1<<20), "heap-MiB-at-100k")
		b.ReportMetric(100*(float64(at100k)-float64(at10k))/float64(at10k), "%growth")
	}
}
