package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// Bounds of the pretty-printer: its output stays linear in its input.
const (
	maxIndent = 32      // levels indented; deeper ones stay at this one
	maxPretty = 1 << 20 // larger text is shown as it is
)

// numLine is a line of a message as the page shows it, with the line of
// the message as received that it comes from: the line a finding names.
type numLine struct {
	N    int
	Text string
}

// prettyXML indents an XML document for reading, keeping its prefixes.
func prettyXML(s string) string {
	lines := prettyLines(s)
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Text)
	}
	return b.String()
}

// prettyLines indents an XML document for reading and numbers each line
// by the line of the original it starts on. Text that is not well-formed
// XML, or larger than maxPretty, comes back as it was, numbered line by
// line; an end tag without its start tag does not make it fail.
func prettyLines(s string) []numLine {
	if len(s) > maxPretty {
		return rawLines(s)
	}
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = false
	var lines []numLine
	var b bytes.Buffer
	line, counted := 1, 0 // the source line at offset counted
	at := 1               // source line of the current output line
	lineOf := func(off int64) int {
		if o := int(min(off, int64(len(s)))); o > counted {
			line += strings.Count(s[counted:o], "\n")
			counted = o
		}
		return line
	}
	depth := 0
	lastOpen := false // the last token written was a start tag
	flush := func() {
		lines = append(lines, numLine{N: at, Text: b.String()})
		b.Reset()
	}
	// indent starts a new output line for a token that starts at src.
	indent := func(src int) {
		flush()
		at = src
		b.WriteString(strings.Repeat("  ", max(0, min(depth, maxIndent))))
	}
	started := false
	for {
		src := lineOf(dec.InputOffset())
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rawLines(s)
		}
		if !started {
			at, started = src, true
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			b.WriteString("<?" + t.Target + " " + string(t.Inst) + "?>")
		case xml.StartElement:
			if b.Len() > 0 {
				indent(src)
			}
			b.WriteString("<" + name(t.Name))
			for _, a := range t.Attr {
				b.WriteString(" " + name(a.Name) + `="`)
				xml.EscapeText(&b, []byte(a.Value))
				b.WriteString(`"`)
			}
			b.WriteString(">")
			depth++
			lastOpen = true
		case xml.EndElement:
			depth--
			if !lastOpen {
				indent(src)
			}
			b.WriteString("</" + name(t.Name) + ">")
			lastOpen = false
		case xml.CharData:
			if strings.TrimSpace(string(t)) == "" {
				continue
			}
			xml.EscapeText(&b, t)
		case xml.Comment:
			indent(src)
			b.WriteString("<!--" + string(t) + "-->")
		case xml.Directive:
			indent(src)
			b.WriteString("<!" + string(t) + ">")
		}
	}
	if b.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// rawLines numbers text as it is.
func rawLines(s string) []numLine {
	var out []numLine
	for i, l := range strings.Split(s, "\n") {
		out = append(out, numLine{N: i + 1, Text: l})
	}
	return out
}

func name(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}
