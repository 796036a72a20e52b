package mock

import (
	"regexp"
	"strings"

	"github.com/conform-dev/conform/internal/safety"
	"github.com/conform-dev/conform/internal/soap"
)

// Write is one call the mock served whose operation is not read-only (by
// the reviewed safety tables): what a test of the tiers reads to prove
// that a run wrote only to what it created.
type Write struct {
	Operation string       `json:"operation"` // Agent.Operation
	Safety    safety.Class `json:"safety"`
	// Targets are the identifiers the request names (elements named …Id,
	// …Ids, …Key or …IdToDelete, not 0 or empty): the records it touches.
	Targets []string `json:"targets,omitempty"`
	// Created are the identifiers the mock made in answering (a new
	// role's id, a new token set's key).
	Created   []string `json:"created,omitempty"`
	Succeeded bool     `json:"succeeded"`
}

var idName = regexp.MustCompile(`(Id|Ids|Key|IdToDelete)$`)

// targets lists the identifiers a request body names.
func targets(n *soap.Node) []string {
	var out []string
	var walk func(*soap.Node)
	walk = func(n *soap.Node) {
		if n == nil {
			return
		}
		if len(n.Kids) == 0 {
			if v := strings.TrimSpace(n.Text); idName.MatchString(n.Name.Local) && v != "" && v != "0" && !n.Nil() {
				out = append(out, v)
			}
			return
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(n)
	return out
}
