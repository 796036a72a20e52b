package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing/fstest"
	"time"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/instance"
	"github.com/conform-dev/conform/schemas"
)

// Drift compares a WSDL with the pinned contract of the same service: the
// operations and their messages, and the schema model. It returns the
// service and the differences.
func Drift(source string, data []byte) (string, []string, error) {
	ex, err := contract.Extract(source, data)
	if err != nil {
		return "", nil, err
	}
	svc := ex.Contract.Service
	pinned, err := contract.Load(schemas.FS, svc)
	if err != nil {
		return svc, nil, fmt.Errorf("service %s has no pinned contract in this conform: %w", svc, err)
	}
	diff := contract.Diff(pinned, ex.Contract)
	mfs := fstest.MapFS{}
	for name, content := range ex.Files {
		mfs[svc+"/"+name] = &fstest.MapFile{Data: content}
	}
	live, err := instance.Load(mfs, svc, ex.Contract)
	if err != nil {
		return svc, nil, err
	}
	ref, err := instance.Load(schemas.FS, svc, pinned)
	if err != nil {
		return svc, nil, err
	}
	return svc, append(diff, instance.Diff(ref, live)...), nil
}

// SchemasDiff runs `conform schemas diff --wsdl FILE|URL`.
func SchemasDiff(wsdls []string, stdout, stderr io.Writer) int {
	if len(wsdls) == 0 {
		fmt.Fprintln(stderr, "conform schemas diff: want --wsdl FILE|URL (one or more)")
		return ExitUsage
	}
	code := ExitOK
	for _, w := range wsdls {
		data, c, err := readWSDL(w)
		if err != nil {
			fmt.Fprintf(stderr, "conform schemas diff: %v\n", err)
			return c
		}
		svc, diff, err := Drift(w, data)
		if err != nil {
			fmt.Fprintf(stderr, "conform schemas diff: %v\n", err)
			return ExitUsage
		}
		if len(diff) == 0 {
			fmt.Fprintf(stdout, "%s: %s matches the pinned contract and schemas\n", w, svc)
			continue
		}
		fmt.Fprintf(stdout, "%s: %s differs from the pinned contract in %d ways:\n", w, svc, len(diff))
		for _, d := range diff {
			fmt.Fprintf(stdout, "  %s\n", d)
		}
		code = ExitFailures
	}
	return code
}

// liveDrift fetches each agent's ?singleWsdl from the endpoint and compares
// it with the pinned one: a warning, never a failure.
func liveDrift(ctx context.Context, endpoint string, timeout time.Duration) map[string][]string {
	out := map[string][]string{}
	for _, svc := range schemas.Services {
		url := endpoint + "/Remote/Services88/" + svc + ".svc?singleWsdl"
		cctx, cancel := context.WithTimeout(ctx, timeout)
		req, _ := http.NewRequestWithContext(cctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			out[svc] = []string{"could not fetch the live WSDL: " + err.Error()}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxWSDL))
		resp.Body.Close()
		cancel()
		if err != nil || resp.StatusCode != http.StatusOK {
			out[svc] = []string{fmt.Sprintf("could not fetch the live WSDL: HTTP %d", resp.StatusCode)}
			continue
		}
		_, diff, err := Drift(url, data)
		if err != nil {
			out[svc] = []string{"the live WSDL cannot be read: " + err.Error()}
			continue
		}
		if len(diff) > 0 {
			out[svc] = diff
		}
	}
	return out
}
