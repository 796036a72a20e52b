package contract

import (
	"fmt"
	"strings"
)

// Diff lists how contract b differs from a: binding, SOAP version, and per
// operation its soapAction, body and header elements. The service address
// and the WSDL's bytes are not compared.
func Diff(a, b *Contract) []string {
	var out []string
	if a.Service != b.Service {
		out = append(out, fmt.Sprintf("service %s, not %s", b.Service, a.Service))
	}
	if a.Binding != b.Binding {
		out = append(out, fmt.Sprintf("binding %s, not %s", b.Binding, a.Binding))
	}
	if a.SOAPVersion != b.SOAPVersion {
		out = append(out, fmt.Sprintf("SOAP %s, not %s", b.SOAPVersion, a.SOAPVersion))
	}
	for _, op := range a.Operations {
		other := b.Op(op.Name)
		if other == nil {
			out = append(out, "operation "+op.Name+" is gone")
			continue
		}
		if op.SOAPAction != other.SOAPAction {
			out = append(out, fmt.Sprintf("%s: soapAction %q, not %q", op.Name, other.SOAPAction, op.SOAPAction))
		}
		for _, d := range []struct {
			dir  string
			x, y Message
		}{{"input", op.Input, other.Input}, {"output", op.Output, other.Output}} {
			if d.x.Body != d.y.Body {
				out = append(out, fmt.Sprintf("%s %s: body %s, not %s", op.Name, d.dir, d.y.Body, d.x.Body))
			}
			if hx, hy := headerList(d.x.Headers), headerList(d.y.Headers); hx != hy {
				out = append(out, fmt.Sprintf("%s %s: headers %s, not %s", op.Name, d.dir, hy, hx))
			}
		}
	}
	for _, op := range b.Operations {
		if a.Op(op.Name) == nil {
			out = append(out, "operation "+op.Name+" is new")
		}
	}
	return out
}

func headerList(hs []Header) string {
	var s []string
	for _, h := range hs {
		s = append(s, h.Element.String())
	}
	return "[" + strings.Join(s, " ") + "]"
}
