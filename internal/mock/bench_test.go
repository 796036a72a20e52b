package mock_test

import (
	"bytes"
	"github.com/conform-dev/conform/internal/netserver"
	"io"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/soap"
)

// BenchmarkGetAccessTokenRoundTrip measures GetAccessToken round trips over
// loopback with request and response validation on: 8 concurrent clients,
// keep-alive connections. Reports round trips per second and p50/p99
// latency (targets: ≥ 5,000/s, p99 < 5 ms on the 2-core machine).
func BenchmarkGetAccessTokenRoundTrip(b *testing.B) {
	e := start(b, mock.Options{})
	tk := e.ticket()
	env := soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, &tk), soap.Elem(ns, "GetAccessToken", soap.Text("AppToken", "app")+soap.Text("IncludeCsSession", "false")))
	url := e.srv.URL + mock.BasePath + "User.svc"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	const clients = 8
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(clients / 2) // × GOMAXPROCS (2) goroutines
	b.ResetTimer()
	started := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(env))
			req.Header.Set("Content-Type", soap.ContentType11)
			req.Header.Set("SOAPAction", `"http://www.superoffice.net/ws/crm/NetServer/Services88/User/GetAccessToken"`)
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mine = append(mine, time.Since(t0))
			if resp.StatusCode != 200 || !bytes.Contains(body, []byte("8A:")) {
				b.Errorf("HTTP %d: %s", resp.StatusCode, body)
				return
			}
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(started)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "roundtrips/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
