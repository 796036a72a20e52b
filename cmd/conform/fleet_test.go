package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/report"
)

// The fleet page of 1,000 installs stays small and renders: a row per run,
// a square per agent, the causes across the fleet counted once.
var _ = Describe("the fleet page", func() {
	It("of 1,000 runs of every agent is under 5 MB and renders in Chromium", func() {
		bin := chromium()
		dir := GinkgoT().TempDir()
		b := report.NewFleet(dir)
		for i := 1; i <= 1000; i++ {
			s := &report.Summary{Format: report.Format, Version: report.Version,
				Runs: []report.Manifest{{Endpoint: fmt.Sprintf("https://install-%04d.example.com/Cust%d", i, i), Target: report.TargetLive}}}
			for _, a := range netserver.Agents {
				outcome := report.Passed
				var results []report.Result
				if i%10 == 0 && a == "Contact" {
					outcome = report.Failed
					results = []report.Result{{Check: "HDR-MISSING", Outcome: report.Failed, Path: "/s:Envelope/s:Header/TimeZone", Message: "declared header block TimeZone is missing"}}
				}
				s.Cases = append(s.Cases, report.Case{Operation: a + ".Get" + a, Name: "generated request", Outcome: outcome,
					Steps: []report.Step{{Name: "s", Call: a + ".Get" + a, Results: results, Passed: 20}}})
			}
			s.Finish()
			b.Add(filepath.Join(dir, fmt.Sprintf("run-%04d", i), "summary.json"), s)
		}
		idx := b.Index()
		Expect(report.WriteFleet(dir, idx)).To(Succeed())
		page := filepath.Join(dir, "report.html")
		st, err := os.Stat(page)
		Expect(err).NotTo(HaveOccurred())
		fmt.Fprintf(GinkgoWriter, "fleet page of 1,000 runs × %d agents: %d bytes\n", len(netserver.Agents), st.Size())
		Expect(st.Size()).To(BeNumerically("<", 5<<20), "the fleet page is %d bytes", st.Size())
		dom := headless(bin, page, "--dump-dom")
		Expect(dom).To(ContainSubstring("NOT CONFORMANT: a fleet of 1000 runs"))
		Expect(dom).To(MatchRegexp(`<b>HDR-MISSING</b> at <code>/s:Envelope/s:Header/TimeZone</code>: 100 of 1000 runs' installs, 1 agent \(Contact\)`))
		Expect(strings.Count(dom, "<tr>")).To(Equal(1001), "a row per run and the head")
		Expect(activeContent(dom)).To(BeEmpty())
	})
})
