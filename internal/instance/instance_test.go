package instance_test

import (
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/instance"
	"github.com/conform-dev/conform/internal/validate"
	"github.com/conform-dev/conform/internal/xsd"
	"github.com/conform-dev/conform/schemas"
)

// Every body element of every operation of every service gets an instance
// that libxml2 finds valid against the service's schema set.
func TestEveryBodyElementIsValid(t *testing.T) {
	v, err := validate.Default()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range v.Contracts() {
		m, err := instance.Load(schemas.FS, c.Service, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range c.Operations {
			for _, el := range []contract.QName{op.Input.Body, op.Output.Body} {
				validInstance(t, v, m, c.Service+"."+op.Name, el)
				total++
			}
		}
	}
	if total != 2*1819 {
		t.Errorf("checked %d body elements, want one request and one response per operation of the 57 pinned agents (1,819)", total)
	}
}

// Every global element of every pinned agent (not only the body elements:
// the header blocks, the Serialization and Arrays schemas' elements, each
// type's element) has a generated instance that libxml2 finds valid.
func TestEveryGlobalElementIsValid(t *testing.T) {
	v, err := validate.Default()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range v.Contracts() {
		m, err := instance.Load(schemas.FS, c.Service, c)
		if err != nil {
			t.Fatal(err)
		}
		var names []contract.QName
		for q := range m.Elements {
			names = append(names, q)
		}
		sort.Slice(names, func(i, j int) bool { return names[i].String() < names[j].String() })
		for _, el := range names {
			validInstance(t, v, m, c.Service, el)
			total++
		}
	}
	t.Logf("%d global elements of %d agents generated and valid", total, len(v.Contracts()))
}

// validInstance generates an instance of el and validates it through
// libxml2 against its service's schema set.
func validInstance(t *testing.T, v *validate.Validator, m *instance.Schema, where string, el contract.QName) {
	t.Helper()
	svc, _, _ := strings.Cut(where, ".")
	data, err := m.Element(el)
	if err != nil {
		t.Errorf("%s %s: %v", where, el, err)
		return
	}
	pr := xsd.Parse(data)
	if pr.Doc == nil {
		t.Errorf("%s %s: not well-formed: %+v\n%.400s", where, el, pr.Issues, data)
		return
	}
	defer pr.Doc.Free()
	if issues, err := v.Schema(svc).ValidateElement(pr.Doc.Root()); err != nil || len(issues) > 0 {
		t.Errorf("%s %s: %v %v\n%.400s", where, el, err, issues, data)
	}
}

func TestDeterministic(t *testing.T) {
	v, _ := validate.Default()
	c := v.Contract("User")
	a, _ := instance.Load(schemas.FS, "User", c)
	b, _ := instance.Load(schemas.FS, "User", c)
	for _, op := range c.Operations {
		x, _ := a.Element(op.Output.Body)
		y, _ := b.Element(op.Output.Body)
		if string(x) != string(y) {
			t.Fatalf("%s differs between two runs", op.Name)
		}
	}
}

func TestBuild(t *testing.T) {
	v, _ := validate.Default()
	c := v.Contract("User")
	m, _ := instance.Load(schemas.FS, "User", c)
	s := func(x string) *string { return &x }
	el := contract.QName{Namespace: c.TargetNamespace, Name: "SaveExternalTokens"}
	got, err := m.Build(el, map[string]*string{
		"TokenManagementInfo/Claims":      s("c"),
		"TokenManagementInfo/Provider":    s("a & <b>"),
		"TokenManagementInfo/AccessToken": nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `<SaveExternalTokens xmlns="` + c.TargetNamespace + `"><TokenManagementInfo><Provider>a &amp; &lt;b&gt;</Provider><AccessToken xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true" /><Claims>c</Claims></TokenManagementInfo></SaveExternalTokens>`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	pr := xsd.Parse(got)
	issues, _ := v.Schema("User").ValidateElement(pr.Doc.Root())
	pr.Doc.Free()
	if len(issues) > 0 {
		t.Errorf("built instance invalid: %+v", issues)
	}
	for _, bad := range []map[string]*string{{"Nope": s("x")}, {"TokenManagementInfo/Provider/X": s("x")}, {"TokenManagementInfo": s("text")}} {
		if _, err := m.Build(el, bad); err == nil {
			t.Errorf("Build(%v) succeeded", bad)
		}
	}
}

func TestDiff(t *testing.T) {
	v, _ := validate.Default()
	c := v.Contract("User")
	a, _ := instance.Load(schemas.FS, "User", c)
	b, _ := instance.Load(schemas.FS, "User", c)
	if d := instance.Diff(a, b); len(d) != 0 {
		t.Fatalf("a model differs from itself: %v", d)
	}
	q := contract.QName{Namespace: c.TargetNamespace, Name: "GetAccessToken"}
	b.Elements[q].Inline.Seq[1].Type.Name = "int"
	delete(b.Types, contract.QName{Namespace: c.TargetNamespace, Name: "TokenManagementInfo"})
	d := instance.Diff(a, b)
	if len(d) != 2 || d[0] != "element {"+c.TargetNamespace+"}GetAccessToken changed" || d[1] != "type {"+c.TargetNamespace+"}TokenManagementInfo is gone" {
		t.Errorf("diff %v", d)
	}
}

// A construct the model does not support fails with the file, the line
// and the construct, never with a silently wrong instance.
func TestUnsupportedConstructsAreNamed(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`<xs:complexType name="T"><xs:choice><xs:element name="a" type="xs:string"/></xs:choice></xs:complexType>`, `A/s.xsd: line 3: unsupported <xs:choice> in complexType "T"`},
		{`<xs:complexType name="T"><xs:sequence><xs:any/></xs:sequence></xs:complexType>`, `line 3: unsupported <xs:any> in a sequence`},
		{`<xs:complexType name="T"><xs:attribute name="id" type="xs:string" use="required"/></xs:complexType>`, `unsupported a required attribute "id"`},
		{`<xs:group name="G"/>`, `unsupported <xs:group> at the top of a schema`},
	} {
		xsdText := "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n" + tc.body + "\n</xs:schema>\n"
		fsys := fstest.MapFS{"A/s.xsd": {Data: []byte(xsdText)}}
		_, err := instance.Load(fsys, "A", &contract.Contract{Service: "A", WSDLFile: "A.wsdl", Schemas: []contract.SchemaFile{{File: "s.xsd"}}})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "A.wsdl") {
			t.Errorf("%s: %v; want it to name %q and A.wsdl", tc.body, err, tc.want)
		}
	}
}
