package main

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
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// conform runs the CLI in-process.
func conform(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func writeFile(dir, name string, data []byte) string {
	p := filepath.Join(dir, name)
	Expect(os.WriteFile(p, data, 0o644)).To(Succeed())
	return p
}

var _ = Describe("conform validate", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("exits 0 for a conformant envelope and prints nothing", func() {
		code, out, errs := conform("validate", "../../fixtures/docs/GetAccessToken.request.fixed.xml")
		Expect(code).To(Equal(0), errs)
		Expect(out).To(BeEmpty())
	})

	It("prints FILE:LINE: CHECK-ID lines and exits 1 for the documentation example", func() {
		code, out, _ := conform("validate", "../../fixtures/docs/GetAccessToken.request.xml")
		Expect(code).To(Equal(1))
		Expect(out).To(ContainSubstring("GetAccessToken.request.xml:2: ENV-VERSION the Envelope is SOAP 1.2"))
		Expect(out).To(ContainSubstring("GetAccessToken.request.xml:10: HDR-PLACEMENT header block ApplicationToken"))
	})

	It("honours --op and --dir", func() {
		code, out, _ := conform("validate", "--op", "User.GetExternalTokens", "--dir", "request", "../../fixtures/docs/GetAccessToken.request.fixed.xml")
		Expect(code).To(Equal(1))
		Expect(out).To(ContainSubstring("BODY-ELEMENT the Body's element is {http://www.superoffice.net/ws/crm/NetServer/Services88}GetAccessToken"))
	})

	DescribeTable("usage errors exit 2 with a message on stderr",
		func(want string, args ...string) {
			code, _, errs := conform(args...)
			Expect(code).To(Equal(2))
			Expect(errs).To(ContainSubstring(want))
		},
		Entry("no file", "name at least one FILE", "validate"),
		Entry("unknown operation", `--op "User.Nope": no such operation`, "validate", "--op", "User.Nope", "x.xml"),
		Entry("bad direction", `--dir "sideways"`, "validate", "--dir", "sideways", "x.xml"),
		Entry("unreadable file", "cannot read /nonexistent/x.xml", "validate", "/nonexistent/x.xml"),
		Entry("unknown command", `unknown command "frobnicate"`, "frobnicate"),
	)

	Describe("hostile input", func() {
		var hits atomic.Int64
		var base string
		BeforeEach(func() {
			hits.Store(0)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				fmt.Fprint(w, `<!ENTITY leak "LEAKED-OVER-HTTP">`)
			})}
			go srv.Serve(ln)
			DeferCleanup(srv.Close)
			base = "http://" + ln.Addr().String()
		})

		It("never reads a local file through an external entity", func() {
			secret := writeFile(dir, "secret.txt", []byte("TOP-SECRET-7f3a9c"))
			doc := writeFile(dir, "xxe.xml", []byte(`<?xml version="1.0"?>
<!DOCTYPE e [<!ENTITY x SYSTEM "file://`+secret+`">]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:GetAccessToken xmlns:u="http://www.superoffice.net/ws/crm/NetServer/Services88"><u:AppToken>&x;</u:AppToken></u:GetAccessToken></s:Body></s:Envelope>`))
			code, out, errs := conform("validate", doc)
			Expect(code).To(Equal(1))
			Expect(out).To(Equal(doc + ":2: XML-NO-DTD the message has a DOCTYPE; SOAP messages must not contain a DTD, so it was not read further (no entity was expanded)\n"))
			Expect(out + errs).NotTo(ContainSubstring("TOP-SECRET"))
		})

		It("makes no request for an external DTD or entity over http", func() {
			doc := writeFile(dir, "ext.xml", []byte(`<?xml version="1.0"?>
<!DOCTYPE e SYSTEM "`+base+`/evil.dtd" [<!ENTITY % p SYSTEM "`+base+`/p.ent"> %p; <!ENTITY y SYSTEM "`+base+`/y">]>
<r>&y;&leak;</r>`))
			code, out, _ := conform("validate", doc)
			Expect(code).To(Equal(1))
			Expect(out).To(ContainSubstring("XML-NO-DTD"))
			Expect(out).NotTo(ContainSubstring("LEAKED"))
			Expect(hits.Load()).To(BeZero())
		})

		It("refuses billion laughs at once", func() {
			var b strings.Builder
			b.WriteString("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n")
			for i := 1; i <= 9; i++ {
				fmt.Fprintf(&b, "<!ENTITY lol%d \"%s\">\n", i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
			}
			b.WriteString("]>\n<lolz>&lol9;</lolz>")
			doc := writeFile(dir, "lol.xml", []byte(strings.Replace(b.String(), "&lol0;", "&lol;", -1)))
			code, out, _ := conform("validate", doc)
			Expect(code).To(Equal(1))
			Expect(out).To(HavePrefix(doc + ":2: XML-NO-DTD"))
		})

		It("ends on SIGTERM while a FIFO keeps it waiting", func() {
			fifo := filepath.Join(dir, "fifo.xml")
			Expect(syscall.Mkfifo(fifo, 0o600)).To(Succeed())
			cmd := exec.Command(os.Args[0], "validate", fifo)
			cmd.Env = append(os.Environ(), "CONFORM_TEST_AS_MAIN=1")
			var e bytes.Buffer
			cmd.Stderr = &e
			Expect(cmd.Start()).To(Succeed())
			time.Sleep(300 * time.Millisecond)
			start := time.Now()
			Expect(cmd.Process.Signal(syscall.SIGTERM)).To(Succeed())
			err := cmd.Wait()
			Expect(time.Since(start)).To(BeNumerically("<", 3*time.Second))
			Expect(err).To(HaveOccurred())
			Expect(err.(*exec.ExitError).ExitCode()).To(Equal(3))
			Expect(e.String()).To(ContainSubstring("interrupted while reading " + fifo))
		})

		It("refuses a file over the size limit", func() {
			doc := writeFile(dir, "big.xml", bytes.Repeat([]byte("<a/>"), 300))
			code, out, _ := conform("validate", "--max-size", "1000", doc)
			Expect(code).To(Equal(1))
			Expect(out).To(Equal(doc + ":0: XML-SIZE the message is larger than the limit of 1000 bytes; it was not read further\n"))
		})

		It("reports truncated XML with its line", func() {
			doc := writeFile(dir, "trunc.xml", []byte("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n  <s:Body>\n    <u:GetAccessToken xmlns:u=\"urn:x\">"))
			code, out, _ := conform("validate", doc)
			Expect(code).To(Equal(1))
			Expect(out).To(MatchRegexp(`trunc\.xml:3: XML-WELLFORMED Premature end of data in tag GetAccessToken`))
		})

		It("reports bytes that are not UTF-8", func() {
			doc := writeFile(dir, "latin.xml", []byte("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><x>caf\xe9</x></s:Body></s:Envelope>"))
			code, out, _ := conform("validate", doc)
			Expect(code).To(Equal(1))
			Expect(out).To(ContainSubstring("latin.xml:1: XML-ENCODING Input is not proper UTF-8"))
		})

		It("reports a declared encoding other than UTF-8 or UTF-16", func() {
			doc := writeFile(dir, "iso.xml", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>"))
			code, out, _ := conform("validate", "--op", "User.GetAccessToken", "--dir", "request", doc)
			Expect(code).To(Equal(1))
			Expect(out).To(ContainSubstring(`iso.xml:1: XML-ENCODING the message declares encoding "ISO-8859-1"`))
		})

		It("reports an empty file", func() {
			doc := writeFile(dir, "empty.xml", nil)
			code, out, _ := conform("validate", doc)
			Expect(code).To(Equal(1))
			Expect(out).To(Equal(doc + ":1: XML-EMPTY the message is empty\n"))
		})
	})
})
