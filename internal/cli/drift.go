package cli

import (
	"context"
	"fmt"
	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/soap"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/report"
)

// Drift compares a WSDL with the pinned contract of the same service: the
// operations and their messages, and the schema model. It returns the
// service and the differences.
func Drift(source string, data []byte) (string, []string, error) {
	set, err := contracts.Default()
	if err != nil {
		return "", nil, err
	}
	return driftFrom(set, source, data)
}

func driftFrom(set *contracts.Set, source string, data []byte) (string, []string, error) {
	return set.Drift(source, data)
}

// SchemasDiff runs `conform schemas diff --wsdl FILE|URL`.
func SchemasDiff(wsdls []string, stdout io.Writer) error {
	if len(wsdls) == 0 {
		return usageErr("want --wsdl FILE|URL (one or more)")
	}
	differ := false
	for _, w := range wsdls {
		data, err := readWSDL(w)
		if err != nil {
			return err
		}
		svc, diff, err := Drift(w, data)
		if err != nil {
			return usageErr("%v", err)
		}
		if len(diff) == 0 {
			fmt.Fprintf(stdout, "%s: %s matches the pinned contract and schemas\n", w, svc)
			continue
		}
		fmt.Fprintf(stdout, "%s: %s differs from the pinned contract in %d ways:\n", w, svc, len(diff))
		for _, d := range diff {
			fmt.Fprintf(stdout, "  %s\n", d)
		}
		differ = true
	}
	if differ {
		return &Verdict{Status: report.NotConformant}
	}
	return nil
}

// DriftCheck is the outcome of comparing one agent's live WSDL with the
// pinned one: Diff when it was compared (empty: the same), NotCompared
// with the reason when it could not be.
type DriftCheck struct {
	Source      string // the URL that was compared
	Diff        []string
	NotCompared string
}

// liveDrift fetches each agent's ?singleWsdl from the endpoint (falling back
// to ?wsdl, which stacks other than WCF serve) and compares it with the
// pinned one: a warning, never a failure.
func liveDrift(ctx context.Context, hc *http.Client, endpoint string, timeout time.Duration, set *contracts.Set, agents []string) map[string]DriftCheck {
	// One budget for the whole check, as for one call: --timeout (and the
	// run's --deadline, through ctx), so an install that hangs or drips its
	// WSDLs holds the run --timeout at most, not --timeout per agent and
	// query. One WSDL at a time: a hostile one is held in memory alone.
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out := map[string]DriftCheck{}
	for _, svc := range agents {
		if set.Origins[svc] == contracts.OriginLive {
			continue // it is the live WSDL
		}
		out[svc] = driftOf(dctx, hc, endpoint, timeout, set, svc)
	}
	return out
}

// driftOf compares one agent's live WSDL (?singleWsdl, else ?wsdl) with
// the contract.
func driftOf(ctx context.Context, hc *http.Client, endpoint string, timeout time.Duration, set *contracts.Set, svc string) DriftCheck {
	base := netserver.AgentURL(endpoint, svc)
	var why []string
	for _, q := range []string{"?singleWsdl", "?wsdl"} {
		if ctx.Err() != nil {
			why = append(why, fmt.Sprintf("%s: not fetched: the WSDLs were not served within --timeout (%s)", q, timeout))
			break
		}
		data, err := fetchWSDL(ctx, hc, base+q, timeout)
		if err != nil {
			why = append(why, q+": "+err.Error())
			continue
		}
		_, diff, err := driftFrom(set, base+q, data)
		if err != nil {
			why = append(why, q+": the WSDL cannot be read: "+err.Error())
			continue
		}
		return DriftCheck{Source: base + q, Diff: diff}
	}
	return DriftCheck{NotCompared: strings.Join(why, "; ")}
}

// httpStatus is an answer that was not 200.
type httpStatus int

func (s httpStatus) Error() string { return fmt.Sprintf("HTTP %d", int(s)) }

// fetchWSDL GETs a WSDL, at most maxWSDL bytes, within timeout.
func fetchWSDL(ctx context.Context, hc *http.Client, url string, timeout time.Duration) ([]byte, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("could not fetch it: %v", soap.TransportError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, httpStatus(resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxWSDL+1))
	if err != nil {
		return nil, fmt.Errorf("reading it failed after %d bytes: %v", len(data), err)
	}
	if len(data) > maxWSDL {
		return nil, fmt.Errorf("larger than %d bytes", maxWSDL)
	}
	return data, nil
}
