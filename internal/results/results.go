// Package results holds conform's results as plain data: what the engine
// produces for each case, step and check, and what the reports, the CLI
// and the Ginkgo adapter read. The types are complete in JSON (a result
// survives a trip through a file or another process unchanged), and the
// package imports nothing of conform's: the producer never knows who
// renders it, and the renderer never imports the producer.
package results

import (
	"fmt"
	"strings"
)

// Status is the outcome of a check or of a case.
type Status string

// Statuses.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"  // a MUST check failed: a contract failure
	Warning Status = "warning" // a SHOULD check failed
	Error   Status = "error"   // infrastructure, or a case that could not run
	// NotApplicable: the check has nothing to look at in this exchange.
	NotApplicable Status = "not-applicable"
	Skipped       Status = "skipped" // a case that was not run, with its reason
)

// Check is the outcome of one check of the catalog in one step.
type Check struct {
	ID      string `json:"check"`
	Status  Status `json:"status"`
	Message string `json:"message"`          // one line
	Detail  string `json:"detail,omitempty"` // every finding, one per line
	// Line and Path place the first finding in the message checked (its
	// line as received, and its element path), when a finding has a place.
	Line int    `json:"line,omitempty"`
	Path string `json:"path,omitempty"`
}

// Exchange is one HTTP round trip, as it was sent and answered; the answer
// as UTF-8 text (decoded from UTF-16 where it was), not yet redacted.
type Exchange struct {
	URL         string  `json:"url"`
	Action      string  `json:"soapAction"`
	Request     string  `json:"request"`
	Status      int     `json:"status"` // 0: no answer
	ContentType string  `json:"contentType,omitempty"`
	Response    string  `json:"response,omitempty"`
	Encoding    string  `json:"encoding,omitempty"` // when not UTF-8
	Kept        string  `json:"kept,omitempty"`     // when the response holds only a first part
	Seconds     float64 `json:"seconds"`
}

// Step is one call of a case and its checks.
type Step struct {
	Name      string    `json:"name"`
	Call      string    `json:"call"` // Agent.Operation
	Exchange  *Exchange `json:"exchange,omitempty"`
	Checks    []Check   `json:"checks"`
	Succeeded bool      `json:"succeeded"` // Succeeded=true and no fault
	Fault     bool      `json:"fault"`
	// CleanUp: a call conform made at the end of the case to delete what
	// the case created.
	CleanUp bool `json:"cleanUp,omitempty"`
}

// Case is one case's outcome.
type Case struct {
	Operation  string   `json:"operation"` // Agent.Operation
	Name       string   `json:"name"`
	Labels     []string `json:"labels"`
	Safety     string   `json:"safety"`
	Source     string   `json:"source"` // file:line, or what generated it
	Generated  bool     `json:"generated"`
	Status     Status   `json:"status"` // passed, failed, error or skipped
	SkipReason string   `json:"skipReason,omitempty"`
	Seconds    float64  `json:"seconds"`
	Steps      []Step   `json:"steps"`
	// Records are what the case created on the install, and what became
	// of each: the run's ledger, case by case.
	Records []Record `json:"records,omitempty"`
}

// States of a record a run created.
const (
	Created = "created" // made, not removed (yet)
	Removed = "removed" // deleted again by the run
	Left    = "left"    // still on the install, with the reason
)

// Record is one record a run created on the install.
type Record struct {
	What      string `json:"what"`           // "role", "external token set"
	ID        string `json:"id"`             // its identifier as answered ("" when not known)
	Operation string `json:"operation"`      // the case's Agent.Operation
	Case      string `json:"case"`           // the case's name
	Step      string `json:"step"`           // the step that created it
	Call      string `json:"call"`           // Agent.Operation that created it
	State     string `json:"state"`          // created, removed or left
	Note      string `json:"note,omitempty"` // how it was removed, or why it is left
}

// Finish sets the case's status from its checks (skipped cases keep theirs).
func (c *Case) Finish() {
	if c.Status == Skipped {
		return
	}
	c.Status = Passed
	if c.count(Error) > 0 {
		c.Status = Error
	}
	if c.count(Failed) > 0 {
		c.Status = Failed
	}
}

func (c *Case) count(s Status) int {
	n := 0
	for _, st := range c.Steps {
		for _, ch := range st.Checks {
			if ch.Status == s {
				n++
			}
		}
	}
	return n
}

// Failed reports a contract failure.
func (c *Case) Failed() bool { return c.count(Failed) > 0 }

// Errored reports an infrastructure error (or a case that could not run).
func (c *Case) Errored() bool { return c.count(Error) > 0 }

// Summary is a one-line account of the failures and errors, or "".
func (c *Case) Summary() string {
	var parts []string
	for _, st := range c.Steps {
		for _, ch := range st.Checks {
			if ch.Status == Failed || ch.Status == Error {
				parts = append(parts, fmt.Sprintf("%s [%s] %s", st.Name, ch.ID, ch.Message))
			}
		}
	}
	return strings.Join(parts, "; ")
}
