package contract_test

import (
	"bytes"
	"github.com/conform-dev/conform/schemas"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/contract"
)

const sharedWSDL = "../../../shared/wsdl"

func readShared(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedWSDL, name))
	if os.IsNotExist(err) {
		t.Skipf("%s is not beside the project (it is in CI and on developer machines)", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The committed schemas are exactly what the extractor makes of the real
// WSDLs. Every pinned service comes from a WSDL of shared/wsdl; a WSDL there
// that is not pinned yet must still extract (pinning it is one `schemas
// extract` away), and is listed.
func TestCommittedSchemasRegenerate(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedWSDL, "Services88-*.wsdl"))
	if len(files) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("no WSDLs in %s", sharedWSDL)
		}
		t.Skipf("no WSDLs in %s (it is beside the project in CI)", sharedWSDL)
	}
	pinned := map[string]bool{}
	for _, svc := range schemas.Services {
		pinned[svc] = true
	}
	seen := map[string]bool{}
	var unpinned []string
	for _, f := range files {
		w := struct{ file, service string }{filepath.Base(f), strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Services88-"), ".wsdl")}
		seen[w.service] = true
		t.Run(w.service, func(t *testing.T) {
			ex, err := contract.Extract(w.file, readShared(t, w.file))
			if err != nil {
				t.Fatal(err)
			}
			if ex.Contract.Service != w.service {
				t.Fatalf("%s names the service %s", w.file, ex.Contract.Service)
			}
			if !pinned[w.service] {
				unpinned = append(unpinned, w.service)
				return
			}
			out, err := ex.Write(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			committed := filepath.Join("../../schemas", w.service)
			gen, _ := os.ReadDir(out)
			have, _ := os.ReadDir(committed)
			if len(gen) != len(have) {
				t.Errorf("%s has %d files, the extractor writes %d: run `go run ./cmd/conform schemas extract --wsdl ../shared/wsdl/%s --out schemas`", committed, len(have), len(gen), w.file)
			}
			for _, f := range gen {
				a, _ := os.ReadFile(filepath.Join(out, f.Name()))
				b, err := os.ReadFile(filepath.Join(committed, f.Name()))
				if err != nil || !bytes.Equal(a, b) {
					t.Errorf("%s/%s differs from what the extractor writes (regenerate it, see above)", committed, f.Name())
				}
			}
		})
	}
	for _, svc := range schemas.Services {
		if !seen[svc] {
			t.Errorf("schemas/%s has no WSDL in %s to regenerate it from", svc, sharedWSDL)
		}
	}
	if len(unpinned) > 0 {
		t.Logf("%d WSDLs extract but are not pinned in schemas/: %s", len(unpinned), strings.Join(unpinned, ", "))
	}
}

func TestExtractIsDeterministic(t *testing.T) {
	data := readShared(t, "Services88-User.wsdl")
	a, err := contract.Extract("a.wsdl", data)
	if err != nil {
		t.Fatal(err)
	}
	cp := append([]byte(nil), data...)
	b, err := contract.Extract("elsewhere/copy.wsdl", cp)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != len(b.Files) {
		t.Fatalf("file sets differ")
	}
	for name, content := range a.Files {
		if !bytes.Equal(content, b.Files[name]) {
			t.Errorf("%s differs between two extractions", name)
		}
	}
}

func TestUserContract(t *testing.T) {
	c, err := contract.FromWSDL("User.wsdl", readShared(t, "Services88-User.wsdl"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Service != "User" || c.SOAPVersion != "1.1" || c.Binding != "BasicHttpBinding_User" || len(c.Operations) != 97 {
		t.Fatalf("got service %s, SOAP %s, binding %s, %d operations", c.Service, c.SOAPVersion, c.Binding, len(c.Operations))
	}
	op := c.Op("GetAccessToken")
	if op == nil {
		t.Fatal("no GetAccessToken")
	}
	if op.SOAPAction != "http://www.superoffice.net/ws/crm/NetServer/Services88/User/GetAccessToken" {
		t.Errorf("soapAction %q", op.SOAPAction)
	}
	if op.Input.Body.Name != "GetAccessToken" || op.Output.Body.Name != "GetAccessTokenResponse" {
		t.Errorf("bodies %v %v", op.Input.Body, op.Output.Body)
	}
	var in, out []string
	for _, h := range op.Input.Headers {
		in = append(in, h.Element.Name)
	}
	for _, h := range op.Output.Headers {
		out = append(out, h.Element.Name)
	}
	if strings.Join(in, ",") != "ApplicationToken,Credentials,TimeZone" || strings.Join(out, ",") != "ExceptionInfo,ExtraInfo,Succeeded,TimeZone" {
		t.Errorf("headers in=%v out=%v", in, out)
	}
}

const miniHead = `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions targetNamespace="urn:t" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="urn:t">
  <wsdl:types>
    <xs:schema targetNamespace="urn:t" xmlns:xs="http://www.w3.org/2001/XMLSchema">
`
const miniTail = `      <xs:element name="Op"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
      <xs:element name="OpResponse"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="OpRequest"><wsdl:part name="parameters" element="tns:Op" /></wsdl:message>
  <wsdl:message name="OpResponse"><wsdl:part name="parameters" element="tns:OpResponse" /></wsdl:message>
  <wsdl:portType name="Agent"><wsdl:operation name="Op"><wsdl:input message="tns:OpRequest" /><wsdl:output message="tns:OpResponse" /></wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="tns:Agent"><soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Op"><soap:operation soapAction="urn:t/Op" style="document" />
      <wsdl:input><soap:body use="literal" /></wsdl:input><wsdl:output><soap:body use="literal" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>
`

// Bad WSDLs are refused with the place and the next step.
func TestExtractRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, wsdl string
		want       []string // substrings of the error
	}{
		{"doctype", strings.Replace(miniHead, "<wsdl:definitions", "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<wsdl:definitions", 1) + miniTail,
			[]string{"mini.wsdl:2:", "DOCTYPE", "remove it"}},
		{"remote import", miniHead + `      <xs:import namespace="urn:o" schemaLocation="http://example.com/o.xsd" />` + "\n" + miniTail,
			[]string{"mini.wsdl:5:", "non-local schemaLocation", "http://example.com/o.xsd", "never fetches"}},
		{"protocol-relative include", miniHead + `      <xs:include schemaLocation="//example.com/o.xsd" />` + "\n" + miniTail,
			[]string{"mini.wsdl:5:", "non-local"}},
		{"not wsdl", `<a/>`, []string{"mini.wsdl:1:", "not a WSDL 1.1"}},
		{"truncated", miniHead, []string{"mini.wsdl:", "not well-formed"}},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, []string{"UTF-8"}},
		{"rpc style", strings.Replace(miniHead+miniTail, `style="document"`, `style="rpc"`, 1), []string{"rpc", "document/literal"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := contract.Extract("mini.wsdl", []byte(tc.wsdl))
			if err == nil {
				t.Fatal("extract succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestExtractMinimal(t *testing.T) {
	ex, err := contract.Extract("mini.wsdl", []byte(miniHead+miniTail))
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Contract.Schemas) != 1 || ex.Contract.Schemas[0].File != "urn_t.xsd" {
		t.Fatalf("schemas %+v", ex.Contract.Schemas)
	}
	x := string(ex.Files["urn_t.xsd"])
	// inherited declarations are declared on the extracted schema
	for _, w := range []string{`xmlns:tns="urn:t"`, `xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"`, `<xs:element name="Op">`} {
		if !strings.Contains(x, w) {
			t.Errorf("extracted schema lacks %s:\n%s", w, x)
		}
	}
	if !strings.Contains(string(ex.Files["schema.xsd"]), `schemaLocation="urn_t.xsd"`) {
		t.Errorf("wrapper does not import urn_t.xsd")
	}
	if ex.Contract.Operations[0].SOAPAction != "urn:t/Op" || len(ex.Contract.Operations[0].Input.Headers) != 0 {
		t.Errorf("operation %+v", ex.Contract.Operations[0])
	}
}

func TestDiff(t *testing.T) {
	a, err := contract.FromWSDL("a", []byte(miniHead+miniTail))
	if err != nil {
		t.Fatal(err)
	}
	if d := contract.Diff(a, a); len(d) != 0 {
		t.Errorf("a contract differs from itself: %v", d)
	}
	b, err := contract.FromWSDL("b", []byte(strings.Replace(miniHead+miniTail, `soapAction="urn:t/Op"`, `soapAction="urn:t/Other"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d := contract.Diff(a, b); len(d) != 1 || !strings.Contains(d[0], `Op: soapAction "urn:t/Other", not "urn:t/Op"`) {
		t.Errorf("diff %v", d)
	}
}
