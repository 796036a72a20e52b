package interop

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
)

// A variant rewrites what a peer's User agent answers, before conform
// reads it: conformant variations a real stack may send, and breaks.
type variant struct {
	name      string
	wantExit  int
	wantCheck string // a failing testcase must name it; "" for conformant variants
	rewrite   func(contentType string, body []byte) (string, []byte)
}

var (
	succeededRE = regexp.MustCompile(`(<(?:[\w-]+:)?Succeeded\b[^>]*>)\s*(true|false)\s*(</)`)
	headerRE    = regexp.MustCompile(`<(?:[\w-]+:)?Header(?:\s[^>]*)?>`)
	timeZoneRE  = regexp.MustCompile(`<(?:[\w-]+:)?TimeZone\b[^>]*/>|<((?:[\w-]+:)?TimeZone)\b[^>]*>.*?</(?:[\w-]+:)?TimeZone>`)
	faultRE     = regexp.MustCompile(`<faultstring\b[^>]*>[^<]*</faultstring>|<faultstring\b[^>]*/>`)
	tokenRE     = regexp.MustCompile(`>8A:`)
)

func keep(ct string, b []byte) (string, []byte) { return ct, b }

func body(f func([]byte) []byte) func(string, []byte) (string, []byte) {
	return func(ct string, b []byte) (string, []byte) { return ct, f(b) }
}

var variants = []variant{
	{"as it is", 0, "", keep},
	{"booleans written 1/0", 0, "", body(func(b []byte) []byte {
		return succeededRE.ReplaceAllFunc(b, func(m []byte) []byte {
			return bytes.Replace(bytes.Replace(m, []byte(">true<"), []byte(">1<"), 1), []byte(">false<"), []byte(">0<"), 1)
		})
	})},
	{"UTF-16 with BOM", 0, "", func(ct string, b []byte) (string, []byte) {
		return "text/xml; charset=utf-16", toUTF16LE(b, true)
	}},
	{"UTF-16LE without BOM", 0, "", func(ct string, b []byte) (string, []byte) {
		return "text/xml; charset=utf-16le", toUTF16LE(b, false)
	}},
	{"an undeclared header block", 0, "", body(func(b []byte) []byte {
		return headerRE.ReplaceAllFunc(b, func(m []byte) []byte {
			// A new slice: m shares its array with the rest of b.
			return append(append([]byte(nil), m...), `<wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:conform:lab</wsa:Action>`...)
		})
	})},
	{"a declared header left out", 1, "HDR-MISSING", body(func(b []byte) []byte { return timeZoneRE.ReplaceAll(b, nil) })},
	{"a wrong type (Succeeded=yes)", 1, "HDR-VALID", body(func(b []byte) []byte { return succeededRE.ReplaceAll(b, []byte("${1}yes$3")) })},
	{"an illegal XML character", 1, "XML-WELLFORMED", body(func(b []byte) []byte { return tokenRE.ReplaceAll(b, []byte(">8A:\x01")) })},
	{"a Fault without faultstring", 1, "ENV-SCHEMA", body(func(b []byte) []byte { return faultRE.ReplaceAll(b, nil) })},
}

// toUTF16LE re-encodes a UTF-8 message, its XML declaration saying so.
func toUTF16LE(b []byte, bom bool) []byte {
	s := regexp.MustCompile(`(?i)encoding="utf-8"`).ReplaceAllString(string(b), `encoding="UTF-16"`)
	var out []byte
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// lab serves one base URL for a peer: each agent's requests go to its
// backend, and the User agent's answers pass through the variant.
func lab(t *testing.T, backends map[string]string, v *variant) string {
	proxies := map[string]*httputil.ReverseProxy{}
	for svc, backend := range backends {
		u, _ := url.Parse(backend)
		p := httputil.NewSingleHostReverseProxy(u)
		p.ModifyResponse = func(resp *http.Response) error {
			if svc != "User" || resp.Request.Method != http.MethodPost {
				return nil
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			ct, data := v.rewrite(resp.Header.Get("Content-Type"), data)
			resp.Header.Set("Content-Type", ct)
			resp.Header.Set("Content-Length", strconv.Itoa(len(data)))
			resp.ContentLength = int64(len(data))
			resp.Body = io.NopCloser(bytes.NewReader(data))
			return nil
		}
		proxies[svc] = p
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for svc, p := range proxies {
			if strings.HasSuffix(r.URL.Path, "/"+svc+".svc") {
				p.ServeHTTP(w, r)
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// startPHPServer runs the PHP SoapServer peer (one process, both agents).
func startPHPServer(t *testing.T) map[string]string {
	need(t, phpStack)
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command("php", "-S", strings.TrimPrefix(base, "http://"), "testdata/php/server.php")
	cmd.Env = append(os.Environ(), "PEER_WSDL_DIR="+schemasDir, "PEER_STORE="+filepath.Join(t.TempDir(), "store.json"))
	startProcess(t, base+"/Remote/Services88/User.svc?wsdl", cmd)
	return map[string]string{"User": base, "SoPrincipal": base}
}

var (
	gsoapOnce sync.Once
	gsoapBins map[string]string
	gsoapErr  error
)

// buildGSOAP generates each agent's gSOAP code from its pinned WSDL
// (wsdl2h, soapcpp2 -1: SOAP 1.1) and links it with the peer's source
// (testdata/gsoap/<agent>.cpp); operations the peer does not implement get
// a generated stub that answers a Server fault.
func buildGSOAP(t *testing.T) map[string]string {
	need(t, gsoapStack)
	gsoapOnce.Do(func() {
		dir, err := os.MkdirTemp("", "conform-gsoap-")
		if err != nil {
			gsoapErr = err
			return
		}
		src, _ := filepath.Abs("testdata/gsoap")
		gsoapBins = map[string]string{}
		var wg sync.WaitGroup
		var mu sync.Mutex
		for svc, file := range map[string]string{"User": "user.cpp", "SoPrincipal": "principal.cpp"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				bin, err := buildPeer(filepath.Join(dir, svc), svc, filepath.Join(src, file), src)
				mu.Lock()
				defer mu.Unlock()
				if err != nil && gsoapErr == nil {
					gsoapErr = err
				}
				gsoapBins[svc] = bin
			}()
		}
		wg.Wait()
	})
	if gsoapErr != nil {
		t.Fatal(gsoapErr)
	}
	return gsoapBins
}

var stubDecl = regexp.MustCompile(`SOAP_FMAC5 int SOAP_FMAC6 (__ns1__\w+)\(struct soap\*, ([^;]*)\);`)

func buildPeer(dir, svc, source, include string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return nil
	}
	wsdl := filepath.Join(schemasDir, svc, "service.wsdl")
	if err := run("wsdl2h", "-o", "peer.h", wsdl); err != nil {
		return "", err
	}
	if err := run("soapcpp2", "-1", "-S", "-L", "-x", "-I/usr/share/gsoap/import", "peer.h"); err != nil {
		return "", err
	}
	stub, err := os.ReadFile(filepath.Join(dir, "soapStub.h"))
	if err != nil {
		return "", err
	}
	own, err := os.ReadFile(source)
	if err != nil {
		return "", err
	}
	var stubs strings.Builder
	stubs.WriteString("// Generated by the lab: operations this peer does not implement.\n#include \"soapH.h\"\n")
	for _, m := range stubDecl.FindAllStringSubmatch(string(stub), -1) {
		if bytes.Contains(own, []byte("int "+m[1]+"(")) {
			continue
		}
		fmt.Fprintf(&stubs, "int %s(struct soap *soap, %s) { soap->header = NULL; return soap_receiver_fault(soap, \"not implemented by this peer\", NULL); }\n", m[1], m[2])
	}
	if err := os.WriteFile(filepath.Join(dir, "stubs.cpp"), []byte(stubs.String()), 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "peer")
	if err := run("g++", "-O0", "-w", "-I.", "-I"+include, "-o", bin, source, "soapC.cpp", "soapServer.cpp", "stubs.cpp", "-lgsoap++"); err != nil {
		return "", err
	}
	return bin, nil
}

// startGSOAPServer runs the two gSOAP peers, one per agent.
func startGSOAPServer(t *testing.T) map[string]string {
	bins := buildGSOAP(t)
	out := map[string]string{}
	for svc, bin := range bins {
		port := freePort(t)
		base := fmt.Sprintf("http://127.0.0.1:%d", port)
		startProcess(t, base+"/Remote/Services88/"+svc+".svc?wsdl", exec.Command(bin, strconv.Itoa(port), filepath.Join(schemasDir, svc, "service.wsdl")))
		out[svc] = base
	}
	return out
}

type junit struct {
	Suites []struct {
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Type string `xml:"type,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// failedChecks are the check IDs of the failed testcases, and one example.
func failedChecks(t *testing.T, dir string) ([]string, string) {
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var j junit
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	example := ""
	for _, s := range j.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				// A testcase per case: the failure's type lists its checks.
				for _, id := range strings.Fields(c.Failure.Type) {
					ids[id] = true
				}
				if example == "" {
					example = c.Classname + " " + c.Name
				}
			}
		}
	}
	var out []string
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out, example
}

// credentialRE finds a ticket or access token the peers issued.
var credentialRE = regexp.MustCompile(`(7T|8A):(php|gsoap)[0-9a-f]{4}`)

// noCredentials fails when any file the run wrote holds a credential, read
// as UTF-8 or as UTF-16 of either byte order.
func noCredentials(t *testing.T, dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		for _, text := range []string{string(data), utf16Text(data, 0), utf16Text(data, 1)} {
			if m := credentialRE.FindString(text); m != "" {
				t.Errorf("%s holds the credential %s… in clear", p, m[:8])
				return nil
			}
		}
		return nil
	})
}

func utf16Text(b []byte, offset int) string {
	var u []uint16
	for i := offset; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	return string(utf16.Decode(u))
}

// Real SOAP servers built from the pinned WSDLs pass conform run as they
// are and in conformant variations, and fail with the right check when
// broken. No credential reaches any report file, in any encoding.
func TestServersUnderConformRun(t *testing.T) {
	peers := []struct {
		name  string
		start func(*testing.T) map[string]string
	}{
		{"PHP 8.2 SoapServer", startPHPServer},
		{"gSOAP 2.8.124", startGSOAPServer},
	}
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			backends := p.start(t)
			for i := range variants {
				v := &variants[i]
				t.Run(v.name, func(t *testing.T) {
					base := lab(t, backends, v)
					dir := t.TempDir()
					// The peers serve the seed agents, User and SoPrincipal, at the
					// own-data tier; they implement the seed operations and answer
					// the others with defaults, so they keep no roles: the role
					// life cycle (label lifecycle) is left out, not failed.
					cmd := exec.Command(conformBin, "run", "--endpoint", base+"/", "--agents", "User,SoPrincipal", "--user", "conform", "--password", "conform-password", "--allow-mutations",
						"--label-filter", "!lifecycle", "--timeout", "20s", "--reports", dir)
					var out bytes.Buffer
					cmd.Stdout, cmd.Stderr = &out, &out
					err := cmd.Run()
					code := 0
					if ee, ok := err.(*exec.ExitError); ok {
						code = ee.ExitCode()
					} else if err != nil {
						t.Fatal(err)
					}
					ids, example := failedChecks(t, dir)
					t.Logf("lab | server %-20s | %-30s | exit %d | failing checks: %s", p.name, v.name, code, strings.Join(ids, ", "))
					if code != v.wantExit {
						t.Errorf("exit %d, want %d (first failure: %s)\n%s", code, v.wantExit, example, tail(out.String(), 30))
					}
					if v.wantCheck != "" && !contains(ids, v.wantCheck) {
						t.Errorf("no failing testcase names %s; failing: %v", v.wantCheck, ids)
					}
					if strings.Contains(out.String(), "differs from the pinned one") || strings.Contains(out.String(), "not compared") {
						t.Errorf("a false drift warning:\n%s", tail(out.String(), 10))
					}
					noCredentials(t, dir)
				})
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
