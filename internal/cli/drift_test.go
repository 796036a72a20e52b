package cli_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/conform-dev/conform/internal/cli"
	"github.com/conform-dev/conform/internal/mock"
)

// An install that hangs on its WSDLs (or drips them) holds the run for
// --timeout at most, not --timeout per agent and query (it was 60 s at
// --timeout 5s): the drift check has one budget, and says why it did not
// compare.
func TestWSDLFetchHonoursTimeout(t *testing.T) {
	m := mock.MustNew(mock.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			// Drip: a byte now and then until the client gives up.
			w.Header().Set("Content-Type", "text/xml")
			for r.Context().Err() == nil {
				w.Write([]byte(" "))
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(50 * time.Millisecond):
				}
			}
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	o := liveOptions(srv.URL, t.TempDir())
	o.Timeout = 400 * time.Millisecond
	o.Ops = "User.IsNickNameUnique,SoPrincipal.GetSystemInfo,CustomObject.GetCustomObjectsIcons,Database.GetStepsInDatabase,Previews.GetPreview,Tooltips.GetTooltip"
	var out, errs bytes.Buffer
	start := time.Now()
	err := cli.Run(context.Background(), o, &out, &errs)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out.String(), errs.String())
	}
	// Six agents under test, two queries each: 4.8 s if every fetch waited
	// its own --timeout; one budget is 0.4 s (the rest of the run is fast).
	if took > 3*time.Second {
		t.Errorf("the run took %v at --timeout %v: the WSDL fetches do not share one budget", took, o.Timeout)
	}
	// The agents under test are compared, and no other of the 57.
	if n := strings.Count(errs.String(), "was not compared"); n != 6 || strings.Contains(errs.String(), "live Contact WSDL") {
		t.Errorf("%d agents not compared, want the six under test:\n%s", n, errs.String())
	}
}
