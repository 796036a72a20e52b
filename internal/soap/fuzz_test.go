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

// The redactor replaces exactly what strings.Replacer (its former engine)
// replaced, with secrets longer first, but in time linear in a long
// repetitive secret: over a small alphabet, overlaps are the rule.
func FuzzRedactLikeReplacer(f *testing.F) {
	f.Add("zzab", "abab", "zzababab")
	f.Add("aaaa", "aaab", "aaaaaaab")
	f.Fuzz(func(t *testing.T, a, b, text string) {
		clip := func(s string) string {
			var out []byte
			for i := 0; i < len(s) && len(out) < 12; i++ {
				out = append(out, 'a'+s[i]%3)
			}
			return string(out)
		}
		a, b = clip(a), clip(b)
		var tx []byte
		for i := 0; i < len(text) && i < 200; i++ {
			tx = append(tx, 'a'+text[i]%3)
		}
		if len(a) < 4 || len(b) < 4 {
			return
		}
		r := NewRedactor(nil, a, b)
		pairs := []string{}
		for _, p := range r.pats {
			pairs = append(pairs, p.s, p.mark)
		}
		want := strings.NewReplacer(pairs...).Replace(string(tx))
		if got := r.String(string(tx)); got != want {
			t.Fatalf("secrets %q %q in %q: got %q, strings.Replacer %q", a, b, tx, got, want)
		}
	})
}

// A long repetitive secret in a long text costs linear time (it took the
// mock 289 s for a 1 MiB password interleaved with processing
// instructions): compare ns/op at 1 and 2 MiB.
func BenchmarkRedactLongSecret(b *testing.B) {
	for _, n := range []int{1 << 20, 2 << 20} {
		secret := strings.Repeat("a", n/2)
		text := strings.Repeat("a", n/2-1) + "b" + secret
		b.Run(itoa(n>>20)+"MiB", func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				if out := NewRedactor(nil, secret).String(text); strings.Contains(out, secret) {
					b.Fatal("not redacted")
				}
			}
		})
	}
}
