package soap

import (
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

// Redact replaces every occurrence of each secret (and of its XML-escaped
// form) in s by "[REDACTED]". Longer secrets are replaced first.
func Redact(s string, secrets ...string) string {
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
