package instance_test

import (
	"testing"

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
				data, err := m.Element(el)
				if err != nil {
					t.Errorf("%s.%s: %v", c.Service, op.Name, err)
					continue
				}
				total++
				pr := xsd.Parse(data)
				if pr.Doc == nil {
					t.Errorf("%s.%s %s: not well-formed: %+v\n%s", c.Service, op.Name, el.Name, pr.Issues, data)
					continue
				}
				issues, err := v.Schema(c.Service).ValidateElement(pr.Doc.Root())
				pr.Doc.Free()
				if err != nil || len(issues) > 0 {
					t.Errorf("%s.%s %s: %v %v\n%s", c.Service, op.Name, el.Name, err, issues, data)
				}
			}
		}
	}
	if total != 2*(97+5) {
		t.Errorf("checked %d elements, want %d", total, 2*(97+5))
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
