package validate

import (
	"encoding/xml"

	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/xsd"
)

// maxMessageNodes bounds the message built from a validated document.
const maxMessageNodes = 200_000

// message builds what a reader needs of a validated envelope, from the
// tree libxml2 already built: the header blocks and the Body's first
// element, so that nothing downstream parses the bytes again. nil when the
// parts are larger than maxMessageNodes.
func message(version string, header, first *xsd.Element) *soap.Message {
	var hs []*soap.Node
	if header != nil {
		t := header.Tree(maxMessageNodes)
		if t == nil {
			return nil
		}
		for _, k := range t.Kids {
			hs = append(hs, node(k))
		}
	}
	var body *soap.Node
	if first != nil {
		t := first.Tree(maxMessageNodes)
		if t == nil {
			return nil
		}
		body = node(t)
	}
	return soap.Assemble(version, hs, body)
}

func node(t *xsd.Node) *soap.Node {
	n := &soap.Node{Name: xml.Name{Space: t.Space, Local: t.Local}, Text: t.Text}
	if t.HasNil {
		n.Attr = []xml.Attr{{Name: xml.Name{Space: soap.NSXSI, Local: "nil"}, Value: t.Nil}}
	}
	if len(t.Kids) > 0 {
		n.Kids = make([]*soap.Node, len(t.Kids))
		for i, k := range t.Kids {
			n.Kids[i] = node(k)
		}
	}
	return n
}
