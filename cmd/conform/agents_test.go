package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conform-dev/conform/internal/contracts"
	"github.com/conform-dev/conform/internal/mock"
)

// acmeContracts writes a WSDL conform has never seen (an agent "Acme",
// built for the test from the Tooltips WSDL with every name changed),
// extracts it with conform schemas extract, and returns the folder.
func acmeContracts() string {
	data, err := os.ReadFile("../../schemas/Tooltips/service.wsdl")
	Expect(err).NotTo(HaveOccurred())
	wsdl := strings.NewReplacer("Tooltips", "Acme", "Tooltip", "AcmeGreeting").Replace(string(data))
	dir := GinkgoT().TempDir()
	src := filepath.Join(dir, "Acme.wsdl")
	Expect(os.WriteFile(src, []byte(wsdl), 0o644)).To(Succeed())
	out := filepath.Join(dir, "contracts")
	code, stdout, errs := conformProcess(nil, "schemas", "extract", "--wsdl", src, "--out", out)
	Expect(code).To(Equal(0), stdout+errs)
	return out
}

func runContracts(dir string) map[string]string {
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	Expect(err).NotTo(HaveOccurred())
	var s struct {
		Runs []struct {
			Contracts map[string]string `json:"contracts"`
			Schemas   map[string]string `json:"schemas"`
		} `json:"runs"`
		Cases []struct {
			Operation string `json:"operation"`
		} `json:"cases"`
	}
	Expect(json.Unmarshal(data, &s)).To(Succeed())
	return s.Runs[0].Contracts
}

var _ = Describe("agents as data", func() {
	It("lists every pinned agent", func() {
		code, out, _ := conformProcess(nil, "ops")
		Expect(code).To(Equal(0))
		for _, a := range []string{"User.", "SoPrincipal.", "Previews.", "Tooltips.", "Database.", "CustomObject."} {
			Expect(out).To(ContainSubstring("\n" + a))
		}
	})

	It("takes a WSDL it has never seen end to end: extract, mock --contracts, run --contracts", func() {
		dir := acmeContracts()
		code, out, _ := conformProcess(nil, "ops", "--contracts", dir, "Acme")
		Expect(code).To(Equal(0))
		Expect(out).To(HavePrefix("Acme.GetAcmeGreeting\tGetAcmeGreeting → GetAcmeGreetingResponse"))

		set, err := contracts.Load(contracts.Extra{Dir: dir})
		Expect(err).NotTo(HaveOccurred())
		srv := httptest.NewServer(mock.MustNew(mock.Options{Contracts: set}))
		defer srv.Close()
		reports := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--contracts", dir, "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--agents", "Acme", "--allow-mutations", "--reports", reports)
		Expect(code).To(Equal(0), out+errs)
		Expect(out).To(ContainSubstring("ok    Acme.GetAcmeGreeting generated request ("))
		Expect(runContracts(reports)).To(HaveKeyWithValue("Acme", dir))
	})

	It("tests an agent with no contract against the install's own WSDL, and says so", func() {
		dir := acmeContracts()
		set, err := contracts.Load(contracts.Extra{Dir: dir})
		Expect(err).NotTo(HaveOccurred())
		srv := httptest.NewServer(mock.MustNew(mock.Options{Contracts: set}))
		defer srv.Close()
		reports := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "run", "--endpoint", srv.URL, "--user", mock.DefaultUser, "--password", mock.DefaultPassword, "--agents", "Acme", "--reports", reports)
		Expect(code).To(Equal(0), out+errs)
		Expect(out).To(ContainSubstring("ok    Acme.GetAcmeGreeting generated request ("))
		Expect(runContracts(reports)).To(HaveKeyWithValue("Acme", contracts.OriginLive))
		html, _ := os.ReadFile(filepath.Join(reports, "report.html"))
		Expect(string(html)).To(ContainSubstring("contract: Acme</b></td><td>the install&#39;s live WSDL (not pinned)"))
	})

	It("says when a contracts folder replaces a pinned agent, and records it", func() {
		dir := GinkgoT().TempDir()
		code, out, errs := conformProcess(nil, "schemas", "extract", "--wsdl", "../../schemas/Previews/service.wsdl", "--out", dir)
		Expect(code).To(Equal(0), out+errs)
		reports := GinkgoT().TempDir()
		code, out, errs = conformProcess(nil, "run", "--contracts", dir, "--agents", "Previews", "--reports", reports)
		Expect(code).To(Equal(0), out+errs)
		Expect(errs).To(ContainSubstring("warning: --contracts " + dir + " replaces the pinned Previews contract"))
		Expect(runContracts(reports)).To(HaveKeyWithValue("Previews", dir))
	})

	DescribeTable("refuses agents and contracts it cannot have, with exit 2",
		func(want string, args ...string) {
			code, _, errs := conformProcess(nil, append([]string{"run", "--reports", GinkgoT().TempDir()}, args...)...)
			Expect(code).To(Equal(2))
			Expect(errs).To(ContainSubstring(want))
		},
		Entry("an agent no contract is loaded for, against the embedded mock", "--agents Acme: no contract for Acme is loaded", "--agents", "Acme"),
		Entry("a contracts folder that is none", "not a folder", "--contracts", "/nonexistent"),
		Entry("a contracts folder with no service", "no service folder with a contract.json", "--contracts", os.TempDir()),
	)
})
