// Package cli carries out conform's commands for cmd/conform: it reads the
// inputs a command names, calls the packages that do the work, and prints
// what a user sees. A command returns nil, an Error of a Kind (usage,
// infrastructure) or a Verdict; cmd/conform alone turns them into exit
// codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/conform-dev/conform/fixtures"
	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/family"
	"github.com/conform-dev/conform/internal/soap"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/validate"
)

// ValidateOptions are the inputs of `conform validate`.
type ValidateOptions struct {
	Op, Dir string
	MaxSize int64
	Files   []string
}

// Validate runs `conform validate`. It ends when ctx does (SIGINT, SIGTERM),
// even while a read blocks (a FIFO, a slow file system).
func Validate(ctx context.Context, o ValidateOptions, stdout, stderr io.Writer) error {
	if len(o.Files) == 0 {
		return usageErr("name at least one FILE (an envelope to check); see conform --help")
	}
	if o.MaxSize <= 0 {
		return usageErr("--max-size %d: want a positive number of bytes", o.MaxSize)
	}
	v, err := validate.Default()
	if err != nil {
		return infraErr("%v", err)
	}
	v2 := *v
	v2.MaxSize = o.MaxSize
	target, err := v2.ParseOp(o.Op, o.Dir)
	var ae *validate.ArgError
	if errors.As(err, &ae) {
		return usageErr("--%v", err) // its Arg is the flag's name
	}
	if err != nil {
		return usageErr("%v", err)
	}
	unread, failed := 0, false
	for _, file := range o.Files {
		r, err := validateFile(ctx, &v2, file, target)
		if errors.Is(err, context.Canceled) {
			return infraErr("interrupted while reading %s", file)
		}
		if err != nil {
			// The next file is still checked: each unreadable one is named
			// here, and the command ends as a usage error.
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			fmt.Fprintf(stderr, "conform validate: cannot read %s: %v\n", file, err)
			unread++
			continue
		}
		for _, fd := range r.Findings {
			fmt.Fprintln(stdout, soap.Printable(fd.In(file)))
		}
		failed = failed || r.Failed()
	}
	if unread > 0 {
		return usageErr("%d of %d files could not be read (named above)", unread, len(o.Files))
	}
	if failed {
		return &Verdict{Status: report.NotConformant}
	}
	return nil
}

// validateFile opens and validates one file unless ctx ends first (an
// open or a read can block for ever on a FIFO); the process then ends
// with the goroutine still blocked, which is harmless.
func validateFile(ctx context.Context, v *validate.Validator, path string, t validate.Target) (*validate.Result, error) {
	type result struct {
		r   *validate.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			done <- result{nil, err}
			return
		}
		defer f.Close()
		r, err := v.ValidateReader(f, t)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.r, res.err
	case <-ctx.Done():
		return nil, context.Canceled
	}
}

// LoadContracts is the contract set of a command: the embedded one, with
// the --contracts directories and live WSDLs (by service) on top.
func LoadContracts(dirs []string, live map[string]map[string][]byte) (*contracts.Set, error) {
	if len(dirs) == 0 && len(live) == 0 {
		return contracts.Default()
	}
	set, err := loadContracts(dirs, live)
	var de *contracts.DirError
	if errors.As(err, &de) {
		return nil, fmt.Errorf("--contracts %s: %v", de.Dir, de.Err)
	}
	return set, err
}

func loadContracts(dirs []string, live map[string]map[string][]byte) (*contracts.Set, error) {
	var extras []contracts.Extra
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--contracts %s: not a folder (give what conform schemas extract --out wrote)", d)
		}
		extras = append(extras, contracts.Extra{Dir: d})
	}
	if len(live) > 0 {
		extras = append(extras, contracts.Extra{Live: live})
	}
	return contracts.Load(extras...)
}

// Extract runs `conform schemas extract`.
func Extract(wsdls []string, out string, stdout io.Writer) error {
	if len(wsdls) == 0 || out == "" {
		return usageErr("want --wsdl FILE|URL (one or more) and --out DIR")
	}
	for _, w := range wsdls {
		data, err := readWSDL(w)
		if err != nil {
			return err
		}
		ex, err := contract.Extract(w, data)
		if err != nil {
			return usageErr("%v", err)
		}
		dir, err := ex.Write(out)
		if err != nil {
			return usageErr("cannot write %s: %v", out, err)
		}
		fmt.Fprintf(stdout, "%s: %s, %d operations, SOAP %s, %d schemas → %s\n", w, ex.Contract.Service, len(ex.Contract.Operations), ex.Contract.SOAPVersion, len(ex.Contract.Schemas), dir)
	}
	return nil
}

// maxWSDL bounds a WSDL read from a URL or a file (64 MiB).
const maxWSDL = 16 << 20

func readWSDL(src string) ([]byte, error) {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, usageErr("--wsdl %s: %v", src, err)
		}
		resp, err := soap.HTTPClient().Do(req)
		if err != nil {
			return nil, infraErr("--wsdl %s: cannot fetch it: %v", src, soap.TransportError(err))
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, infraErr("--wsdl %s: HTTP %s (is it the …/Agent.svc?singleWsdl address?)", src, resp.Status)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxWSDL+1))
		if err != nil {
			return nil, infraErr("--wsdl %s: %v", src, err)
		}
		if len(data) > maxWSDL {
			return nil, usageErr("--wsdl %s: larger than %d bytes", src, maxWSDL)
		}
		return data, nil
	}
	f, err := os.Open(src)
	if err != nil {
		return nil, usageErr("--wsdl %s: cannot read it: %v", src, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxWSDL+1))
	if err != nil {
		return nil, usageErr("--wsdl %s: %v", src, err)
	}
	if len(data) > maxWSDL {
		return nil, usageErr("--wsdl %s: larger than %d bytes", filepath.Base(src), maxWSDL)
	}
	return data, nil
}

// Ops runs `conform ops`: the operations of the embedded contracts.
func Ops(services, contractDirs []string, stdout io.Writer) error {
	set, err := LoadContracts(contractDirs, nil)
	if err != nil {
		return usageErr("%v", err)
	}
	v := set.Validator
	want := map[string]bool{}
	for _, s := range services {
		if v.Contract(s) == nil {
			return usageErr("no service %q (have %s)", s, serviceList(v))
		}
		want[s] = true
	}
	for _, c := range v.Contracts() {
		if len(want) > 0 && !want[c.Service] {
			continue
		}
		for _, op := range c.Operations {
			fmt.Fprintf(stdout, "%s.%s\t%s → %s\n", c.Service, op.Name, op.Input.Body.Name, op.Output.Body.Name)
		}
	}
	// The entity families each loaded agent's life-cycle cases come from.
	tables, err := family.Load(fixtures.FS, family.Dir)
	if err != nil {
		return usageErr("%v", err)
	}
	for _, c := range v.Contracts() {
		if len(want) > 0 && !want[c.Service] {
			continue
		}
		fams, reviewed := tables.Of(c.Service, c, set.Model(c.Service))
		for _, f := range fams {
			chain := []string{f.Save.Op, f.Get.Op, f.Delete.Op}
			if f.CreateDefault != "" {
				chain = append([]string{f.CreateDefault}, chain...)
			}
			how := "reviewed (fixtures/families/" + c.Service + ".yaml)"
			if !reviewed {
				how = "derived, not reviewed: its life cycle runs only at the disposable-install tier"
			}
			if f.Live != nil && !*f.Live {
				how += "; not against an install: " + f.Why
			}
			fmt.Fprintf(stdout, "family %s.%s\tkey %s: %s; %s\n", c.Service, f.Entity, f.Key, strings.Join(chain, " → "), how)
		}
	}
	return nil
}

func serviceList(v *validate.Validator) string {
	var s []string
	for _, c := range v.Contracts() {
		s = append(s, c.Service)
	}
	return strings.Join(s, ", ")
}
