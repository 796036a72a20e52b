package soap

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
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
		if last == 0 {
			b.Grow(len(s) + len(s)/4) // marks are longer than most tokens
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
	h := macs.Get().(hash.Hash)
	defer macs.Put(h)
	h.Reset()
	io.WriteString(h, secret)
	var sum [sha256.Size]byte
	return "[REDACTED #" + hex.EncodeToString(h.Sum(sum[:0])[:3]) + "]"
}

// macs are keyed digests to reuse: a message of 400,000 tokens is marked
// without 400,000 HMACs to collect.
var macs = sync.Pool{New: func() any { return hmac.New(sha256.New, digestKey) }}

// Redactor replaces credentials in text: every known secret (and its
// XML-escaped forms) and every token of a known shape, by its Mark.
// Build one per secret set; it is safe for concurrent use. Its time is
// linear in the text and the secrets, whatever either holds: secrets are
// found with strings.Index (which falls back to Rabin-Karp rather than
// degrade), not with strings.Replacer, whose Boyer-Moore table is quadratic
// in a long repetitive secret (a 1 MiB password cost the mock minutes).
type Redactor struct {
	pats   []pattern // longer first: where one secret contains another, the whole goes
	shapes []string
}

type pattern struct{ s, mark string }

// NewRedactor builds a Redactor for the secrets, and for tokens of the
// shapes: two-character prefixes that a colon follows. Secrets shorter than
// four characters are left out: too short to tell from ordinary text.
func NewRedactor(shapes []string, secrets ...string) *Redactor {
	seen := map[string]bool{}
	r := &Redactor{shapes: shapes}
	add := func(s, mark string) {
		if len(s) >= 4 && !seen[s] {
			seen[s] = true
			r.pats = append(r.pats, pattern{s, mark})
		}
	}
	for _, sec := range secrets {
		mark := Mark(sec)
		add(sec, mark)
		add(Escape(sec), mark)
		var b bytes.Buffer
		escapeText(&b, []byte(sec)) // the form Readable writes text in
		add(b.String(), mark)
	}
	sort.SliceStable(r.pats, func(i, j int) bool { return len(r.pats[i].s) > len(r.pats[j].s) })
	return r
}

// replace replaces, from left to right, the leftmost occurrence of any
// secret (the longest where several start there) by its mark, and goes on
// after it. Each secret's next occurrence is looked up again only when the
// text before it has been consumed, so each part of the text is searched
// for each secret about once.
func (r *Redactor) replace(s string) string {
	if len(r.pats) == 0 || len(s) < 4 {
		return s
	}
	next := make([]int, len(r.pats)) // next occurrence at or after cur; -1: none left
	find := func(i, from int) {
		if j := strings.Index(s[from:], r.pats[i].s); j >= 0 {
			next[i] = from + j
		} else {
			next[i] = -1
		}
	}
	for i := range r.pats {
		find(i, 0)
	}
	var b strings.Builder
	cur := 0
	for {
		best := -1
		for i, at := range next {
			if at >= 0 && (best < 0 || at < next[best]) { // ties: the longer, listed first
				best = i
			}
		}
		if best < 0 {
			break
		}
		if cur == 0 && b.Len() == 0 {
			b.Grow(len(s))
		}
		at := next[best]
		b.WriteString(s[cur:at])
		b.WriteString(r.pats[best].mark)
		cur = at + len(r.pats[best].s)
		for i, a := range next {
			if a >= 0 && a < cur {
				find(i, cur)
			}
		}
	}
	if cur == 0 {
		return s
	}
	b.WriteString(s[cur:])
	return b.String()
}

// String redacts text as it is.
func (r *Redactor) String(s string) string {
	return redactShapes(r.replace(s), r.shapes)
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
