package soap

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func seedMessages(f *testing.F) {
	for _, dir := range []string{"../validate/testdata/cases", "../../fixtures/docs"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("<a>&#55;&#84;&#58;x<![CDATA[y]]></a>"))
	f.Add([]byte("</a><![CDATA["))
}

// FuzzRead: the SOAP reader and the decoder take any bytes without a panic.
func FuzzRead(f *testing.F) {
	seedMessages(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := Read(data); err == nil {
			m.Header("Credentials").At("Ticket").Value()
		}
		Decode(data, "utf-16")
	})
}

// FuzzRedact: a secret in a message, written plainly, escaped, as character
// references or split over CDATA sections, never survives redaction.
func FuzzRedact(f *testing.F) {
	f.Add("7T:ticket-value", "<a>", "</a>")
	f.Add("pass word!", "<x y='", "'/>")
	f.Add("s3cr", "", "")
	f.Fuzz(func(t *testing.T, secret, before, after string) {
		var kept []rune
		for _, r := range secret {
			if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				kept = append(kept, r)
			}
		}
		secret = string(kept)
		if len(secret) < 4 || strings.Contains("[REDACTED #]", secret) {
			return
		}
		r := NewRedactor([]string{"7T", "8A"}, secret)
		var refs strings.Builder
		for _, c := range secret {
			refs.WriteString("&#" + itoa(int(c)) + ";")
		}
		half := len(secret) / 2
		for _, form := range []string{secret, refs.String(), "<![CDATA[" + secret[:half] + "]]><![CDATA[" + secret[half:] + "]]>"} {
			in := "<m>" + form + "</m>"
			out := r.XML(before + in + after)
			// A mark's digest is hex and may spell a short secret by chance.
			shown := marks.ReplaceAllString(Readable(out), "[REDACTED]")
			if strings.Contains(shown, secret) && !strings.Contains(before+after, secret) {
				// Only what the input's own surroundings say may remain.
				t.Fatalf("secret %q survives in %q", secret, out)
			}
		}
		Printable(before + secret + after)
	})
}

var marks = regexp.MustCompile(`\[REDACTED #[0-9a-f]{6}\]`)

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
