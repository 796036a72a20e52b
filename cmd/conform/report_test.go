package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conform-dev/conform/internal/mock"
)

// chromium finds Debian's Chromium; CI (.ci/run) installs it and sets
// CONFORM_REQUIRE_CHROMIUM=1, so that there the test cannot be skipped.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CONFORM_REQUIRE_CHROMIUM") == "1" {
		Fail("chromium is required (CONFORM_REQUIRE_CHROMIUM=1) but not installed: apt-get install chromium")
	}
	Skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
	return ""
}

func headless(bin, page string, args ...string) string {
	profile := GinkgoT().TempDir()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile}
	out, err := exec.Command(bin, append(append(base, args...), "file://"+page)...).Output()
	Expect(err).NotTo(HaveOccurred())
	return string(out)
}

// brokenRun runs conform against a mock whose GetAccessToken answer has
// lost its Succeeded header, and returns the reports folder.
func brokenRun() string {
	srv := httptest.NewServer(&breaker{next: mock.MustNew(mock.Options{}), op: "GetAccessToken", fix: replace(`<Succeeded xmlns="`+tns+`">true</Succeeded>`, "")})
	DeferCleanup(srv.Close)
	dir := GinkgoT().TempDir()
	code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--reports", dir)
	Expect(code).To(Equal(1), out+errs)
	return dir
}

var _ = Describe("reports", func() {
	It("writes a report.html that headless Chromium shows with the verdict and the failing case", func() {
		bin := chromium()
		dir := brokenRun()
		page, err := filepath.Abs(filepath.Join(dir, "report.html"))
		Expect(err).NotTo(HaveOccurred())
		dom := headless(bin, page, "--dump-dom")
		Expect(dom).To(ContainSubstring(`<h1 id="verdict">NOT CONFORMANT</h1>`))
		Expect(dom).To(ContainSubstring("valid ticket"))
		Expect(dom).To(ContainSubstring("HDR-MISSING"))
		Expect(dom).To(ContainSubstring("declared header block Succeeded is missing"))
		shot := filepath.Join(dir, "report.png")
		headless(bin, page, "--window-size=1280,1600", "--screenshot="+shot)
		png, err := os.ReadFile(shot)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(png[:8])).To(Equal("\x89PNG\r\n\x1a\n"))
		Expect(len(png)).To(BeNumerically(">", 20_000), "a blank page would be a small PNG")
	})

	It("shows a run where one cause fails most cases on a page a person can scroll, grouped, linked and counted once", func() {
		bin := chromium()
		// Every answer's Succeeded is broken: one root cause, most cases.
		srv := httptest.NewServer(&breaker{next: mock.MustNew(mock.Options{}), op: "*", fix: body(func(b string) string {
			return strings.ReplaceAll(b, ">true</Succeeded>", ">yes</Succeeded>")
		})})
		DeferCleanup(srv.Close)
		dir := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--allow-mutations", "--reports", dir)
		Expect(code).To(Equal(1), out+errs)
		var sum struct {
			Totals struct {
				Cases  map[string]int `json:"cases"`
				Checks map[string]int `json:"checks"`
			} `json:"totals"`
		}
		data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(data, &sum)).To(Succeed())
		failed := sum.Totals.Cases["failed"]
		Expect(failed).To(BeNumerically(">=", 60), "the broken server should fail most cases")
		checks := 0
		for _, n := range sum.Totals.Checks {
			checks += n
		}
		// One count of checks: the console's and the page's are the same.
		Expect(out).To(ContainSubstring(fmt.Sprintf("; %d checks: %d passed, %d failed", checks, sum.Totals.Checks["passed"], sum.Totals.Checks["failed"])))
		page, err := filepath.Abs(filepath.Join(dir, "report.html"))
		Expect(err).NotTo(HaveOccurred())
		html, _ := os.ReadFile(page)
		Expect(string(html)).To(ContainSubstring(fmt.Sprintf("<b>%d</b>checks: %d passed, %d failed", checks, sum.Totals.Checks["passed"], sum.Totals.Checks["failed"])))
		// The cause is one group naming its path, before any case.
		causes := string(html)[strings.Index(string(html), `id="causes"`):strings.Index(string(html), `id="coverage"`)]
		Expect(causes).To(MatchRegexp(`<span class="badge b-failed">HDR-VALID</span> <b>\d+ cases</b>.* · at <span class="path">/s:Envelope/s:Header/Succeeded</span>`))
		Expect(strings.Index(string(html), `id="causes"`)).To(BeNumerically("<", strings.Index(string(html), `id="failures"`)))
		Expect(string(html)).To(ContainSubstring(`<a class="chip c-failed" href="#case-`))

		// Its height, from a screenshot at 1400 px wide: the last row that
		// is not background.
		const width, tall = 1400, 16000
		shot := filepath.Join(dir, "tall.png")
		headless(bin, page, fmt.Sprintf("--window-size=%d,%d", width, tall), "--hide-scrollbars", "--screenshot="+shot)
		f, err := os.Open(shot)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		img, err := png.Decode(f)
		Expect(err).NotTo(HaveOccurred())
		b := img.Bounds()
		last := 0
		for y := b.Max.Y - 1; y >= b.Min.Y && last == 0; y-- {
			for x := b.Min.X; x < b.Max.X; x++ {
				if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
					last = y
					break
				}
			}
		}
		fmt.Fprintf(GinkgoWriter, "report.html of %d failed cases: %d px tall at %d px wide\n", failed, last, width)
		Expect(last).To(BeNumerically(">", 1000), "the screenshot shows the page")
		Expect(last).To(BeNumerically("<", 15000), "the page of %d failed cases is %d px tall", failed, last)
	})

	It("treats a hostile summary.json as input: no panic, no raw control characters, no path outside its evidence", func() {
		broken := brokenRun()
		data, err := os.ReadFile(filepath.Join(broken, "summary.json"))
		Expect(err).NotTo(HaveOccurred())
		var sum map[string]any
		Expect(json.Unmarshal(data, &sum)).To(Succeed())
		sum["verdict"] = map[string]any{"status": "conformant\x1b[2J\x1b]0;pwned\x07", "conformant": true,
			"operations": map[string]string{"Nope.Unknown": "not conformant", "User.GetAccessToken": "conformant"}}
		var st map[string]any
		for _, c := range sum["cases"].([]any) {
			if steps, ok := c.(map[string]any)["steps"].([]any); ok && len(steps) > 0 {
				st = steps[0].(map[string]any)
				break
			}
		}
		Expect(st).NotTo(BeNil())
		st["evidence"] = []string{"/etc/shadow", "../../../etc/passwd", "reports/evidence/../../x", "evidence/A.B/c/01.xml]]\n[[ATTACHMENT|/etc/hosts"}
		hostile, _ := json.Marshal(sum)
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "summary.json"), hostile, 0o644)).To(Succeed())
		code, out, errs := conformProcess(nil, "report", filepath.Join(dir, "summary.json"))
		Expect(code).To(Equal(1), errs) // the verdict's exit code, as conform run's
		Expect(out + errs).NotTo(ContainSubstring("\x1b"))
		Expect(out).To(ContainSubstring("NOT CONFORMANT")) // recomputed from the cases, not taken on its word
		junit, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		for _, p := range []string{"etc/shadow", "etc/passwd", "etc/hosts", "evidence/../"} {
			Expect(string(junit)).NotTo(ContainSubstring(p))
		}
		// Attachment paths are relative to the working directory: each
		// one resolves inside the summary's folder.
		for _, m := range regexp.MustCompile(`\[\[ATTACHMENT\|([^\]]*)\]\]`).FindAllStringSubmatch(string(junit), -1) {
			abs, _ := filepath.Abs(m[1])
			Expect(abs).To(HavePrefix(dir+string(filepath.Separator)), m[1])
		}
		Expect(filepath.Join(dir, "report.html")).To(BeAnExistingFile())
	})

	It("renders hostile peer strings in report.html as text: no script element, no handler, no javascript: URL", func() {
		bin := chromium()
		broken := brokenRun()
		data, err := os.ReadFile(filepath.Join(broken, "summary.json"))
		Expect(err).NotTo(HaveOccurred())
		hostile := []string{`<script>document.title="pwned"</script>`, `<img src=x onerror="document.title='pwned'">`,
			`</pre></code></td><script>alert(1)</script>`, `<a href="javascript:alert(1)">x</a>`, `"><svg onload=alert(1)>`}
		evil := strings.Join(hostile, " ")
		// Every string a peer or a summary can set: messages, details,
		// exchanges, content types, server info, drift, names.
		for _, key := range []string{`"message": "`, `"detail": "`, `"response": "`, `"request": "`, `"contentType": "`, `"name": "`} {
			data = []byte(strings.ReplaceAll(string(data), key, key+strings.ReplaceAll(evil, `"`, `\"`)))
		}
		var sum map[string]any
		Expect(json.Unmarshal(data, &sum)).To(Succeed())
		run := sum["runs"].([]any)[0].(map[string]any)
		run["server"] = map[string]string{"Version": evil}
		run["wsdlDrift"] = map[string][]string{"User": {evil}}
		run["wsdlNotCompared"] = map[string]string{"SoPrincipal": evil}
		data, _ = json.Marshal(sum)
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "summary.json"), data, 0o644)).To(Succeed())
		code, _, errs := conformProcess(nil, "report", filepath.Join(dir, "summary.json"))
		Expect(code).To(Equal(1), errs) // the verdict's exit code
		page, _ := filepath.Abs(filepath.Join(dir, "report.html"))
		raw, _ := os.ReadFile(page)
		Expect(string(raw)).To(ContainSubstring(`http-equiv="Content-Security-Policy" content="default-src 'none'`))
		dom := headless(bin, page, "--dump-dom")
		Expect(dom).To(ContainSubstring("NOT CONFORMANT"))
		Expect(dom).To(ContainSubstring("&lt;script&gt;"), "the hostile text is shown, escaped")
		Expect(activeContent(`<p title="&lt;script onload=x&gt;"><img src=x onerror="y"><a href=" javascript:z">a</a><script>z</script></p>`)).To(HaveLen(3), "the detector itself works")
		Expect(activeContent(dom)).To(BeEmpty())
		Expect(dom).NotTo(ContainSubstring("pwned</title>"))
	})

	It("re-renders report.html from summary.json and merges runs", func() {
		broken := brokenRun()
		good := GinkgoT().TempDir()
		code, _, errs := conformProcess(nil, "run", "--reports", good, "--ops", "User.GetExternalTokens")
		Expect(code).To(Equal(0), errs)

		again := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "report", filepath.Join(broken, "summary.json"), "--out", again)
		Expect(code).To(Equal(1), errs) // the verdict's exit code, as conform run's
		Expect(out).To(ContainSubstring("NOT CONFORMANT"))
		html, err := os.ReadFile(filepath.Join(again, "report.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(html)).To(ContainSubstring("declared header block Succeeded is missing"))

		merged := GinkgoT().TempDir()
		code, out, _ = conformProcess(nil, "report", "merge", filepath.Join(good, "summary.json"), filepath.Join(broken, "summary.json"), "--out", merged)
		Expect(code).To(Equal(1))
		Expect(out).To(ContainSubstring("2 runs"))
		var sum struct {
			Runs    []json.RawMessage `json:"runs"`
			Verdict struct {
				Status     string            `json:"status"`
				Operations map[string]string `json:"operations"`
			} `json:"verdict"`
		}
		data, err := os.ReadFile(filepath.Join(merged, "summary.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(data, &sum)).To(Succeed())
		Expect(sum.Runs).To(HaveLen(2))
		Expect(sum.Verdict.Status).To(Equal("not conformant"))
		// The merge is an index: it names each run's own summary, and the
		// fleet page links each run's own page.
		var idx struct {
			Parts []string `json:"parts"`
			Fleet struct {
				Runs []struct {
					Verdict string `json:"verdict"`
					Page    string `json:"page"`
				} `json:"runs"`
			} `json:"fleet"`
		}
		Expect(json.Unmarshal(data, &idx)).To(Succeed())
		Expect(idx.Parts).To(HaveLen(2))
		Expect(idx.Fleet.Runs).To(HaveLen(2))
		Expect(idx.Fleet.Runs[0].Verdict).To(Equal("not conformant"), "problems first")
		Expect(filepath.Join(merged, idx.Fleet.Runs[0].Page)).To(BeAnExistingFile())
		for _, f := range []string{"junit.xml", "report.html"} {
			Expect(filepath.Join(merged, f)).To(BeAnExistingFile())
		}
		// conform report reads the index back, its runs again.
		again = GinkgoT().TempDir()
		code, out, errs = conformProcess(nil, "report", filepath.Join(merged, "summary.json"), "--out", again)
		Expect(code).To(Equal(1), out+errs)
		Expect(out).To(ContainSubstring("NOT CONFORMANT: 1 of 2 runs conformant, 1 not conformant"))
		page, _ := os.ReadFile(filepath.Join(again, "report.html"))
		Expect(string(page)).To(ContainSubstring("Installs × agents"))
		// Chromium renders the fleet page: the matrix, the causes across the
		// fleet, no active content.
		fleetPage, _ := filepath.Abs(filepath.Join(merged, "report.html"))
		dom := headless(chromium(), fleetPage, "--dump-dom")
		Expect(dom).To(ContainSubstring("NOT CONFORMANT: a fleet of 2 runs"))
		Expect(dom).To(ContainSubstring("Failures by cause across the fleet"))
		Expect(activeContent(dom)).To(BeEmpty())
	})

	It("refuses to certify with schemas or fixtures other than the expected manifest's", func() {
		dir := GinkgoT().TempDir()
		code, _, errs := conformProcess(nil, "run", "--reports", dir, "--ops", "User.GetAccessToken")
		Expect(code).To(Equal(0), errs)
		summary := filepath.Join(dir, "summary.json")
		code, _, errs = conformProcess(nil, "run", "--reports", GinkgoT().TempDir(), "--ops", "User.GetAccessToken", "--expect-manifest", summary)
		Expect(code).To(Equal(0), errs)

		data, err := os.ReadFile(summary)
		Expect(err).NotTo(HaveOccurred())
		var raw map[string]any
		Expect(json.Unmarshal(data, &raw)).To(Succeed())
		run := raw["runs"].([]any)[0].(map[string]any)
		run["schemas"].(map[string]any)["schemas/User/Services88.xsd"] = strings.Repeat("0", 64)
		tampered := filepath.Join(dir, "tampered.json")
		data, _ = json.Marshal(raw)
		Expect(os.WriteFile(tampered, data, 0o644)).To(Succeed())
		code, out, errs := conformProcess(nil, "run", "--reports", GinkgoT().TempDir(), "--expect-manifest", tampered)
		Expect(code).To(Equal(2))
		Expect(errs).To(ContainSubstring("schemas/User/Services88.xsd: changed"))
		Expect(out).NotTo(ContainSubstring("ok "), "nothing may run")
	})
})

// activeContent lists what in an HTML document could run: script elements,
// event-handler attributes, javascript: URLs. It reads the markup as tokens,
// so escaped text inside attribute values does not count.
func activeContent(page string) []string {
	dec := xml.NewDecoder(strings.NewReader(page))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var found []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return found
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if strings.EqualFold(el.Name.Local, "script") {
			found = append(found, "a script element")
		}
		for _, a := range el.Attr {
			name := strings.ToLower(a.Name.Local)
			if strings.HasPrefix(name, "on") {
				found = append(found, "attribute "+name+" on "+el.Name.Local)
			}
			if (name == "href" || name == "src" || name == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "javascript:") {
				found = append(found, "a javascript: URL in "+name)
			}
		}
	}
}
