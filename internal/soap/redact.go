package soap

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// redactShapes replaces tokens of the given shapes wherever they appear,
// seen before or not: a two-character prefix and its colon at a word start
// (SuperOffice's tickets are "7T:…", say) and everything up to white space,
// markup or punctuation that ends a token, so that a character outside the
// usual alphabet does not leave the tail of one in clear. It is one linear
// pass (a regular expression with a word boundary costs Go's slow matcher
// about 0.6 s per MiB of tokens).
func redactShapes(s string, prefixes []string) string {
	if len(prefixes) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+3 <= len(s); {
		j := strings.IndexByte(s[i:], ':')
		if j < 0 {
			break
		}
		c := i + j // the colon
		i = c + 1
		if c < 2 || !slices.Contains(prefixes, s[c-2:c]) || (c >= 3 && wordByte(s[c-3])) {
			continue
		}
		end := c + 1
		for end < len(s) && !tokenEnd(s[end]) {
			end++
		}
		if end-(c+1) < 2 {
			continue
		}
		b.WriteString(s[last : c-2])
		b.WriteString(Mark(s[c-2 : end]))
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func wordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func tokenEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '\v', '<', '>', '"', '\'', '&', '[', ']', ';', ',', '(', ')':
		return true
	}
	return false
}

// digestKey keys the digests of redaction marks: random per process, never
// written anywhere, so a mark says nothing of its value to a reader.
var digestKey = func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("conform: no randomness for redaction digests: " + err.Error())
	}
	return k
}()

// Mark is what replaces a credential: "[REDACTED #1a2b3c]", with a short
// digest of the value keyed per process. Equal values get equal marks in
// one run, so a reader can see that what came back equals what was saved
// (or differs from it) without seeing either; across runs the marks differ.
func Mark(secret string) string {
	h := hmac.New(sha256.New, digestKey)
	h.Write([]byte(secret))
	return "[REDACTED #" + hex.EncodeToString(h.Sum(nil)[:3]) + "]"
}

// Redactor replaces credentials in text: every known secret (and its
// XML-escaped forms) and every token of a known shape, by its Mark.
// Build one per secret set; it is safe for concurrent use and costs one
// pass over the text, however many secrets it knows.
type Redactor struct {
	r      *strings.Replacer
	shapes []string
}

// NewRedactor builds a Redactor for the secrets, and for tokens of the
// shapes: two-character prefixes that a colon follows. Secrets shorter than
// four characters are left out: too short to tell from ordinary text.
func NewRedactor(shapes []string, secrets ...string) *Redactor {
	seen := map[string]bool{}
	var pairs []string
	add := func(s, mark string) {
		if len(s) >= 4 && !seen[s] {
			seen[s] = true
			pairs = append(pairs, s, mark)
		}
	}
	sorted := append([]string(nil), secrets...)
	// Longer first: where one secret contains another, the whole goes.
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, sec := range sorted {
		mark := Mark(sec)
		add(sec, mark)
		add(Escape(sec), mark)
		var b bytes.Buffer
		escapeText(&b, []byte(sec)) // the form Readable writes text in
		add(b.String(), mark)
	}
	return &Redactor{r: strings.NewReplacer(pairs...), shapes: shapes}
}

// String redacts text as it is.
func (r *Redactor) String(s string) string {
	return redactShapes(r.r.Replace(s), r.shapes)
}

// XML redacts what a reader of an XML message sees: character references
// and CDATA sections are decoded first (Readable), so that "&#55;T:…" or a
// ticket split over two CDATA sections cannot pass.
func (r *Redactor) XML(s string) string { return r.String(Readable(s)) }

// Printable makes peer text safe for a terminal: control characters (C0,
// DEL, C1: escape sequences, carriage returns that overwrite a line) and
// bidirectional overrides are written as Go escapes; tabs stay.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return (r < 0x20 && r != '\t') || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
