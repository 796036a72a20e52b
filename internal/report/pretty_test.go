package report

import (
	"strings"
	"testing"
)

// The pretty-printer survives broken and hostile text, in linear output.
func TestPrettyIsBounded(t *testing.T) {
	for _, in := range []string{"</a>", "</a></b><c>x</c>", strings.Repeat("<a>", 5000) + strings.Repeat("</a>", 5000), "<a><b></a>"} {
		out := prettyXML(in)
		if len(out) > 40*len(in)+100 {
			t.Errorf("%d bytes in, %d out", len(in), len(out))
		}
	}
	if got := prettyXML("<a><b>x</b></a>"); got != "<a>\n  <b>x</b>\n</a>" {
		t.Errorf("%q", got)
	}
}
