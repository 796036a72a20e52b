package interop

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	conformBin string // conform, built once for the lab
	schemasDir string // the project's pinned contracts, which the peers are built from
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "conform-lab-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		os.Exit(1)
	}
	conformBin = filepath.Join(dir, "conform")
	if out, err := exec.Command("go", "build", "-o", conformBin, "../cmd/conform").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "interop: cannot build conform: %v\n%s", err, out)
		os.Exit(1)
	}
	schemasDir, _ = filepath.Abs("../schemas")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// stack is a third-party SOAP stack the lab needs, with its Debian packages.
type stack struct {
	name     string
	packages string
	present  func() bool
}

func commandWorks(name string, args ...string) func() bool {
	return func() bool { return exec.Command(name, args...).Run() == nil }
}

var (
	zeepStack  = stack{"python3-zeep", "python3-zeep", commandWorks("/usr/bin/python3", "-c", "import zeep")}
	phpStack   = stack{"PHP ext/soap", "php-cli php-soap", commandWorks("php", "-r", `exit(class_exists("SoapServer") ? 0 : 1);`)}
	gsoapStack = stack{"gSOAP", "gsoap libgsoap-dev g++", func() bool {
		for _, c := range []string{"wsdl2h", "soapcpp2", "g++"} {
			if _, err := exec.LookPath(c); err != nil {
				return false
			}
		}
		_, err := os.Stat("/usr/include/stdsoap2.h")
		return err == nil
	}}
)

// need skips the test when a stack is missing, but fails it in CI, where
// .ci/run installs every stack: the lab must not pass by not running.
func need(t *testing.T, s stack) {
	t.Helper()
	if s.present() {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed, and CI is set: .ci/run must install %s", s.name, s.packages)
	}
	t.Skipf("%s is not installed: apt-get install %s (CI installs it and does not skip)", s.name, s.packages)
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startProcess starts a peer process and waits until url answers HTTP.
func startProcess(t *testing.T, url string, cmd *exec.Cmd) {
	t.Helper()
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s printed:\n%s", filepath.Base(cmd.Path), log.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer at %s within 30s:\n%s", cmd.Path, url, log.String())
}

// startMock runs `conform mock` and returns its base URL and findings file.
func startMock(t *testing.T) (string, string) {
	port := freePort(t)
	findings := filepath.Join(t.TempDir(), "findings.jsonl")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	startProcess(t, base+"/Remote/Services88/User.svc?wsdl", exec.Command(conformBin, "mock", "--addr", strings.TrimPrefix(base, "http://"), "--findings", findings))
	return base, findings
}
