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

// Each pretty-printed line carries the line of the message as received
// that it starts on: the line libxml2's findings name.
func TestPrettyLines(t *testing.T) {
	in := "<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"urn:s\"><s:Header><Succeeded>yes</Succeeded></s:Header>\n<s:Body>\n<R><A>1</A></R></s:Body></s:Envelope>"
	got := prettyLines(in)
	want := []numLine{
		{1, `<?xml version="1.0"?>`},
		{2, `<s:Envelope xmlns:s="urn:s">`},
		{2, `  <s:Header>`},
		{2, `    <Succeeded>yes</Succeeded>`},
		{2, `  </s:Header>`},
		{3, `  <s:Body>`},
		{4, `    <R>`},
		{4, `      <A>1</A>`},
		{4, `    </R>`},
		{4, `  </s:Body>`},
		{4, `</s:Envelope>`},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %d %q, want %d %q", i, got[i].N, got[i].Text, want[i].N, want[i].Text)
		}
	}
	// Not XML: numbered as it is.
	if got := prettyLines("a\n<b"); len(got) != 2 || got[1] != (numLine{2, "<b"}) {
		t.Errorf("raw text: %v", got)
	}
}
