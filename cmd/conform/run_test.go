package main

import (
	"bytes"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"github.com/conform-dev/conform/internal/cli"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf16"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/plan"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
)

// conformProcess runs `conform ARGS...` as a process of its own.
func conformProcess(env []string, args ...string) (code int, stdout, stderr string) {
	return conformProcessIn("", env, args...)
}

// conformProcessIn is conformProcess in the working directory dir ("":
// this one).
func conformProcessIn(dir string, env []string, args ...string) (code int, stdout, stderr string) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "CONFORM_TEST_AS_MAIN=1"), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	}
	Expect(err).NotTo(HaveOccurred())
	return 0, o.String(), e.String()
}

type junitDoc struct {
	Suites []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Type string `xml:"type,attr"`
			} `xml:"failure"`
			Error *struct {
				Type string `xml:"type,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(dir string) junitDoc {
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	Expect(err).NotTo(HaveOccurred())
	var d junitDoc
	Expect(xml.Unmarshal(data, &d)).To(Succeed())
	return d
}

// failing lists "classname|name [CHECK-ID]" for each failed check of each
// failed testcase (a testcase per case: its failure's type lists them).
func failing(d junitDoc) []string {
	var out []string
	for _, s := range d.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				for _, id := range strings.Fields(c.Failure.Type) {
					out = append(out, c.Classname+"|"+c.Name+" ["+id+"]")
				}
			}
		}
	}
	return out
}

// breaker wraps the mock and rewrites its answers to one operation.
type breaker struct {
	next http.Handler
	op   string
	fix  func(status int, contentType string, body string) (int, string, string)
}

func (b *breaker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || (b.op != "*" && !strings.HasSuffix(strings.Trim(r.Header.Get("SOAPAction"), `"`), "/"+b.op)) {
		b.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	b.next.ServeHTTP(rec, r)
	status, ct, body := b.fix(rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	w.Write([]byte(body))
}

func body(f func(string) string) func(int, string, string) (int, string, string) {
	return func(s int, ct, b string) (int, string, string) { return s, ct, f(b) }
}

func replace(old, new string) func(int, string, string) (int, string, string) {
	return body(func(b string) string { return strings.Replace(b, old, new, 1) })
}

const tns = "http://www.superoffice.net/ws/crm/NetServer/Services88"

// brokenServers: each breaks one thing in the mock's answers, and the run
// must fail (exit 1) with a testcase that names the check. Together with the
// .want files and checkExamples it shows every check can be triggered.
type brokenServer struct {
	name, op, ops, check string
	fix                  func(int, string, string) (int, string, string)
}

var brokenServers = func() []TableEntry {
	var out []TableEntry
	for _, b := range brokenServerTable {
		out = append(out, Entry(b.name, b.op, b.ops, b.check, b.fix))
	}
	return out
}()

var brokenServerTable = []brokenServer{
	{"wrong body element", "GetAccessToken", "User.GetAccessToken", "BODY-ELEMENT",
		body(func(b string) string { return strings.ReplaceAll(b, "GetAccessTokenResponse", "GetAccessTokenResult") })},
	{"wrong namespace", "GetAccessToken", "User.GetAccessToken", "BODY-ELEMENT",
		replace(`<GetAccessTokenResponse xmlns="`+tns+`">`, `<GetAccessTokenResponse xmlns="http://tempuri.org/">`)},
	{"a bad value", "IsNickNameUnique", "User.IsNickNameUnique", "BODY-VALID",
		replace("<Response>true</Response>", "<Response>perhaps</Response>")},
	{"elements out of order", "GetExternalTokens", "User.GetExternalTokens", "BODY-VALID",
		body(func(b string) string {
			return regexp.MustCompile(`(<Provider>[^<]*</Provider>)(<AccessToken>[^<]*</AccessToken>)`).ReplaceAllString(b, "$2$1")
		})},
	{"a missing declared header", "GetAccessToken", "User.GetAccessToken", "HDR-MISSING",
		body(func(b string) string {
			return regexp.MustCompile(`<Succeeded xmlns="[^"]*">[a-z]*</Succeeded>`).ReplaceAllString(b, "")
		})},
	{"a bad header value", "GetAccessToken", "User.GetAccessToken", "HDR-VALID",
		body(func(b string) string { return strings.Replace(b, ">true</Succeeded>", ">yes</Succeeded>", 1) })},
	{"an undeclared mustUnderstand header", "GetAccessToken", "User.GetAccessToken", "HDR-MUSTUNDERSTAND",
		replace("<s:Header>", `<s:Header><x:Trace xmlns:x="urn:x" s:mustUnderstand="1">1</x:Trace>`)},
	{"a SOAP 1.2 envelope", "GetAccessToken", "User.GetAccessToken", "ENV-VERSION",
		replace(soap.NS11, soap.NS12)},
	{"HTML with status 200", "GetAccessToken", "User.GetAccessToken", "ENV-ROOT",
		func(int, string, string) (int, string, string) {
			return 200, "text/html; charset=utf-8", "<html><body><h1>Server Error in '/' Application.</h1></body></html>"
		}},
	{"truncated XML", "GetAccessToken", "User.GetAccessToken", "XML-WELLFORMED",
		body(func(b string) string { return b[:len(b)/2] })},
	{"a fault with status 200", "GetAccessToken", "User.GetAccessToken", "HTTP-STATUS",
		func(int, string, string) (int, string, string) {
			return 200, soap.ContentType11, string(soap.FaultEnvelope("1.1", soap.FaultServer, "boom"))
		}},
	{"a response with status 500", "GetAccessToken", "User.GetAccessToken", "HTTP-STATUS",
		func(_ int, ct, b string) (int, string, string) { return 500, ct, b }},
	{"the wrong content type", "GetAccessToken", "User.GetAccessToken", "HTTP-CONTENT-TYPE",
		func(s int, _, b string) (int, string, string) { return s, "application/soap+xml; charset=utf-8", b }},
	{"a DTD in the response", "GetAccessToken", "User.GetAccessToken", "XML-NO-DTD",
		replace("?>", "?><!DOCTYPE x [<!ENTITY a \"b\">]>")},
	{"two Body children", "GetAccessToken", "User.GetAccessToken", "BODY-ONE-CHILD",
		replace("</s:Body>", `<Extra xmlns="urn:x"/></s:Body>`)},
	{"Succeeded for an invalid ticket", "GetAccessToken", "User.GetAccessToken", "EXP-OUTCOME",
		body(func(b string) string {
			b = regexp.MustCompile(`<ExceptionInfo xmlns="[^"]*">.*?</ExceptionInfo>`).ReplaceAllString(b, `<ExceptionInfo xmlns="`+tns+`" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true" />`)
			return strings.Replace(b, ">false</Succeeded>", ">true</Succeeded>", 1)
		})},
	{"tokens for a key never saved", "GetExternalTokens", "User.GetExternalTokens", "EXP-VALUE",
		body(func(b string) string {
			return regexp.MustCompile(`<Response xmlns:i="[^"]*" i:nil="true" />`).ReplaceAllString(b, "<Response><AccessToken>leaked-token</AccessToken></Response>")
		})},
	{"a Fault without faultstring", "IsNickNameUnique", "User.IsNickNameUnique", "ENV-SCHEMA",
		func(int, string, string) (int, string, string) {
			return 500, soap.ContentType11, `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="` + soap.NS11 + `"><s:Body><s:Fault><faultcode>s:Server</faultcode></s:Fault></s:Body></s:Envelope>`
		}},
}

// toUTF16LE re-encodes a UTF-8 message as UTF-16LE, its declaration saying so.
func toUTF16LE(b string, bom bool) string {
	b = strings.Replace(b, `encoding="utf-8"`, `encoding="utf-16"`, 1)
	var out []byte
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(b)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return string(out)
}

// conformantVariations are answers a conformant server may give that
// conform once failed: every run must pass.
var conformantVariations = []TableEntry{
	Entry("Succeeded and AuthenticationSucceeded written 1 and 0 (xs:boolean)", body(func(b string) string {
		return regexp.MustCompile(`>(true|false)</(Succeeded|AuthenticationSucceeded)>`).ReplaceAllStringFunc(b, func(m string) string {
			return strings.Replace(strings.Replace(m, ">true<", "> 1 <", 1), ">false<", ">0<", 1)
		})
	})),
	Entry("UTF-16 with a byte order mark (WS-I BP R1012)", func(s int, _, b string) (int, string, string) {
		return s, "text/xml; charset=utf-16", toUTF16LE(b, true)
	}),
	Entry("UTF-16LE without a byte order mark, named by the charset", func(s int, _, b string) (int, string, string) {
		return s, "text/xml; charset=UTF-16LE", toUTF16LE(b, false)
	}),
	Entry("an undeclared header block (WS-I BP R2739)", replace("<s:Header>", `<s:Header><wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:x</wsa:Action>`)),
}

var _ = Describe("conform run", func() {
	It("passes the unbroken mock with exit 0, every case run", func() {
		srv := httptest.NewServer(mock.MustNew(mock.Options{}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--allow-mutations", "--reports", dir)
		Expect(code).To(Equal(0), out+errs)
		Expect(out).To(ContainSubstring("CONFORMANT"))
		Expect(failing(readJUnit(dir))).To(BeEmpty())
	})

	It("skips writing cases against a live endpoint at the read-only tier, and names the tier that would run each", func() {
		srv := httptest.NewServer(mock.MustNew(mock.Options{}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		code, out, _ := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetExternalTokens,User.SaveUser", "--reports", dir)
		Expect(code).To(Equal(0))
		Expect(out).To(ContainSubstring("conform run: tier: read-only (the default against a live endpoint): no call that writes is sent"))
		Expect(out).To(ContainSubstring("SKIP  User.SaveUser generated request (mutating generated request: its sample identifiers may name existing records"))
		var skipped []string
		for _, s := range readJUnit(dir).Suites {
			for _, c := range s.Cases {
				if c.Skipped != nil {
					skipped = append(skipped, c.Classname+" "+c.Name+": "+c.Skipped.Message)
				}
			}
		}
		// Generated requests of sample values never run at own data: the
		// reason names the disposable tier and says it may damage data.
		Expect(skipped).To(ContainElement("User.SaveUser generated request: mutating generated request: " + plan.WhySample))
		Expect(skipped).To(ContainElement("User.GetExternalTokens round trip, all four fields: mutating case: " + plan.WhyOwnData))
		Expect(skipped).NotTo(ContainElement(HavePrefix("User.GetExternalTokens unknown key")))
	})

	DescribeTable("a broken server fails with exit 1 and the failing testcase names the check",
		func(op, ops, check string, fix func(int, string, string) (int, string, string)) {
			srv := httptest.NewServer(&breaker{next: mock.MustNew(mock.Options{}), op: op, fix: fix})
			defer srv.Close()
			dir := GinkgoT().TempDir()
			code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", ops, "--allow-mutations", "--reports", dir)
			Expect(code).To(Equal(1), out+errs)
			Expect(out).To(ContainSubstring("NOT CONFORMANT"))
			Expect(failing(readJUnit(dir))).To(ContainElement(MatchRegexp(`^`+regexp.QuoteMeta(ops)+`\|.*\[`+check+`\]$`)), out)
		},
		brokenServers,
	)

	DescribeTable("a conformant variation passes with exit 0, and no credential is written in any encoding",
		func(fix func(int, string, string) (int, string, string)) {
			srv := httptest.NewServer(&breaker{next: mock.MustNew(mock.Options{}), op: "*", fix: fix})
			defer srv.Close()
			dir := GinkgoT().TempDir()
			code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL+"/", "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--allow-mutations", "--reports", dir)
			Expect(code).To(Equal(0), out+errs)
			Expect(errs).NotTo(ContainSubstring("WSDL"))
			cred := regexp.MustCompile(`(7T|8A):[A-Za-z0-9_-]{6}|conform-password`)
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, _ := os.ReadFile(p)
				for _, text := range []string{string(data), fromUTF16(data, 0), fromUTF16(data, 1)} {
					Expect(cred.FindString(text)).To(BeEmpty(), p)
				}
				return nil
			})
		},
		conformantVariations,
	)

	It("has an example that triggers every check of the catalog", func() {
		seen := map[string]string{}
		for _, b := range brokenServerTable {
			seen[b.check] = "broken server " + b.name
		}
		for _, dir := range []string{"../../internal/validate/testdata/cases", "../../fixtures/docs"} {
			wants, _ := filepath.Glob(filepath.Join(dir, "*.want"))
			for _, w := range wants {
				data, _ := os.ReadFile(w)
				for _, line := range strings.Split(string(data), "\n") {
					if f := strings.Fields(line); len(f) > 1 {
						seen[f[1]] = w
					}
				}
			}
		}
		for id, trigger := range checkTriggers {
			triggered := false
			for _, c := range trigger() {
				triggered = triggered || (c.ID == id && c.Status != results.Passed)
			}
			Expect(triggered).To(BeTrue(), "the example of "+id+" does not trigger it")
			seen[id] = "checkTriggers"
		}
		for _, c := range checks.Catalog {
			Expect(seen).To(HaveKey(c.ID), "no .want line, broken server or named test triggers "+c.ID)
		}
	})

	It("reports a connection dropped mid-run as an <error>, with exit 3", func() {
		m := mock.MustNew(mock.Options{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(strings.Trim(r.Header.Get("SOAPAction"), `"`), "/GetAccessToken") {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
				return
			}
			m.ServeHTTP(w, r)
		}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetAccessToken", "--reports", dir)
		Expect(code).To(Equal(3), out+errs)
		// Errors counted by reason, not every case named.
		Expect(out).To(MatchRegexp(`INCOMPLETE: 8 cases with errors: \d+ cases: POST http://[^ ]+/Remote/Services88/User.svc: EOF; \d+ cases: not attempted: the endpoint stopped answering`))
		data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(MatchRegexp(`<testcase name="valid ticket" classname="User.GetAccessToken" time="[0-9.]+">\s*<error type="HTTP-TRANSPORT"`))
		Expect(failing(readJUnit(dir))).To(BeEmpty())
	})

	It("reads conform.yaml from the working directory: every run flag but the secrets, flags winning", func() {
		// The file's keys are the run flags, less the secrets, --config, and
		// --plan and --json (a mode of one invocation, not an option of runs).
		code, _, errs := conformProcess(nil, "help", "run")
		Expect(code).To(Equal(0))
		var flags []string
		for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(errs, -1) {
			switch m[1] {
			case "ticket", "password", "app-token", "config", "plan", "json":
			default:
				flags = append(flags, m[1])
			}
		}
		sort.Strings(flags)
		Expect(flags).To(Equal(cli.ConfigKeys()))

		dir := GinkgoT().TempDir()
		inDir := func(args ...string) (int, string, string) { return conformProcessIn(dir, nil, args...) }
		// The operations a run's summary holds, in order, once each.
		ops := func(reports string) []string {
			var out []string
			for _, c := range readSummary(reports).Cases {
				if !slices.Contains(out, c.Operation) {
					out = append(out, c.Operation)
				}
			}
			return out
		}
		Expect(os.WriteFile(filepath.Join(dir, "conform.yaml"), []byte("ops: [User.GetAccessToken]\nreports: out\nquiet: true\n"), 0o644)).To(Succeed())
		code, out, errs := inDir("run")
		Expect(code).To(Equal(0), out+errs)
		Expect(out).To(ContainSubstring("options from conform.yaml"))
		Expect(out).NotTo(ContainSubstring("ok    "), "quiet: true")
		Expect(ops(filepath.Join(dir, "out"))).To(Equal([]string{"User.GetAccessToken"}))

		code, out, errs = inDir("run", "--ops", "User.GetExternalTokens", "--quiet=false")
		Expect(code).To(Equal(0), out+errs)
		Expect(out).To(ContainSubstring("ok    User.GetExternalTokens"))
		Expect(ops(filepath.Join(dir, "out"))).To(Equal([]string{"User.GetExternalTokens"}))

		Expect(os.WriteFile(filepath.Join(dir, "conform.yaml"), []byte("ops: [User.GetAccessToken]\npassword: hunter22\n"), 0o644)).To(Succeed())
		code, out, errs = inDir("run")
		Expect(code).To(Equal(2), out+errs)
		Expect(errs).To(ContainSubstring("conform.yaml:2: password: secrets are not read from a file"))
		Expect(out + errs).NotTo(ContainSubstring("hunter22"))

		code, _, errs = inDir("run", "--config", "elsewhere.yaml")
		Expect(code).To(Equal(2))
		Expect(errs).To(ContainSubstring("--config elsewhere.yaml: no such file"))
	})

	It("tests an install behind a self-signed certificate with --ca-cert, and says so when it is missing", func() {
		srv := httptest.NewTLSServer(mock.MustNew(mock.Options{}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		ca := filepath.Join(dir, "staging-ca.pem")
		Expect(os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)).To(Succeed())
		args := []string{"run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetAccessToken", "--reports", dir}

		code, out, errs := conformProcess(nil, args...)
		Expect(code).To(Equal(3), out+errs)
		Expect(errs).To(ContainSubstring("not signed by a CA this machine trusts: give the install's certificate or its CA as a PEM file with --ca-cert FILE"))

		code, out, errs = conformProcess(nil, append(args, "--ca-cert", ca)...)
		Expect(code).To(Equal(0), out+errs)
		Expect(out).To(ContainSubstring("CONFORMANT"))

		notPEM := filepath.Join(dir, "not.pem")
		Expect(os.WriteFile(notPEM, []byte("hello"), 0o644)).To(Succeed())
		for file, want := range map[string]string{notPEM: "holds no PEM certificate", filepath.Join(dir, "absent.pem"): "cannot read"} {
			code, _, errs = conformProcess(nil, append(args, "--ca-cert", file)...)
			Expect(code).To(Equal(2), errs)
			Expect(errs).To(ContainSubstring("--ca-cert: "), errs)
			Expect(errs).To(ContainSubstring(want))
		}
	})

	DescribeTable("never follows a redirect to another origin with a credential",
		func(op string, status, wantCode int) {
			var leaked atomic.Int32
			elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { leaked.Add(1) }))
			defer elsewhere.Close()
			m := mock.MustNew(mock.Options{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost && strings.HasSuffix(strings.Trim(r.Header.Get("SOAPAction"), `"`), "/"+op) {
					http.Redirect(w, r, elsewhere.URL+r.URL.Path+"?token=secret-in-query", status)
					return
				}
				m.ServeHTTP(w, r)
			}))
			defer srv.Close()
			dir := GinkgoT().TempDir()
			code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetAccessToken", "--reports", dir)
			Expect(code).To(Equal(wantCode), out+errs)
			Expect(leaked.Load()).To(BeZero(), "a request reached the redirect target")
			Expect(out + errs).NotTo(ContainSubstring("secret-in-query"))
			if wantCode == 3 && op == "AuthenticateUsernamePassword" {
				Expect(errs).To(ContainSubstring("redirect to " + elsewhere.URL + "/Remote/Services88/SoPrincipal.svc; nothing was sent there"))
			} else {
				data, _ := os.ReadFile(filepath.Join(dir, "junit.xml"))
				Expect(string(data)).To(ContainSubstring("redirected to another origin"))
			}
		},
		Entry("a 307 to the login (the password)", "AuthenticateUsernamePassword", http.StatusTemporaryRedirect, 3),
		Entry("a 308 to the login (the password)", "AuthenticateUsernamePassword", http.StatusPermanentRedirect, 3),
		Entry("a 307 to a User call (the ticket)", "GetAccessToken", http.StatusTemporaryRedirect, 3),
		Entry("a 308 to a User call (the ticket)", "GetAccessToken", http.StatusPermanentRedirect, 3),
	)

	It("redacts a ticket echoed as character references, across CDATA sections, in headers and server info", func() {
		m := mock.MustNew(mock.Options{})
		var mu sync.Mutex
		var tickets []string
		charRefs := func(s string) string {
			var b strings.Builder
			for _, r := range s {
				fmt.Fprintf(&b, "&#%d;", r)
			}
			return b.String()
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				m.ServeHTTP(w, r)
				return
			}
			req, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(req))
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, r)
			out := rec.Body.String()
			t := regexp.MustCompile(`<Ticket>(7T:[^<]+)</Ticket>`).FindStringSubmatch(string(req) + out)
			ct := rec.Header().Get("Content-Type")
			if t != nil {
				tk := t[1]
				mu.Lock()
				tickets = append(tickets, tk)
				mu.Unlock()
				half := len(tk) / 2
				// The ticket, as a reader would see it, four ways.
				out = strings.Replace(out, `<ExceptionInfo xmlns="`+tns+`" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true" />`,
					`<ExceptionInfo xmlns="`+tns+`"><Message><![CDATA[`+tk[:half]+`]]><![CDATA[`+tk[half:]+`]]> and 7T:OTHERabc!TAILSECRET99</Message><StackTrace>`+charRefs(tk)+`</StackTrace></ExceptionInfo>`, 1)
				out = regexp.MustCompile(`<SystemInfo>(<[A-Za-z]+>)[^<]*`).ReplaceAllString(out, "<SystemInfo>${1}"+charRefs(tk))
				ct += `; x-echo="` + tk + `"`
			}
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(rec.Code)
			w.Write([]byte(out))
		}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		_, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetAccessToken,User.IsNickNameUnique,SoPrincipal.GetSystemInfo", "--reports", dir)
		mu.Lock()
		defer mu.Unlock()
		Expect(tickets).NotTo(BeEmpty())
		forms := []string{"TAILSECRET99", mock.DefaultPassword}
		for _, tk := range tickets {
			forms = append(forms, tk, tk[3:], charRefs(tk)[:40])
		}
		look := func(where, text string) {
			for _, f := range forms {
				Expect(text).NotTo(ContainSubstring(f), where)
			}
		}
		look("stdout and stderr", out+errs)
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				data, _ := os.ReadFile(p)
				look(p, string(data))
				look(p+" as UTF-16", fromUTF16(data, 0)+fromUTF16(data, 1))
			}
			return err
		})
		// The redaction left its marks (the page lists the passing checks'
		// messages; summary.json counts them).
		data, _ := os.ReadFile(filepath.Join(dir, "report.html"))
		Expect(string(data)).To(ContainSubstring("[REDACTED #"))
	})

	It("keeps only the first part of an answer over the size limit, and says so", func() {
		m := mock.MustNew(mock.Options{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(strings.Trim(r.Header.Get("SOAPAction"), `"`), "/GetAccessToken") {
				w.Header().Set("Content-Type", soap.ContentType11)
				chunk := []byte(strings.Repeat("<x>padding</x>", 4096))
				w.Write([]byte(`<s:Envelope xmlns:s="` + soap.NS11 + `"><s:Body>`))
				for i := 0; i < (20<<20)/len(chunk); i++ { // 20 MiB, streamed
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
				return
			}
			m.ServeHTTP(w, r)
		}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetAccessToken", "--label-filter", "!negative && !fault", "--reports", dir)
		Expect(code).To(Equal(1), out+errs)
		Expect(failing(readJUnit(dir))).To(ContainElement("User.GetAccessToken|valid ticket [XML-SIZE]"))
		ev := filepath.Join(dir, "evidence", "User.GetAccessToken", "valid-ticket")
		st, err := os.Stat(filepath.Join(ev, "01-getaccesstoken.response.xml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Size()).To(BeNumerically("<=", soap.TruncatedKeep))
		meta, _ := os.ReadFile(filepath.Join(ev, "01-getaccesstoken.http.txt"))
		Expect(string(meta)).To(ContainSubstring("Kept: the first 65536 bytes of an answer larger than the limit"))
	})

	DescribeTable("ends cleanly on SIGTERM, whenever it comes: no panic, reports whole or absent",
		func(after time.Duration) {
			m := mock.MustNew(mock.Options{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					time.Sleep(20 * time.Millisecond)
				}
				m.ServeHTTP(w, r)
			}))
			defer srv.Close()
			dir := GinkgoT().TempDir()
			cmd := exec.Command(os.Args[0], "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--reports", dir)
			cmd.Env = append(os.Environ(), "CONFORM_TEST_AS_MAIN=1")
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			Expect(cmd.Start()).To(Succeed())
			time.Sleep(after)
			cmd.Process.Signal(syscall.SIGTERM)
			err := cmd.Wait()
			Expect(e.String()).NotTo(ContainSubstring("panic"), e.String())
			Expect(e.String()).NotTo(ContainSubstring("goroutine "), e.String())
			if ee, ok := err.(*exec.ExitError); ok {
				Expect(ee.ExitCode()).To(BeElementOf(1, 3), o.String()+e.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "junit.xml")); err == nil {
				readJUnit(dir) // parses whole
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*"))
			Expect(left).To(BeEmpty(), "temporary files left behind")
		},
		Entry("early", 300*time.Millisecond),
		Entry("mid-run", 1200*time.Millisecond),
		Entry("late", 2500*time.Millisecond),
	)

	It("refuses an endpoint URL that carries credentials, without repeating them", func() {
		code, out, errs := conformProcess(nil, "run", "--endpoint", "http://alice:s3cret-pw@127.0.0.1:1/x", "--reports", GinkgoT().TempDir())
		Expect(code).To(Equal(2))
		Expect(errs).To(ContainSubstring("the URL carries user information"))
		Expect(out + errs).NotTo(ContainSubstring("s3cret-pw"))
		Expect(out + errs).NotTo(ContainSubstring("alice"))
	})

	It("keeps a password echoed into a login answer off stderr", func() {
		const pw = "Echo-Me-Pa55word"
		srv := httptest.NewServer(&breaker{next: mock.MustNew(mock.Options{}), op: "AuthenticateUsernamePassword",
			fix: replace("<AuthenticationSucceeded>false</AuthenticationSucceeded>", "<AuthenticationSucceeded>"+pw+"</AuthenticationSucceeded>")})
		defer srv.Close()
		code, out, errs := conformProcess([]string{"CONFORM_PASSWORD=" + pw}, "run", "--endpoint", srv.URL, "--user", "conform", "--reports", GinkgoT().TempDir())
		Expect(code).To(Equal(2), out+errs)
		Expect(errs).To(ContainSubstring("not contract-valid"))
		Expect(out + errs).NotTo(ContainSubstring(pw))
	})

	It("exits 2 for a ticket the install refuses, before any case runs", func() {
		srv := httptest.NewServer(mock.MustNew(mock.Options{}))
		defer srv.Close()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--ticket", "7T:bogus-ticket-value", "--reports", GinkgoT().TempDir())
		Expect(code).To(Equal(2), out+errs)
		Expect(errs).To(ContainSubstring("the install refused the ticket (InvalidTicketException)"))
		Expect(out).NotTo(ContainSubstring("FAIL"))
		Expect(out + errs).NotTo(ContainSubstring("bogus-ticket-value"))
	})

	It("takes --ops more than once, and says when cases were skipped", func() {
		srv := httptest.NewServer(mock.MustNew(mock.Options{}))
		defer srv.Close()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword,
			"--ops", "User.GetAccessToken", "--ops", "User.SaveUser", "--reports", GinkgoT().TempDir())
		Expect(code).To(Equal(0), out+errs)
		Expect(out).To(ContainSubstring("conform run: 10 cases"))
		Expect(out).To(ContainSubstring("CONFORMANT, with 2 of 10 cases skipped: "))
		Expect(out).To(ContainSubstring("1 mutating generated request: " + plan.WhySample))
		Expect(out).To(ContainSubstring("1 destructive life cycle: " + plan.WhyMockOnly))
	})

	It("refuses stray arguments and unknown flags with exit 2, naming them", func() {
		for _, args := range [][]string{
			{"run", "User.GetAccessToken"}, {"mock", "extra"}, {"proxy", "--upstream", "http://127.0.0.1:1", "extra"},
			{"schemas", "extract", "--wsdl", "a.wsdl", "--out", "x", "extra"}, {"schemas", "diff", "--wsdl", "a.wsdl", "extra"},
			{"version", "extra"},
		} {
			code, out, errs := conformProcess(nil, args...)
			Expect(code).To(Equal(2), "%v: %s", args, out+errs)
			Expect(errs).To(MatchRegexp(`unexpected argument "(User.GetAccessToken|extra)"`), "%v", args)
		}
		code, _, errs := conformProcess(nil, "run", "--no-such-flag")
		Expect(code).To(Equal(2))
		Expect(errs).To(ContainSubstring("flag provided but not defined: -no-such-flag"))
	})

	It("answers -h and --version with exit 0", func() {
		code, _, errs := conformProcess(nil, "run", "-h")
		Expect(code).To(Equal(0))
		Expect(errs).To(ContainSubstring("-parallel"))
		code, _, errs = conformProcess(nil, "help", "run")
		Expect(code).To(Equal(0))
		Expect(errs).To(ContainSubstring("-max-transport-failures"))
		for _, c := range commands {
			if c.name == "version" {
				continue
			}
			for _, args := range [][]string{{"help", c.name}, {c.name, "--help"}} {
				code, out, errs := conformProcess(nil, args...)
				Expect(code).To(Equal(0), "%v: %s", args, out+errs)
				Expect(errs).To(ContainSubstring("conform "+c.name+": "+c.what), "%v", args)
				Expect(errs).To(ContainSubstring("Usage: conform "+c.name+" "), "%v", args)
			}
		}
		for _, cmd := range []string{"--version", "version"} {
			code, out, _ := conformProcess(nil, cmd)
			Expect(code).To(Equal(0))
			Expect(out).To(MatchRegexp(`^conform \d+\.\d+\.\d+\S* \(commit \S+, go1\.\d+`))
		}
	})

	It("exits 3 when the endpoint is unreachable", func() {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		code, _, errs := conformProcess(nil, "run", "--endpoint", url, "--ticket", "7T:x", "--reports", GinkgoT().TempDir())
		Expect(code).To(Equal(3))
		Expect(errs).To(ContainSubstring("endpoint unreachable"))
	})

	It("exits 2 for refused credentials, without repeating the password", func() {
		srv := httptest.NewServer(mock.MustNew(mock.Options{}))
		defer srv.Close()
		code, out, errs := conformProcess([]string{"CONFORM_PASSWORD=Wr0ng-Pa55word"}, "run", "--endpoint", srv.URL, "--user", "conform", "--reports", GinkgoT().TempDir())
		Expect(code).To(Equal(2))
		Expect(errs).To(ContainSubstring(`authentication failed for user "conform"`))
		Expect(out + errs).NotTo(ContainSubstring("Wr0ng-Pa55word"))
	})

	DescribeTable("usage errors exit 2",
		func(want string, args ...string) {
			code, _, errs := conformProcess(nil, append([]string{"run", "--reports", GinkgoT().TempDir()}, args...)...)
			Expect(code).To(Equal(2))
			Expect(errs).To(ContainSubstring(want))
		},
		Entry("unknown operation", `--ops: "User.Nope" is not an operation`, "--ops", "User.Nope"),
		Entry("an empty --endpoint (an unset variable), not the embedded mock", "--endpoint is empty (an unset variable?)", "--endpoint", ""),
		Entry("a stray argument", `unexpected argument "User.GetAccessToken": conform run takes flags only (to test one operation: --ops User.GetAccessToken)`, "User.GetAccessToken"),
		Entry("a duration without a unit", `"30" has no unit: write 30s`, "--timeout", "30"),
		Entry("a mistyped operation, with a suggestion", "did you mean User.GetAccessToken?", "--ops", "User.GetAccesToken"),
		Entry("an endpoint that names the agents' path", "give the installation's base URL, without /Remote/Services88… (try --endpoint https://h/Cust1)", "--endpoint", "https://h/Cust1/Remote/Services88", "--ticket", "7T:x"),
		Entry("a reports folder that cannot be written, before the run", "--reports /proc/conform-nope", "--reports", "/proc/conform-nope"),
		Entry("bad label filter", "--label-filter", "--label-filter", "happy &&"),
		Entry("endpoint without credentials", "no credentials", "--endpoint", "http://127.0.0.1:1"),
		Entry("endpoint that is no URL", "want the installation's base URL", "--endpoint", "ftp://x", "--ticket", "t"),
		Entry("nothing selected", "no case was selected", "--label-filter", "no-such-label"),
	)

	It("keeps every secret out of the reports, stdout and stderr", func() {
		const password, appToken = "Pa55-Secret-Word-91", "APP-TOKEN-SECRET-4711"
		srv := httptest.NewServer(mock.MustNew(mock.Options{Users: map[string]string{"redact-user": password}}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		code, out, errs := conformProcess([]string{"CONFORM_PASSWORD=" + password, "CONFORM_APP_TOKEN=" + appToken},
			"run", "--endpoint", srv.URL, "--user", "redact-user", "--allow-mutations", "--reports", dir)
		Expect(code).To(Equal(0), out+errs)
		// The ticket the mock issued is in no file either: find it in
		// nothing, by its prefix followed by anything but the marker.
		secrets := []string{password, appToken, "conform-access-token-1", "conform-refresh-token-1", "tok&amp;en&lt;with&gt;", "токен-ключ-🔑", "ñandú"}
		ticket := regexp.MustCompile(`7T:[A-Za-z0-9_-]{8,}`)
		token := regexp.MustCompile(`8A:[A-Za-z0-9_-]{8,}`)
		texts := map[string]string{"stdout": out, "stderr": errs}
		files := 0
		Expect(filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				data, _ := os.ReadFile(p)
				texts[p] = string(data)
				files++
			}
			return err
		})).To(Succeed())
		Expect(files).To(BeNumerically(">", 100))
		for where, text := range texts {
			for _, s := range secrets {
				Expect(text).NotTo(ContainSubstring(s), fmt.Sprintf("%s holds a secret", where))
			}
			Expect(ticket.FindString(text)).To(BeEmpty(), fmt.Sprintf("%s holds a ticket", where))
			Expect(token.FindString(text)).To(BeEmpty(), fmt.Sprintf("%s holds an access token", where))
		}
		Expect(texts[filepath.Join(dir, "evidence", "User.GetAccessToken", "valid-ticket", "01-getaccesstoken.request.xml")]).To(ContainSubstring("[REDACTED #"))

		// A round trip can be seen equal without being seen: the token the
		// SaveExternalTokens request carried and the one GetExternalTokens
		// answered have the same mark, and the check's message names it.
		trip := filepath.Join(dir, "evidence", "User.GetExternalTokens", "round-trip-all-four-fields")
		mark := regexp.MustCompile(`<AccessToken>(\[REDACTED #[0-9a-f]{6}\])</AccessToken>`)
		saved := mark.FindStringSubmatch(texts[filepath.Join(trip, "01-saveexternaltokens.request.xml")])
		got := mark.FindStringSubmatch(texts[filepath.Join(trip, "02-getexternaltokens.response.xml")])
		Expect(saved).To(HaveLen(2), "the saved token's mark")
		Expect(got).To(HaveLen(2), "the answered token's mark")
		Expect(got[1]).To(Equal(saved[1]))
		Expect(texts[filepath.Join(dir, "summary.json")]).To(ContainSubstring(`Response/AccessToken equals \"` + saved[1] + `\"`))
		// And a different token has a different mark.
		other := mark.FindStringSubmatch(texts[filepath.Join(dir, "evidence", "User.GetExternalTokens", "round-trip-non-ascii-text", "01-saveexternaltokens.request.xml")])
		Expect(other).To(HaveLen(2))
		Expect(other[1]).NotTo(Equal(saved[1]))
	})
})

var _ = Describe("WSDL drift", func() {
	It("conform schemas diff says whether a WSDL matches the pinned contract", func() {
		code, out, errs := conform("schemas", "diff", "--wsdl", "../../../shared/wsdl/Services88-User.wsdl")
		if code == 2 && strings.Contains(errs, "no such file") {
			Skip("../shared is not beside the project")
		}
		Expect(code).To(Equal(0), errs)
		Expect(out).To(ContainSubstring("User matches the pinned contract and schemas"))

		data, err := os.ReadFile("../../../shared/wsdl/Services88-User.wsdl")
		Expect(err).NotTo(HaveOccurred())
		drifted := strings.Replace(string(data), `<xs:element minOccurs="0" name="IncludeCsSession" type="xs:boolean" />`, `<xs:element minOccurs="0" name="IncludeCsSession" type="xs:int" />`, 1)
		p := writeFile(GinkgoT().TempDir(), "drifted.wsdl", []byte(drifted))
		code, out, _ = conform("schemas", "diff", "--wsdl", p)
		Expect(code).To(Equal(1))
		Expect(out).To(ContainSubstring("element {http://www.superoffice.net/ws/crm/NetServer/Services88}GetAccessToken changed"))
	})

	It("conform run warns when the live WSDL drifted, and records it", func() {
		m := mock.MustNew(mock.Options{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, r)
			body := rec.Body.String()
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/User.svc") {
				body = strings.Replace(body, `soapAction="http://www.superoffice.net/ws/crm/NetServer/Services88/User/GetUser"`, `soapAction="urn:moved"`, 1)
			}
			w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
			w.WriteHeader(rec.Code)
			w.Write([]byte(body))
		}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetAccessToken", "--reports", dir)
		Expect(code).To(Equal(0), out+errs)
		Expect(errs).To(MatchRegexp(`warning: the live User WSDL \(http://[^)]*/User.svc\?singleWsdl\) differs from the pinned one \(1\): GetUser: soapAction "urn:moved"`))
		Expect(errs).NotTo(ContainSubstring("live SoPrincipal WSDL"))
		data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(ContainSubstring(`"wsdlDrift":{`))
	})

	// serveWSDL wraps the mock: GET ?singleWsdl and ?wsdl answer as given
	// (status 0: as the mock does).
	serveWSDL := func(single, plain int) *httptest.Server {
		m := mock.MustNew(mock.Options{})
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				status := plain
				if _, ok := r.URL.Query()["singleWsdl"]; ok {
					status = single
				}
				if status != 0 {
					http.Error(w, "no", status)
					return
				}
			}
			m.ServeHTTP(w, r)
		}))
	}

	It("says 'not compared' with the reason, never 'differs', when no WSDL can be read", func() {
		srv := serveWSDL(http.StatusNotFound, http.StatusForbidden)
		defer srv.Close()
		dir := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetAccessToken", "--reports", dir)
		Expect(code).To(Equal(0), out+errs)
		Expect(errs).To(ContainSubstring("warning: the live User WSDL was not compared with the pinned one: ?singleWsdl: HTTP 404; ?wsdl: HTTP 403"))
		Expect(errs).NotTo(ContainSubstring("differs"))
		data, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
		Expect(string(data)).To(ContainSubstring(`"wsdlNotCompared":{`))
		Expect(string(data)).NotTo(ContainSubstring(`"wsdlDrift"`))
	})

	It("compares ?wsdl when a stack serves no ?singleWsdl, and warns of nothing when it matches", func() {
		srv := serveWSDL(http.StatusNotFound, 0)
		defer srv.Close()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL+"//", "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--ops", "User.GetAccessToken", "--reports", GinkgoT().TempDir())
		Expect(code).To(Equal(0), out+errs)
		Expect(errs).NotTo(ContainSubstring("WSDL"))
	})
})

func fromUTF16(b []byte, offset int) string {
	var u []uint16
	for i := offset; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	return string(utf16.Decode(u))
}
