package soap

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
)

// SecretElements are the local names whose values are credentials: they
// never reach a report, a log or an error message.
var SecretElements = map[string]bool{
	"Ticket": true, "Password": true, "AccessToken": true, "RefreshToken": true,
	"ApplicationToken": true, "AppToken": true, "Claims": true,
}

// Secrets returns the non-empty values of secret elements in a message,
// best effort (a message that does not parse yields none).
func Secrets(data []byte) []string {
	m, err := Read(data)
	if err != nil {
		return nil
	}
	return m.Secrets()
}

// Secrets are the credential values of a message that was read (at most
// maxSecretsPerMessage of them).
func (m *Message) Secrets() (out []string) {
	defer func() {
		if len(out) > maxSecretsPerMessage {
			out = out[:maxSecretsPerMessage]
		}
	}()
	if m.Body != nil {
		op := strings.TrimSuffix(m.Body.Name.Local, "Response")
		if SecretResponses[op] && op != m.Body.Name.Local {
			if v := m.Body.At("Response").Value(); v != nil && strings.TrimSpace(*v) != "" {
				out = append(out, *v)
			}
		}
		if el, ok := SecretRequests[m.Body.Name.Local]; ok {
			if v := m.Body.At(el).Value(); v != nil && strings.TrimSpace(*v) != "" {
				out = append(out, *v)
			}
		}
	}
	var walk func(n *Node)
	walk = func(n *Node) {
		if len(out) >= maxSecretsPerMessage {
			return
		}
		if SecretElements[n.Name.Local] && len(n.Kids) == 0 && strings.TrimSpace(n.Text) != "" {
			out = append(out, n.Text)
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	for _, h := range m.Headers {
		walk(h)
	}
	if m.Body != nil {
		walk(m.Body)
	}
	return out
}

// redactShapes replaces SuperOffice tickets (7T:) and access tokens (8A:)
// wherever they appear, seen before or not: the prefix (at a word start)
// and everything up to white space, markup or punctuation that ends a
// token, so that a character outside the usual alphabet does not leave the
// tail of one in clear. It is one linear pass (a regular expression with a
// word boundary costs Go's slow matcher about 0.6 s per MiB of tickets).
func redactShapes(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+3 <= len(s); {
		j := strings.IndexByte(s[i:], ':')
		if j < 0 {
			break
		}
		c := i + j // the colon
		i = c + 1
		if c < 2 || !(s[c-2:c] == "7T" || s[c-2:c] == "8A") || (c >= 3 && wordByte(s[c-3])) {
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
		b.WriteString("[REDACTED]")
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

// SecretResponses are operations whose response body Response element is
// a credential: an access token, or a key that reads stored tokens.
var SecretResponses = map[string]bool{
	"GetAccessToken": true, "SaveExternalTokens": true, "DecryptAndSaveExternalTokens": true,
}

// SecretRequests are request elements, by operation, that carry such a key.
var SecretRequests = map[string]string{"GetExternalTokens": "Key"}

// maxSecretsPerMessage bounds how many credential values one message adds
// to the secret set: a hostile answer with 400,000 secret-shaped elements
// must not make every later redaction slow (the shape rule still covers
// tickets and access tokens beyond it).
const maxSecretsPerMessage = 64

// Redactor replaces credentials in text: every known secret (and its
// XML-escaped form) and anything shaped like a ticket or access token, by
// "[REDACTED]". Build one per secret set; it is safe for concurrent use and
// costs one pass over the text, however many secrets it knows.
type Redactor struct {
	n int
	r *strings.Replacer
}

// NewRedactor builds a Redactor for the secrets. Secrets shorter than four
// characters are left out: too short to tell from ordinary text.
func NewRedactor(secrets ...string) *Redactor {
	seen := map[string]bool{}
	var pairs []string
	add := func(s string) {
		if len(s) >= 4 && !seen[s] {
			seen[s] = true
			pairs = append(pairs, s, "[REDACTED]")
		}
	}
	sorted := append([]string(nil), secrets...)
	// Longer first: where one secret contains another, the whole goes.
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, sec := range sorted {
		add(sec)
		add(Escape(sec))
		var b bytes.Buffer
		escapeText(&b, []byte(sec)) // the form Readable writes text in
		add(b.String())
	}
	return &Redactor{n: len(secrets), r: strings.NewReplacer(pairs...)}
}

// Len is the number of secrets the Redactor was built from.
func (r *Redactor) Len() int { return r.n }

// String redacts text as it is.
func (r *Redactor) String(s string) string {
	return redactShapes(r.r.Replace(s))
}

// XML redacts what a reader of an XML message sees: character references
// and CDATA sections are decoded first (Readable), so that "&#55;T:…" or a
// ticket split over two CDATA sections cannot pass.
func (r *Redactor) XML(s string) string { return r.String(Readable(s)) }

// Redact is NewRedactor(secrets...).String(s), for one-off use.
func Redact(s string, secrets ...string) string {
	return NewRedactor(secrets...).String(s)
}

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
