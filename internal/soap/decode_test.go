package soap

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16le(s string, bom bool) []byte {
	var out []byte
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func utf16be(s string, bom bool) []byte {
	var out []byte
	if bom {
		out = append(out, 0xFE, 0xFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

func TestDecode(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="utf-16"?>` + "\n<a>Zürich 🔑</a>"
	const want = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<a>Zürich 🔑</a>"
	const bare = "<a>Zürich 🔑</a>"
	for _, tc := range []struct {
		name, charset string
		in            []byte
		want, enc     string
	}{
		{"UTF-8 as it is", "", []byte(bare), bare, UTF8},
		{"UTF-16LE with BOM", "", utf16le(doc, true), want, UTF16LE},
		{"UTF-16BE with BOM", "utf-8", utf16be(doc, true), want, UTF16BE},
		{"UTF-16LE, no BOM, declaration", "", utf16le(doc, false), want, UTF16LE},
		{"UTF-16BE, no BOM, declaration", "", utf16be(doc, false), want, UTF16BE},
		{"UTF-16LE named by charset only", "utf-16le", utf16le(bare, false), bare, UTF16LE},
		{"UTF-16BE named by charset only", "UTF-16BE", utf16be(bare, false), bare, UTF16BE},
		{"utf-16 without BOM, little-endian by its bytes", "utf-16", utf16le(bare, false), bare, UTF16LE},
	} {
		got, enc, err := Decode(tc.in, Charset("text/xml; charset="+tc.charset))
		if err != nil || string(got) != tc.want || enc != tc.enc {
			t.Errorf("%s: %q %s %v", tc.name, got, enc, err)
		}
	}
	for _, bad := range [][]byte{append(utf16le(bare, true), 0), append(utf16le("<a>", true), 0x00, 0xD8, 0x41, 0x00)} {
		if _, _, err := Decode(bad, ""); !errors.Is(err, ErrEncoding) {
			t.Errorf("%x: want ErrEncoding, got %v", bad, err)
		}
	}
}

func TestBool(t *testing.T) {
	for in, want := range map[string]int{"true": 1, "1": 1, " true\n": 1, "false": 0, "0": 0, "\t0 ": 0, "TRUE": -1, "yes": -1, "": -1, "maybe": -1} {
		v, ok := Bool(in)
		got := -1
		if ok {
			got = map[bool]int{true: 1, false: 0}[v]
		}
		if got != want {
			t.Errorf("Bool(%q) = %v %v", in, v, ok)
		}
	}
}

// A Fault without faultstring (or faultcode) reads; the validator reports it.
func TestReadFaultWithoutFaultstring(t *testing.T) {
	for _, f := range []string{"<faultcode>s:Server</faultcode>", "", "<faultstring>x</faultstring>"} {
		m, err := Read([]byte(`<s:Envelope xmlns:s="` + NS11 + `"><s:Body><s:Fault>` + f + `</s:Fault></s:Body></s:Envelope>`))
		if err != nil || m.Fault == nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	m, err := Read(utf16le(`<s:Envelope xmlns:s="`+NS11+`"><s:Body><x>`+strings.Repeat("é", 3)+`</x></s:Body></s:Envelope>`, true))
	if err != nil || m.Body.Text != "ééé" {
		t.Errorf("UTF-16 envelope: %+v %v", m, err)
	}
}

// Mixed content (text before a child: any pretty-printed message) reads.
func TestReadMixedContent(t *testing.T) {
	m, err := Read([]byte("<s:Envelope xmlns:s=\"" + NS11 + "\">\n  <s:Body>\n    <a>\n      <b>x</b>\n      <c>y</c>\n    </a>\n  </s:Body>\n</s:Envelope>"))
	if err != nil || m.Body.At("c").Text != "y" || m.Body.At("b").Text != "x" {
		t.Fatalf("%+v %v", m, err)
	}
}
