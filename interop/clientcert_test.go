package interop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// reporting runs a conform command that writes a client report when it
// is stopped (conform proxy, conform mock --reports); stop sends SIGTERM and
// returns its exit code and output.
func reporting(t *testing.T, base string, args ...string) (stop func() (int, string)) {
	t.Helper()
	cmd := exec.Command(conformBin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), base) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return func() (int, string) {
		stopped = true
		cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		}
		return 0, out.String()
	}
}

type clientReport struct {
	Cases []struct {
		Operation string `json:"operation"`
		Name      string `json:"name"`
		Outcome   string `json:"outcome"`
		Steps     []struct {
			Results []struct {
				Check   string `json:"check"`
				Outcome string `json:"outcome"`
				Message string `json:"message"`
			} `json:"results"`
		} `json:"steps"`
	} `json:"cases"`
	Verdict struct {
		Status string `json:"status"`
	} `json:"verdict"`
}

func readClientReport(t *testing.T, dir string) clientReport {
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r clientReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// called are the operations the report says the client called.
func (r clientReport) called() []string {
	var out []string
	for _, c := range r.Cases {
		if c.Outcome != "skipped" {
			out = append(out, c.Operation)
		}
	}
	return out
}

var mockCredential = regexp.MustCompile(`(7T|8A):[A-Za-z0-9_-]{6}|conform-password`)

func noCredentialsIn(t *testing.T, dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			for _, text := range []string{string(data), utf16Text(data, 0), utf16Text(data, 1)} {
				if m := mockCredential.FindString(text); m != "" {
					t.Errorf("%s holds a credential (%s…)", p, m[:3])
				}
			}
		}
		return err
	})
}

// A third-party client's session, through conform proxy in front of conform
// mock and against conform mock --reports, makes a client report: a
// conformant session is CONFORMANT and names each operation called; a
// schema-invalid request makes it NOT CONFORMANT, naming the check and the
// element path, and the call still went through.
func TestClientCertification(t *testing.T) {
	seeds := []string{"SoPrincipal.AuthenticateUsernamePassword", "User.GetAccessToken", "User.GetExternalTokens", "User.SaveExternalTokens"}
	for _, tc := range []struct {
		name    string
		stack   stack
		argv    func(wsdlBase, callBase string) []string
		via     string // proxy or mock
		invalid bool
	}{
		{"zeep through conform proxy", zeepStack, func(w, c string) []string {
			return []string{"/usr/bin/python3", "testdata/zeep/client.py", w, "?wsdl", c}
		}, "proxy", false},
		{"PHP SoapClient through conform proxy", phpStack, func(w, c string) []string {
			return []string{"php", "testdata/php/client.php", w, "?singleWsdl", c}
		}, "proxy", false},
		{"PHP SoapClient against conform mock --reports", phpStack, func(w, c string) []string {
			return []string{"php", "testdata/php/client.php", w, "?wsdl", c}
		}, "mock", false},
		{"PHP SoapClient with a wrong boolean, through conform proxy", phpStack, func(w, c string) []string {
			return []string{"php", "testdata/php/client.php", w, "?wsdl", c, "invalid"}
		}, "proxy", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			need(t, tc.stack)
			reports := filepath.Join(t.TempDir(), "reports")
			var base string
			var stop func() (int, string)
			if tc.via == "proxy" {
				upstream, _ := startMock(t)
				base = fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
				stop = reporting(t, base, "proxy", "--listen", strings.TrimPrefix(base, "http://"), "--upstream", upstream, "--reports", reports)
			} else {
				base = fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
				stop = reporting(t, base, "mock", "--addr", strings.TrimPrefix(base, "http://"), "--reports", reports)
			}
			cmd := exec.Command(tc.argv(base, base)[0], tc.argv(base, base)[1:]...)
			out, err := cmd.CombinedOutput()
			if err != nil || strings.Contains(string(out), `"ok": false`) || strings.Contains(string(out), `"ok":false`) {
				t.Fatalf("the client's session: %v\n%s", err, out)
			}
			code, said := stop()
			r := readClientReport(t, reports)
			t.Logf("lab | client report %-50s | exit %d | %s | called %s", tc.name, code, r.Verdict.Status, strings.Join(r.called(), ", "))
			for _, op := range seeds {
				if !strings.Contains(strings.Join(r.called(), " "), op) {
					t.Errorf("the report does not name %s among the operations called: %v", op, r.called())
				}
			}
			if len(r.Cases) != 1819 { // the 57 pinned agents
				t.Errorf("%d cases; want one per pinned operation (called or not)", len(r.Cases))
			}
			noCredentialsIn(t, reports)
			if !tc.invalid {
				if code != 0 || r.Verdict.Status != "conformant" {
					t.Errorf("a conformant client's report: exit %d, %s\n%s", code, r.Verdict.Status, said)
				}
				return
			}
			if code != 1 || r.Verdict.Status != "not conformant" {
				t.Errorf("an invalid request's report: exit %d, %s\n%s", code, r.Verdict.Status, said)
			}
			found := false
			for _, c := range r.Cases {
				for _, st := range c.Steps {
					for _, res := range st.Results {
						if c.Operation == "User.GetAccessToken" && res.Outcome == "failed" && res.Check == "BODY-VALID" &&
							strings.Contains(res.Message, "/s:Envelope/s:Body/GetAccessToken/IncludeCsSession") {
							found = true
						}
					}
				}
			}
			if !found {
				t.Errorf("the report does not name BODY-VALID at .../GetAccessToken/IncludeCsSession")
			}
			if !strings.Contains(string(out), `"step":"invalid request","ok":true`) {
				t.Errorf("the invalid call did not go through: %s", out)
			}
		})
	}
}
