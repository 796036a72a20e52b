package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Every step a client script takes (testdata/*/client.*), in order.
var clientSteps = []string{"login", "GetAccessToken", "round trip, XML-special", "round trip, non-ASCII", "round trip, CR/LF/TAB", "round trip, edge spaces", "unknown key", "CustomObject round trip"}

// Mainstream clients with default settings complete every step against
// conform mock, and every value comes back exact. What they leave out
// (ApplicationToken, TimeZone) is served, as NetServer serves it, and
// reported in the mock's findings.
func TestClientsAgainstMock(t *testing.T) {
	clients := []struct {
		name  string
		stack stack
		argv  []string
	}{
		{"zeep 4.2.1", zeepStack, []string{"/usr/bin/python3", "testdata/zeep/client.py"}},
		{"PHP 8.2 SoapClient", phpStack, []string{"php", "testdata/php/client.php"}},
	}
	for _, c := range clients {
		for _, query := range []string{"?wsdl", "?singleWsdl"} {
			t.Run(c.name+" "+query, func(t *testing.T) {
				need(t, c.stack)
				base, findings := startMock(t)
				cmd := exec.Command(c.argv[0], append(c.argv[1:], base, query)...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("%s: %v\n%s\n%s", c.name, err, out, stderr.String())
				}
				var got []string
				sc := bufio.NewScanner(bytes.NewReader(out))
				for sc.Scan() {
					var s struct {
						Step   string `json:"step"`
						OK     bool   `json:"ok"`
						Detail string `json:"detail"`
					}
					if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
						t.Fatalf("%s printed %q: %v", c.name, sc.Text(), err)
					}
					verdict := "ok"
					if !s.OK {
						verdict = "FAIL"
						t.Errorf("%s %s: step %q failed: %s", c.name, query, s.Step, s.Detail)
					}
					t.Logf("lab | client %-20s | %-12s | %-24s | %s", c.name, query, s.Step, verdict)
					got = append(got, s.Step)
				}
				if strings.Join(got, "|") != strings.Join(clientSteps, "|") {
					t.Errorf("%s took steps %q; want %q", c.name, got, clientSteps)
				}
				// The mock served what these clients leave out and said so,
				// without a credential.
				data, err := os.ReadFile(findings)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(data), `"check":"HDR-MISSING"`) || !strings.Contains(string(data), `"served":true`) {
					t.Errorf("the mock's findings do not record the missing headers it served:\n%s", data)
				}
				if strings.Contains(string(data), "conform-password") || strings.Contains(string(data), "7T:") {
					t.Errorf("the mock's findings hold a credential:\n%s", data)
				}
			})
		}
	}
}
