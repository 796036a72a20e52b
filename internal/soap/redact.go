package soap

import (
	"regexp"
	"sort"
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
	var out []string
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

// credentialShape matches SuperOffice tickets (7T:) and access tokens
// (8A:) wherever they appear, seen before or not.
var credentialShape = regexp.MustCompile(`\b(7T|8A):[A-Za-z0-9+/=_\-.]{4,}`)

// SecretResponses are operations whose response body Response element is
// a credential: an access token, or a key that reads stored tokens.
var SecretResponses = map[string]bool{
	"GetAccessToken": true, "SaveExternalTokens": true, "DecryptAndSaveExternalTokens": true,
}

// SecretRequests are request elements, by operation, that carry such a key.
var SecretRequests = map[string]string{"GetExternalTokens": "Key"}

// Redact replaces every occurrence of each secret (and of its XML-escaped
// form), and anything shaped like a ticket or access token, in s by
// "[REDACTED]". Longer secrets are replaced first.
func Redact(s string, secrets ...string) string {
	s = credentialShape.ReplaceAllString(s, "[REDACTED]")
	sorted := append([]string(nil), secrets...)
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, sec := range sorted {
		if len(sec) < 4 { // too short to tell from ordinary text
			continue
		}
		s = strings.ReplaceAll(s, sec, "[REDACTED]")
		if esc := Escape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, "[REDACTED]")
		}
	}
	return s
}
