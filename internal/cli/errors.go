package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/conform-dev/conform/internal/report"
)

// Kind is what went wrong when a command cannot do its work; cmd/conform
// turns it into an exit code, the only place that knows them.
type Kind int

const (
	// KindUsage: the command line, a file it names, the configuration.
	KindUsage Kind = iota + 1
	// KindInfra: the endpoint, the network, the disk.
	KindInfra
)

// Error is a command that could not do its work: its kind, and a message
// that names the thing, the place and the next step (cmd/conform prints it
// after the command's name).
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// usageErr is a KindUsage error.
func usageErr(format string, args ...any) error {
	return &Error{Kind: KindUsage, Err: fmt.Errorf(format, args...)}
}

// infraErr is a KindInfra error.
func infraErr(format string, args ...any) error {
	return &Error{Kind: KindInfra, Err: fmt.Errorf(format, args...)}
}

// KindOf is err's kind: KindUsage unless it says otherwise.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUsage
}

// Verdict is what a command that judges (run, validate, report, report
// merge, mock --reports, proxy) found when it is not "conformant": it has
// printed its verdict line already, so the Verdict carries what the exit
// code needs and prints nothing more.
type Verdict struct {
	Status     string // report.NotConformant or report.Incomplete
	ErrorCases int    // cases that ended in an error (the endpoint, the network)
}

func (v *Verdict) Error() string {
	return fmt.Sprintf("%s (%d cases in error)", v.Status, v.ErrorCases)
}

// verdictOf is nil for a conformant summary, else its Verdict.
func verdictOf(sum *report.Summary) error {
	if sum.Verdict.Status != report.NotConformant && sum.Verdict.Status != report.Incomplete {
		return nil
	}
	return &Verdict{Status: sum.Verdict.Status, ErrorCases: sum.Totals.Cases[report.Error]}
}

// Say prints a command's error on its console (stderr), after the
// command's name: "conform run: …". A Verdict prints nothing (its line is
// out already), nor does nil.
func Say(stderr io.Writer, cmd string, err error) {
	var v *Verdict
	if err == nil || errors.As(err, &v) {
		return
	}
	fmt.Fprintf(stderr, "conform %s: %v\n", cmd, err)
}
