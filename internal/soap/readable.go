package soap

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Readable is an XML message as a reader sees it, in the same markup:
// character references to letters, digits and the characters of tokens
// decoded, CDATA sections turned into escaped text, everything else kept.
// Text that is not XML is only freed of such references and CDATA markers.
// It is linear in the size of its input.
func Readable(s string) string {
	if !strings.Contains(s, "&#") && !strings.Contains(s, "<![CDATA[") {
		return s
	}
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = false
	dec.AutoClose = nil
	var b bytes.Buffer
	b.Grow(len(s))
	for {
		off := dec.InputOffset()
		tok, err := dec.RawToken()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			// Keep what follows as text, decoded the plain way.
			b.WriteString(plainReadable(s[off:]))
			return b.String()
		}
		switch t := tok.(type) {
		case xml.CharData:
			escapeText(&b, t)
		default:
			// Markup is copied as written, its attribute values decoded.
			raw := s[off:dec.InputOffset()]
			if _, ok := t.(xml.StartElement); ok {
				raw = plainReadable(raw)
			}
			b.WriteString(raw)
		}
	}
}

var (
	charRef   = regexp.MustCompile(`&#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7});`)
	cdataMark = regexp.MustCompile(`<!\[CDATA\[|\]\]>`)
)

// plainReadable decodes references to characters that need no escaping
// in text (letters, digits, token punctuation) and drops CDATA markers.
func plainReadable(s string) string {
	s = cdataMark.ReplaceAllString(s, "")
	return charRef.ReplaceAllStringFunc(s, func(m string) string {
		num := m[2 : len(m)-1]
		base := 10
		if num[0] == 'x' {
			num, base = num[1:], 16
		}
		v, err := strconv.ParseInt(num, base, 32)
		if err != nil {
			return m
		}
		r := rune(v)
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(":+/=_-.!~*$@#%^()[]{}|,;?", r):
			return string(r)
		}
		return m
	})
}

// escapeText escapes what text must escape, and CR (which a parser would
// otherwise turn into LF); white space stays as it is, for the reader.
func escapeText(b *bytes.Buffer, t []byte) {
	for _, c := range t {
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
}
