package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

type summaryTotals struct {
	Cases []struct {
		Operation string `json:"operation"`
		Name      string `json:"name"`
	} `json:"cases"`
	Totals struct {
		Cases  map[string]int `json:"cases"`
		Checks map[string]int `json:"checks"`
	} `json:"totals"`
	Verdict struct {
		Status string `json:"status"`
	} `json:"verdict"`
}

func readSummary(dir string) summaryTotals {
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	Expect(err).NotTo(HaveOccurred())
	var s summaryTotals
	Expect(json.Unmarshal(data, &s)).To(Succeed())
	return s
}

// The Ginkgo suite is an adapter over the same engine: the Ginkgo CLI runs
// it serially and in parallel, filters it by label and focus, lists its
// labels, and it reports the same numbers as `conform run`.
var _ = Describe("the Ginkgo adapter", Ordered, func() {
	var ginkgo string
	BeforeAll(func() {
		ginkgo = filepath.Join(GinkgoT().TempDir(), "ginkgo")
		out, err := exec.Command("go", "build", "-o", ginkgo, "github.com/onsi/ginkgo/v2/ginkgo").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
	})
	run := func(reports string, args ...string) string {
		cmd := exec.Command(ginkgo, append(args, "../../suite")...)
		cmd.Env = append(os.Environ(), "CONFORM_REPORTS="+reports)
		out, err := cmd.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		return string(out)
	}

	It("runs in parallel with the same numbers as conform run", func() {
		viaGinkgo := GinkgoT().TempDir()
		run(viaGinkgo, "-p", "--procs", "2")
		viaRun := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--reports", viaRun)
		Expect(code).To(Equal(0), out+errs)
		g, r := readSummary(viaGinkgo), readSummary(viaRun)
		Expect(g.Verdict.Status).To(Equal("conformant"))
		Expect(g.Totals).To(Equal(r.Totals))
		Expect(g.Cases).To(Equal(r.Cases), "the same cases in the same (catalog) order")
	})

	It("selects by --label-filter and --focus", func() {
		dir := GinkgoT().TempDir()
		run(dir, "--label-filter", "happy && User.GetExternalTokens")
		s := readSummary(dir)
		Expect(s.Cases).To(HaveLen(4))
		for _, c := range s.Cases {
			Expect(c.Operation).To(Equal("User.GetExternalTokens"))
		}
		dir = GinkgoT().TempDir()
		run(dir, "--focus", "User.GetAccessToken invalid ticket")
		Expect(readSummary(dir).Cases).To(HaveLen(1))
	})

	It("lists the catalog's labels", func() {
		out, err := exec.Command(ginkgo, "labels", "../../suite").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		for _, l := range []string{`"happy"`, `"roundtrip"`, `"User.GetAccessToken"`, `"destructive"`, `"generated"`} {
			Expect(string(out)).To(ContainSubstring(l))
		}
		Expect(strings.Count(string(out), `"`)).To(BeNumerically(">", 200))
	})
})
