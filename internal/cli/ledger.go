package cli

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
)

// LedgerFile is where a run lists, as it happens, every record it creates
// on the install and what becomes of it: one JSON object a line, redacted,
// written before the next call is made, so that a run killed half-way
// still leaves the list of what to look for.
const LedgerFile = "ledger.jsonl"

// newRunID is a run's id: what it creates is named conform-<id>.
func newRunID() string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b)
}

// ledgerFile appends records to the ledger, opened on the first one.
type ledgerFile struct {
	path  string
	runID string
	mu    sync.Mutex
	f     *os.File
	err   error
}

// ledgerLine is one line of ledger.jsonl.
type ledgerLine struct {
	Time  time.Time `json:"time"`
	RunID string    `json:"runId"`
	results.Record
}

func (l *ledgerFile) add(r results.Record, red *soap.Redactor) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil && l.err == nil {
		l.f, l.err = os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	}
	if l.err != nil {
		return // the report lists the records all the same
	}
	line, err := json.Marshal(ledgerLine{Time: time.Now().UTC(), RunID: l.runID, Record: report.RedactRecord(r, red)})
	if err != nil {
		return
	}
	l.f.Write(append(line, '\n'))
	l.f.Sync()
}

func (l *ledgerFile) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Close()
	}
}

// printLedger tells what the run created on the install and what is left.
func printLedger(sum *report.Summary, live bool, w io.Writer) {
	created, removed, left := sum.Ledger()
	n := len(created) + len(removed) + len(left)
	if n == 0 {
		return
	}
	where := "on the install"
	if !live {
		where = "in the embedded mock"
	}
	fmt.Fprintf(w, "records this run created %s: %d: %d removed, %d left\n", where, n, len(removed), len(left)+len(created))
	if !live {
		return
	}
	for _, r := range append(left, created...) {
		id := r.ID
		if id == "" {
			id = "(identifier unknown)"
		}
		fmt.Fprintf(w, "  left: %s %s (%s, %s): %s\n", r.What, soap.Printable(id), r.Operation, r.Case, soap.Printable(r.Note))
	}
}
