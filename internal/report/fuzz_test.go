package report

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadAndRender: any summary.json loads or fails; one that loads
// renders as JSON, JUnit and HTML without a panic.
func FuzzLoadAndRender(f *testing.F) {
	f.Add([]byte(`{"format":"conform-summary","version":1,"runs":[{"endpoint":"x"}],"cases":[{"operation":"A.B","name":"c","outcome":"failed","steps":[{"name":"s","results":[{"check":"ENV-SCHEMA","outcome":"failed","message":"<script>"}],"evidence":["evidence/A.B/c/1.xml","/etc/shadow"]}]}],"verdict":{"status":"x","operations":{"Nope":"failed"}}}`))
	f.Add([]byte(`{"format":"conform-summary","version":1}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "summary.json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(p)
		if err != nil {
			return
		}
		if _, err := s.JUnit(Output{}); err != nil {
			t.Fatalf("JUnit: %v", err)
		}
		if _, err := s.HTML(); err != nil {
			t.Fatalf("HTML: %v", err)
		}
	})
}

// FuzzPretty: the pretty-printer takes any text, its output linear in it.
func FuzzPretty(f *testing.F) {
	f.Add("<a><b>x</b></a>")
	f.Add("</a></b>")
	f.Fuzz(func(t *testing.T, s string) {
		if out := prettyXML(s); len(out) > 80*len(s)+100 {
			t.Fatalf("%d bytes in, %d out", len(s), len(out))
		}
	})
}
