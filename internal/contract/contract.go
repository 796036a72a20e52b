// Package contract owns the WSDL model conform tests against: per service
// its binding, SOAP version and operations (soapAction, body and header
// elements of input and output), and the extraction of the WSDL's inline
// schemas into standalone XSD files with a contract manifest.
package contract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/conform-dev/conform/internal/xmltree"
	"io"
	"io/fs"
	"strings"
)

// Namespaces conform reads in a WSDL.
const (
	NSWSDL   = "http://schemas.xmlsoap.org/wsdl/"
	NSSOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
	NSSOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
	NSXSD    = "http://www.w3.org/2001/XMLSchema"
)

// QName is a namespaced XML name.
type QName struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

func (q QName) String() string { return "{" + q.Namespace + "}" + q.Name }

// Header is a header block the binding declares for a message.
type Header struct {
	Part    string `json:"part"`
	Element QName  `json:"element"`
}

// Message is one direction of an operation as the binding sends it.
type Message struct {
	Body    QName    `json:"body"`
	Headers []Header `json:"headers"`
}

// Operation is one operation of the binding.
type Operation struct {
	Name       string  `json:"name"`
	SOAPAction string  `json:"soapAction"`
	Input      Message `json:"input"`
	Output     Message `json:"output"`
}

// SchemaFile is one extracted XSD: the namespace it defines and its file.
type SchemaFile struct {
	Namespace string `json:"namespace"`
	File      string `json:"file"`
}

// Contract is one WSDL service binding, as conform tests it.
type Contract struct {
	// Service is the agent name (the portType's name: "User", "SoPrincipal").
	Service         string       `json:"service"`
	Binding         string       `json:"binding"`
	SOAPVersion     string       `json:"soapVersion"` // "1.1" or "1.2"
	TargetNamespace string       `json:"targetNamespace"`
	Address         string       `json:"address,omitempty"`
	WSDLSHA256      string       `json:"wsdlSha256"`
	WSDLFile        string       `json:"wsdlFile"`
	SchemaWrapper   string       `json:"schemaWrapper"`
	Schemas         []SchemaFile `json:"schemas"`
	Operations      []Operation  `json:"operations"`
}

// Direction of a message.
type Direction string

// Directions.
const (
	Request  Direction = "request"
	Response Direction = "response"
)

// Message returns the operation's message in direction d.
func (o *Operation) Message(d Direction) Message {
	if d == Response {
		return o.Output
	}
	return o.Input
}

// Op finds an operation by name.
func (c *Contract) Op(name string) *Operation {
	for i := range c.Operations {
		if c.Operations[i].Name == name {
			return &c.Operations[i]
		}
	}
	return nil
}

// ByBody finds the first operation whose input or output body is el, and
// the direction it was found in.
func (c *Contract) ByBody(el QName) (*Operation, Direction) {
	for i := range c.Operations {
		o := &c.Operations[i]
		if o.Input.Body == el {
			return o, Request
		}
		if o.Output.Body == el {
			return o, Response
		}
	}
	return nil, ""
}

// ByAction finds the operation with the given soapAction.
func (c *Contract) ByAction(action string) *Operation {
	for i := range c.Operations {
		if c.Operations[i].SOAPAction == action {
			return &c.Operations[i]
		}
	}
	return nil
}

// ManifestFile is the name of the contract manifest in a service folder.
const ManifestFile = "contract.json"

// Load reads a service's contract manifest from dir in fsys.
func Load(fsys fs.FS, dir string) (*Contract, error) {
	data, err := fs.ReadFile(fsys, dir+"/"+ManifestFile)
	if err != nil {
		return nil, fmt.Errorf("contract %s: %w (regenerate with `conform schemas extract`)", dir, err)
	}
	var c Contract
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("contract %s/%s: %w", dir, ManifestFile, err)
	}
	if c.Service == "" || len(c.Operations) == 0 {
		return nil, fmt.Errorf("contract %s/%s: no service or no operations", dir, ManifestFile)
	}
	return &c, nil
}

// FromWSDL reads the contract of the (first) SOAP binding in a WSDL.
// source names the WSDL in errors.
func FromWSDL(source string, data []byte) (*Contract, error) {
	c, _, err := parse(source, data)
	return c, err
}

func parse(source string, data []byte) (*Contract, *xmltree.Node, error) {
	// The root first, from a stream: what is not a WSDL (an install that
	// answers ?singleWsdl with a SOAP message, or anything else) is refused
	// before a tree of it is built.
	notWSDL := func(name xml.Name) bool { return name.Space != NSWSDL || name.Local != "definitions" }
	if name, line, ok := rootOf(data); ok && notWSDL(name) {
		return nil, nil, rootErr(source, name, line)
	}
	root, err := xmltree.Parse(source, data)
	if err != nil {
		return nil, nil, err
	}
	// (When the stream could not tell: a DOCTYPE, an undeclared prefix.)
	if notWSDL(root.Name) {
		return nil, nil, rootErr(source, root.Name, root.Line)
	}
	if imp := root.Child(NSWSDL, "import"); imp != nil {
		return nil, nil, srcErr(source, imp.Line, "wsdl:import is not supported: give conform the single-file WSDL (…/Agent.svc?singleWsdl)")
	}
	sum := sha256.Sum256(data)
	c := &Contract{
		TargetNamespace: root.Attr("targetNamespace"),
		WSDLSHA256:      hex.EncodeToString(sum[:]),
	}
	tns := c.TargetNamespace

	d := &wsdlDoc{source: source, tns: tns}
	if err := d.readMessages(root); err != nil {
		return nil, nil, err
	}

	// PortType operations: name → input/output message parts.
	type ptOp struct{ in, out *xmltree.Node }
	portTypes := map[string]map[string]ptOp{}
	for _, pt := range root.ChildrenNamed(NSWSDL, "portType") {
		ops := map[string]ptOp{}
		for _, o := range pt.ChildrenNamed(NSWSDL, "operation") {
			ops[o.Attr("name")] = ptOp{o.Child(NSWSDL, "input"), o.Child(NSWSDL, "output")}
		}
		portTypes[pt.Attr("name")] = ops
	}

	var binding *xmltree.Node
	for _, b := range root.ChildrenNamed(NSWSDL, "binding") {
		if b.Child(NSSOAP11, "binding") != nil || b.Child(NSSOAP12, "binding") != nil {
			binding = b
			break
		}
	}
	if binding == nil {
		return nil, nil, srcErr(source, root.Line, "no SOAP binding (soap:binding or soap12:binding) found")
	}
	c.Binding = binding.Attr("name")
	soapNS := NSSOAP11
	c.SOAPVersion = "1.1"
	if binding.Child(NSSOAP11, "binding") == nil {
		soapNS = NSSOAP12
		c.SOAPVersion = "1.2"
	}
	sb := binding.Child(soapNS, "binding")
	if style := sb.Attr("style"); style != "" && style != "document" {
		return nil, nil, srcErr(source, sb.Line, fmt.Sprintf("binding style %q is not supported: conform tests document/literal bindings", style))
	}
	ptName, err := resolve(binding, binding.Attr("type"))
	if err != nil {
		return nil, nil, srcErr(source, binding.Line, err.Error())
	}
	c.Service = ptName.Name
	ptOps, ok := portTypes[ptName.Name]
	if !ok {
		return nil, nil, srcErr(source, binding.Line, fmt.Sprintf("binding type %s names no portType", binding.Attr("type")))
	}

	for _, bo := range binding.ChildrenNamed(NSWSDL, "operation") {
		name := bo.Attr("name")
		op := Operation{Name: name}
		if so := bo.Child(soapNS, "operation"); so != nil {
			op.SOAPAction = so.Attr("soapAction")
			if st := so.Attr("style"); st != "" && st != "document" {
				return nil, nil, srcErr(source, so.Line, fmt.Sprintf("operation %s has style %q: conform tests document/literal only", name, st))
			}
		}
		pto, ok := ptOps[name]
		if !ok || pto.in == nil || pto.out == nil {
			return nil, nil, srcErr(source, bo.Line, fmt.Sprintf("operation %s is not a request-response operation of portType %s", name, ptName.Name))
		}
		var err error
		if op.Input, err = d.message(name, pto.in, bo.Child(NSWSDL, "input"), bo, soapNS); err != nil {
			return nil, nil, err
		}
		if op.Output, err = d.message(name, pto.out, bo.Child(NSWSDL, "output"), bo, soapNS); err != nil {
			return nil, nil, err
		}
		c.Operations = append(c.Operations, op)
	}
	for _, svc := range root.ChildrenNamed(NSWSDL, "service") {
		for _, port := range svc.ChildrenNamed(NSWSDL, "port") {
			if b, err := resolve(port, port.Attr("binding")); err == nil && b.Name == c.Binding {
				if a := port.Child(soapNS, "address"); a != nil {
					c.Address = a.Attr("location")
				}
			}
		}
	}
	return c, root, nil
}

// SourceError is a problem in a WSDL, with its place.
type SourceError = xmltree.SourceError

func srcErr(source string, line int, msg string) error {
	return &SourceError{Source: source, Line: line, Msg: msg}
}

// resolve turns a QName value into a QName by n's prefixes.
func resolve(n *xmltree.Node, v string) (QName, error) {
	ns, local, err := n.Resolve(v)
	return QName{Namespace: ns, Name: local}, err
}

// rootErr refuses a document whose root is not wsdl:definitions.
func rootErr(source string, name xml.Name, line int) error {
	return srcErr(source, line, fmt.Sprintf("root element is {%s}%s, not a WSDL 1.1 wsdl:definitions", name.Space, name.Local))
}

// wsdlDoc is what parse knows of a WSDL besides its tree: its source (for
// errors), target namespace and messages.
type wsdlDoc struct {
	source   string
	tns      string
	messages map[string][]part // message name → its parts
}

// part is a message part: its name, element and line.
type part struct {
	name string
	el   QName
	line int
}

// readMessages reads every wsdl:message; each part must name an element
// (document/literal).
func (d *wsdlDoc) readMessages(root *xmltree.Node) error {
	d.messages = map[string][]part{}
	for _, m := range root.ChildrenNamed(NSWSDL, "message") {
		var parts []part
		for _, p := range m.ChildrenNamed(NSWSDL, "part") {
			if p.Attr("element") == "" {
				return srcErr(d.source, p.Line, fmt.Sprintf("message %s part %s has no element attribute: conform supports document/literal only", m.Attr("name"), p.Attr("name")))
			}
			q, err := resolve(p, p.Attr("element"))
			if err != nil {
				return srcErr(d.source, p.Line, err.Error())
			}
			parts = append(parts, part{p.Attr("name"), q, p.Line})
		}
		d.messages[m.Attr("name")] = parts
	}
	return nil
}

// lookupMsg finds the message a node refers to, in the target namespace.
func (d *wsdlDoc) lookupMsg(n *xmltree.Node, ref string) ([]part, error) {
	q, err := resolve(n, ref)
	if err != nil {
		return nil, srcErr(d.source, n.Line, err.Error())
	}
	if q.Namespace != d.tns {
		return nil, srcErr(d.source, n.Line, fmt.Sprintf("message %s is outside the WSDL's target namespace", ref))
	}
	parts, ok := d.messages[q.Name]
	if !ok {
		return nil, srcErr(d.source, n.Line, fmt.Sprintf("message %s is not defined", ref))
	}
	return parts, nil
}

// message is one direction of a bound operation: pt the portType's input
// or output, bn the binding's (nil when missing), op the binding operation.
// Its body is exactly one literal part (WS-I BP R2201); its headers are the
// soap:header parts.
func (d *wsdlDoc) message(name string, pt, bn, op *xmltree.Node, soapNS string) (Message, error) {
	var msg Message
	parts, err := d.lookupMsg(pt, pt.Attr("message"))
	if err != nil {
		return msg, err
	}
	if bn == nil {
		return msg, srcErr(d.source, op.Line, fmt.Sprintf("operation %s lacks an input or output in the binding", name))
	}
	body := bn.Child(soapNS, "body")
	if body == nil {
		return msg, srcErr(d.source, bn.Line, fmt.Sprintf("operation %s: no soap:body", name))
	}
	if use := body.Attr("use"); use != "" && use != "literal" {
		return msg, srcErr(d.source, body.Line, fmt.Sprintf("operation %s: use=%q; conform supports literal only", name, use))
	}
	bodyParts := parts
	if ps := body.Attr("parts"); ps != "" {
		bodyParts = nil
		for _, want := range strings.Fields(ps) {
			for _, p := range parts {
				if p.name == want {
					bodyParts = append(bodyParts, p)
				}
			}
		}
	}
	if len(bodyParts) != 1 {
		return msg, srcErr(d.source, body.Line, fmt.Sprintf("operation %s: the body has %d parts; document/literal needs exactly one (WS-I BP R2201)", name, len(bodyParts)))
	}
	msg.Body = bodyParts[0].el
	msg.Headers = []Header{}
	for _, h := range bn.ChildrenNamed(soapNS, "header") {
		hparts, err := d.lookupMsg(h, h.Attr("message"))
		if err != nil {
			return msg, err
		}
		found := false
		for _, p := range hparts {
			if p.name == h.Attr("part") {
				msg.Headers = append(msg.Headers, Header{Part: p.name, Element: p.el})
				found = true
			}
		}
		if !found {
			return msg, srcErr(d.source, h.Line, fmt.Sprintf("operation %s: header part %s is not in message %s", name, h.Attr("part"), h.Attr("message")))
		}
	}
	return msg, nil
}

// rootOf reads the name and line of a document's root element without
// building a tree; ok is false when it cannot tell (a DOCTYPE, an error:
// the full parse says what is wrong).
func rootOf(data []byte) (xml.Name, int, bool) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = func(string, io.Reader) (io.Reader, error) { return nil, errors.New("not UTF-8") }
	for {
		off := dec.InputOffset()
		tok, err := dec.RawToken()
		if err != nil {
			return xml.Name{}, 0, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name
			// RawToken leaves prefixes unresolved: resolve the root's own.
			space := ""
			for _, a := range t.Attr {
				if (name.Space == "" && a.Name.Space == "" && a.Name.Local == "xmlns") || (a.Name.Space == "xmlns" && a.Name.Local == name.Space) {
					space = a.Value
				}
			}
			if name.Space != "" && space == "" {
				return xml.Name{}, 0, false // a prefix declared nowhere: the full parse says so
			}
			return xml.Name{Space: space, Local: name.Local}, 1 + bytes.Count(data[:off], []byte("\n")), true
		case xml.Directive:
			return xml.Name{}, 0, false
		}
	}
}
