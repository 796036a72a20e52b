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

// prettyXML indents an XML document for reading, keeping its prefixes. Text
// that is not well-formed XML, or larger than maxPretty, comes back as it
// was; an end tag without its start tag does not make it fail.
func prettyXML(s string) string {
	if len(s) > maxPretty {
		return s
	}
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = false
	var b bytes.Buffer
	depth := 0
	lastOpen := false // the last token written was a start tag
	indent := func() {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", max(0, min(depth, maxIndent))))
	}
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			b.WriteString("<?" + t.Target + " " + string(t.Inst) + "?>")
		case xml.StartElement:
			if b.Len() > 0 {
				indent()
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
				indent()
			}
			b.WriteString("</" + name(t.Name) + ">")
			lastOpen = false
		case xml.CharData:
			if strings.TrimSpace(string(t)) == "" {
				continue
			}
			xml.EscapeText(&b, t)
		case xml.Comment:
			indent()
			b.WriteString("<!--" + string(t) + "-->")
		case xml.Directive:
			indent()
			b.WriteString("<!" + string(t) + ">")
		}
	}
	return b.String()
}

func name(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}
