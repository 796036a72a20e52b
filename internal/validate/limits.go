package validate

import (
	"bytes"
	"fmt"

	"github.com/conform-dev/conform/internal/checks"
)

// Limits bound what one message may make conform do, so that time and
// memory stay linear in its size: libxml2 2.9's duplicate-attribute check is
// quadratic in the attributes of an element, and its tree costs about 120
// bytes an element. Each is enforced by a linear scan of the bytes before
// libxml2 reads them.
type Limits struct {
	MaxDepth int // element nesting (libxml2's own limit without XML_PARSE_HUGE is 256)
	MaxNodes int // elements and comments in the message
	// MaxComments: text split by comments costs libxml2 time quadratic in
	// the pieces when it validates the element that holds it.
	MaxComments   int
	MaxAttributes int // attributes (namespace declarations included) on one element
	MaxPerCheck   int // findings listed per check; the rest are counted
}

// DefaultLimits are far above what a NetServer message holds.
var DefaultLimits = Limits{MaxDepth: 256, MaxNodes: 500_000, MaxComments: 50_000, MaxAttributes: 256, MaxPerCheck: 20}

// prescan walks the markup once and names the first limit the message
// breaks, with its line and check; "" when none. A processing instruction
// (other than the XML declaration) is a contract break in itself (SOAP 1.1
// §3, WS-I Basic Profile 1.1 R1009) and ends the scan too. It stops at a DOCTYPE (the parser
// refuses it) and treats comments, processing instructions and CDATA
// sections as opaque.
func prescan(data []byte, l Limits) (int, string, string) {
	line, depth, nodes, comments := 1, 0, 0, 0
	tooMany := func() (int, string, string) {
		return line, checks.XMLLimits, fmt.Sprintf("the message has more than %d elements and comments (the limit); it was not read further", l.MaxNodes)
	}
	i := 0
	skipTo := func(end string) {
		j := bytes.Index(data[i:], []byte(end))
		if j < 0 {
			j = len(data) - i
		} else {
			j += len(end)
		}
		line += bytes.Count(data[i:i+j], []byte{'\n'})
		i += j
	}
	for i < len(data) {
		c := data[i]
		if c == '\n' {
			line++
			i++
			continue
		}
		if c != '<' {
			i++
			continue
		}
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			if nodes++; nodes > l.MaxNodes {
				return tooMany()
			}
			if comments++; comments > l.MaxComments {
				return line, checks.XMLLimits, fmt.Sprintf("the message has more than %d comments (the limit); it was not read further", l.MaxComments)
			}
			skipTo("-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			skipTo("]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			if !(i == 0 && bytes.HasPrefix(rest, []byte("<?xml")) && len(rest) > 5 && (rest[5] == ' ' || rest[5] == '\t' || rest[5] == '\r' || rest[5] == '\n')) {
				return line, checks.XMLNoPI, "the message has a processing instruction; SOAP messages must not contain one, so it was not read further"
			}
			skipTo("?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			return 0, "", "" // a DOCTYPE: the parser stops there and says so
		case bytes.HasPrefix(rest, []byte("</")):
			depth--
			skipTo(">")
		default:
			start := line
			if nodes++; nodes > l.MaxNodes {
				return tooMany()
			}
			attrs, quote, closed := 0, byte(0), false
			j := i + 1
			for ; j < len(data); j++ {
				b := data[j]
				if b == '\n' {
					line++
				}
				if quote != 0 {
					if b == quote {
						quote = 0
					}
					continue
				}
				if b == '"' || b == '\'' {
					quote = b
				} else if b == '=' {
					attrs++
				} else if b == '>' {
					closed = j > i+1 && data[j-1] == '/'
					break
				}
			}
			i = j + 1
			if attrs > l.MaxAttributes {
				return start, checks.XMLLimits, fmt.Sprintf("an element has more than %d attributes (the limit); it was not read further", l.MaxAttributes)
			}
			if !closed {
				depth++
				if depth > l.MaxDepth {
					return start, checks.XMLLimits, fmt.Sprintf("elements are nested deeper than %d (the limit); it was not read further", l.MaxDepth)
				}
			}
		}
	}
	return 0, "", ""
}
