// Package schemas holds the committed schema sets conform validates with,
// embedded so the binary needs nothing beside it: soap/ (the official SOAP
// 1.1 and 1.2 envelope schemas and xml.xsd, unmodified) and one folder per
// service, each as `conform schemas extract` wrote it from its WSDL: one XSD
// per namespace, a wrapper schema.xsd, contract.json and the source WSDL.
// The services are whatever folders hold a contract.json: pinning one more
// agent is extracting one more WSDL here.
package schemas

import (
	"embed"
	"io/fs"
	"sort"
)

// FS is the schemas folder.
//
//go:embed soap */contract.json */*.xsd */service.wsdl sha256.txt
var FS embed.FS

// SumsFile holds the sha256 of every other file of FS, for run manifests.
const SumsFile = "sha256.txt"

// Services are the service folders of FS, in the order operations are
// looked up: User and SoPrincipal first (the seed agents), then the others
// by name.
var Services = Discover(FS)

// Discover lists the service folders of a contracts tree: the top-level
// folders that hold a contract.json.
func Discover(fsys fs.FS) []string {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, e.Name()+"/contract.json"); err == nil {
			out = append(out, e.Name())
		}
	}
	rank := func(s string) int {
		switch s {
		case "User":
			return 0
		case "SoPrincipal":
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool {
		if rank(out[i]) != rank(out[j]) {
			return rank(out[i]) < rank(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// XMLNamespaceURL is where the SOAP 1.2 envelope schema imports xml.xsd from;
// conform maps it to soap/xml.xsd.
const XMLNamespaceURL = "http://www.w3.org/2001/xml.xsd"
