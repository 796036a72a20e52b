package soap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Encodings Decode tells apart.
const (
	UTF8    = "UTF-8"
	UTF16LE = "UTF-16LE"
	UTF16BE = "UTF-16BE"
)

// Charset is the charset parameter of a Content-Type, lower-cased; "" when
// there is none or the header does not parse.
func Charset(contentType string) string {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(params["charset"]))
}

// ErrEncoding is wrapped by Decode's errors: the bytes are not the encoding
// they claim (or seem) to be.
var ErrEncoding = errors.New("not a readable UTF-16 message")

// Detect names the encoding of an XML message as XML 1.0 Appendix F and
// the transport's charset (WS-I Basic Profile 1.1 R1012: UTF-8 or UTF-16)
// say: a byte order mark first; then the pattern of "<?" in UTF-16 without
// one; then a charset of utf-16le, utf-16be or utf-16 (the last read by the
// pattern of its first character, big-endian when that says nothing, as RFC
// 2781 §4.3 does); UTF-8 otherwise. It reads at most four bytes.
func Detect(data []byte, charset string) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return UTF16LE
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return UTF16BE
	case bytes.HasPrefix(data, []byte{0x3C, 0x00, 0x3F, 0x00}):
		return UTF16LE
	case bytes.HasPrefix(data, []byte{0x00, 0x3C, 0x00, 0x3F}):
		return UTF16BE
	}
	switch strings.ToLower(charset) {
	case "utf-16le":
		return UTF16LE
	case "utf-16be":
		return UTF16BE
	case "utf-16":
		if len(data) >= 2 && data[0] != 0 && data[1] == 0 {
			return UTF16LE
		}
		return UTF16BE
	}
	return UTF8
}

// IsUTF16Name tells whether an encoding name names UTF-16 (any case).
func IsUTF16Name(name string) bool {
	switch strings.ToUpper(name) {
	case "UTF-16", "UTF-16LE", "UTF-16BE":
		return true
	}
	return false
}

// detectedBy says what told Detect the encoding.
func detectedBy(data []byte, charset string) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "byte order mark"
	case bytes.HasPrefix(data, []byte{0x3C, 0x00, 0x3F, 0x00}), bytes.HasPrefix(data, []byte{0x00, 0x3C, 0x00, 0x3F}):
		return "first bytes, UTF-16 without a byte order mark"
	}
	return "Content-Type charset " + charset
}

// xmlDecl matches the XML declaration's encoding pseudo-attribute.
var xmlDecl = regexp.MustCompile(`^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[A-Za-z0-9._-]*(["'])`)

// Decode returns the message as UTF-8, whatever of UTF-8 and UTF-16 it was
// sent in (see Detect), and the encoding it was in. A UTF-16 message comes
// back with its byte order mark dropped and its XML declaration saying
// UTF-8, so that every reader downstream sees one encoding; UTF-8 input is
// returned as it is (the same slice). It costs one pass over the input and
// one output of at most 1.5 times its size.
func Decode(data []byte, charset string) ([]byte, string, error) {
	enc := Detect(data, charset)
	if enc == UTF8 {
		return data, enc, nil
	}
	var order binary.ByteOrder = binary.LittleEndian
	if enc == UTF16BE {
		order = binary.BigEndian
	}
	body := data
	if len(body) >= 2 && order.Uint16(body) == 0xFEFF {
		body = body[2:]
	}
	if len(body)%2 != 0 {
		return nil, enc, fmt.Errorf("%w: %s text of an odd number of bytes (%d)", ErrEncoding, enc, len(data))
	}
	out := make([]byte, 0, len(body)*3/2+16)
	line := 1
	for i := 0; i < len(body); i += 2 {
		u := order.Uint16(body[i:])
		r := rune(u)
		switch {
		case utf16.IsSurrogate(r):
			if u >= 0xDC00 || i+3 >= len(body) {
				return nil, enc, fmt.Errorf("%w: line %d: a lone %s surrogate (0x%04X)", ErrEncoding, line, enc, u)
			}
			u2 := order.Uint16(body[i+2:])
			r = utf16.DecodeRune(r, rune(u2))
			if r == utf8.RuneError {
				return nil, enc, fmt.Errorf("%w: line %d: a lone %s surrogate (0x%04X)", ErrEncoding, line, enc, u)
			}
			i += 2
		case r == '\n':
			line++
		}
		out = utf8.AppendRune(out, r)
	}
	if m := xmlDecl.FindSubmatchIndex(out); m != nil {
		// A declaration that names another encoding than the bytes are in
		// is a fatal error (XML 1.0 §4.3.3), and WCF's reader refuses it.
		if declared := string(out[m[3]+1 : m[1]-1]); !IsUTF16Name(declared) {
			return nil, enc, fmt.Errorf("%w: the XML declaration names encoding %q, but the message is %s (by its %s); an entity in another encoding than its declaration names is a fatal error (XML 1.0 §4.3.3)", ErrEncoding, declared, enc, detectedBy(data, charset))
		}
		// Say what the bytes now are; the declaration is ASCII, so indices hold.
		fixed := make([]byte, 0, len(out))
		fixed = append(fixed, out[:m[3]]...)
		fixed = append(fixed, `"UTF-8"`...)
		fixed = append(fixed, out[m[1]:]...)
		out = fixed
	}
	return out, enc, nil
}

// Bool reads an xs:boolean by its lexical space (XML Schema Part 2
// §3.2.2.1: "true", "false", "1", "0", after whitespace collapse). ok is
// false for anything else.
func Bool(s string) (value, ok bool) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// BoolValue reads an element as an xs:boolean: nil for an absent or nil
// element, or for text outside the lexical space.
func (n *Node) BoolValue() *bool {
	v := n.Value()
	if v == nil {
		return nil
	}
	b, ok := Bool(*v)
	if !ok {
		return nil
	}
	return &b
}

// DecodeLenient is Decode for showing a message: bytes that do not decode
// come back as they are (the validator reports why).
func DecodeLenient(data []byte, charset string) ([]byte, string) {
	text, enc, err := Decode(data, charset)
	if err != nil {
		return data, enc
	}
	return text, enc
}
