package validate

import (
	"fmt"
	"strings"

	"github.com/conform-dev/conform/internal/checks"
	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/xsd"
)

func qname(e *xsd.Element) contract.QName {
	return contract.QName{Namespace: e.Namespace(), Name: e.Local()}
}

// resolve fills the target's empty fields from the Body's element.
func (v *Validator) resolve(t Target, bodyEl *xsd.Element) (Target, *contract.Contract, *contract.Operation, string) {
	if t.Operation != "" {
		c := v.Contract(t.Service)
		op := c.Op(t.Operation)
		if t.Direction == "" {
			switch {
			case bodyEl != nil && qname(bodyEl) == op.Input.Body:
				t.Direction = contract.Request
			case bodyEl != nil && qname(bodyEl) == op.Output.Body:
				t.Direction = contract.Response
			default:
				return t, c, op, fmt.Sprintf("cannot tell whether this is the request or the response of %s.%s: its Body element is neither %s nor %s; name it with --dir", c.Service, op.Name, op.Input.Body.Name, op.Output.Body.Name)
			}
		}
		return t, c, op, ""
	}
	if bodyEl == nil {
		return t, nil, nil, "cannot tell which operation this message is for: its Body has no element; name it with --op Agent.Operation"
	}
	el := qname(bodyEl)
	for _, c := range v.contracts {
		if op, dir := c.ByBody(el); op != nil {
			if t.Direction != "" && t.Direction != dir {
				// The element is the other direction's: keep the asked
				// direction so the Body check names the mismatch.
				dir = t.Direction
			}
			return Target{Service: c.Service, Operation: op.Name, Direction: dir}, c, op, ""
		}
	}
	return t, nil, nil, fmt.Sprintf("cannot tell which operation this message is for: no operation of %s has the Body element %s; name it with --op Agent.Operation", v.serviceNames(), el)
}

func (v *Validator) serviceNames() string {
	var names []string
	for _, c := range v.contracts {
		names = append(names, c.Service)
	}
	switch {
	case len(names) == 1:
		return names[0]
	case len(names) > 8:
		return fmt.Sprintf("the %d loaded agents (`conform ops` lists their operations)", len(names))
	}
	return fmt.Sprintf("the %d agents (%s)", len(names), strings.Join(names, ", "))
}

// envelope is one message's walk: its parts, what the contract declares
// for them, and what the checks so far have said.
type envelope struct {
	v        *Validator
	r        *Result
	root     *xsd.Element
	envNS    string
	version  string // SOAP version of the Envelope's namespace
	header   *xsd.Element
	body     *xsd.Element
	stray    []*xsd.Element // Envelope children other than one Header and one Body
	bodyKids []*xsd.Element // the Body's elements
	first    *xsd.Element   // the Body's first element
	isFault  bool

	t        Target
	c        *contract.Contract
	op       *contract.Operation
	msg      contract.Message // the operation's message in this direction
	declared map[contract.QName]contract.Header
	seen     map[contract.QName]int // declared header blocks found
	set      *xsd.Schema            // the service's schema set (nil: none)

	// explained: paths a finding of ours already names, so that the
	// envelope schema's message about the same node is not a second report.
	// delegated: subtrees validated strictly against the service's schema
	// set (header blocks, the Body's element); the envelope schema's lax pass
	// sees them without those declarations and has nothing to say on them.
	explained map[string]bool
	delegated []string
}

// check runs every message check on a parsed document, in the order a
// reader meets them: encoding, root, the contract's operation, headers,
// Body, and the envelope's own schema.
func (v *Validator) check(doc *xsd.Doc, r *Result) {
	// (UTF-8 bytes declared UTF-16 never get here: libxml2 refuses them,
	// "Document labelled UTF-16 but has UTF-8 content"; UTF-16 bytes
	// declared otherwise are refused by soap.Decode.)
	if enc := strings.ToUpper(doc.Encoding()); enc != "" && enc != "UTF-8" && !soap.IsUTF16Name(enc) {
		r.add(checks.XMLEncoding, 1, "", "the message declares encoding %q; SOAP messages must be UTF-8 or UTF-16", doc.Encoding())
	}
	root := doc.Root()
	if root == nil {
		r.add(checks.XMLWellFormed, 1, "", "the document has no element")
		return
	}
	version := soap.Version(root.Namespace())
	if version == "" || root.Local() != "Envelope" {
		r.add(checks.EnvRoot, root.Line(), root.Path(), "the document element is %s, not a SOAP Envelope (%s or %s)", qname(root), soap.NS11, soap.NS12)
		return
	}
	e := &envelope{v: v, r: r, root: root, envNS: root.Namespace(), version: version, explained: map[string]bool{}, seen: map[contract.QName]int{}}
	e.parts()
	e.contract()
	e.strayChildren()
	e.headerBlocks()
	e.missingHeaders()
	e.bodyContent()
	if r.read {
		r.Message = message(version, e.header, e.first)
	}
	e.envelopeSchema(doc)
}

// parts finds the Header, the Body, its first element and stray children.
func (e *envelope) parts() {
	for _, ch := range e.root.Children() {
		switch {
		case ch.Namespace() == e.envNS && ch.Local() == "Header" && e.header == nil && e.body == nil:
			e.header = ch
		case ch.Namespace() == e.envNS && ch.Local() == "Body" && e.body == nil:
			e.body = ch
		default:
			e.stray = append(e.stray, ch)
		}
	}
	if e.body != nil {
		e.bodyKids = e.body.Children()
	}
	if len(e.bodyKids) > 0 {
		e.first = e.bodyKids[0]
	}
	e.isFault = e.first != nil && e.first.Namespace() == e.envNS && e.first.Local() == "Fault"
}

// contract resolves the operation and direction, and what its binding
// declares for them.
func (e *envelope) contract() {
	r := e.r
	var why string
	e.t, e.c, e.op, why = e.v.resolve(r.Target, e.first)
	r.Target = e.t
	if why != "" {
		line, path := e.root.Line(), e.root.Path()
		if e.first != nil {
			line, path = e.first.Line(), e.first.Path()
		}
		r.add(checks.OpUnknown, line, path, "%s", why)
	}
	if e.c != nil && e.c.SOAPVersion != e.version {
		r.add(checks.EnvVersion, e.root.Line(), e.root.Path(), "the Envelope is SOAP %s (%s) but binding %s declares SOAP %s (%s)", e.version, e.envNS, e.c.Binding, e.c.SOAPVersion, soap.Namespace(e.c.SOAPVersion))
	}
	e.declared = map[contract.QName]contract.Header{}
	if e.knows() {
		e.msg = e.op.Message(e.t.Direction)
		for _, h := range e.msg.Headers {
			e.declared[h.Element] = h
		}
	}
	set, err := e.v.set(e.t.Service)
	if err != nil {
		// A contract whose schemas do not compile cannot judge a message.
		r.add(checks.BodyValid, 1, "", "the %s schema set does not compile, so nothing of this message could be validated against it: %v", e.t.Service, err)
	}
	e.set = set
}

// knows: the operation and the direction are known.
func (e *envelope) knows() bool { return e.op != nil && e.t.Direction != "" }

// validateAs validates a subtree strictly against the service's schema set,
// its issues reported under the check id.
func (e *envelope) validateAs(id string, el *xsd.Element) {
	if e.set == nil {
		return
	}
	e.delegated = append(e.delegated, el.Path())
	issues, err := e.set.ValidateElement(el)
	if err != nil {
		e.r.add(id, el.Line(), el.Path(), "%s", err)
	}
	for _, is := range issues {
		path := is.Path
		if path == "" {
			path = el.Path()
		}
		e.r.add(id, is.Line, path, "%s", is.Message)
	}
}

// strayChildren: Envelope children besides one Header and one Body. A
// declared header block there is misplaced (and still validated).
func (e *envelope) strayChildren() {
	for _, s := range e.stray {
		e.explained[s.Path()] = true
		q := qname(s)
		if h, ok := e.declared[q]; ok {
			e.seen[q]++
			e.r.add(checks.HdrPlacement, s.Line(), s.Path(), "header block %s (part %s) is a child of Envelope; it belongs inside the Header element", q.Name, h.Part)
			e.validateAs(checks.HdrValid, s)
			continue
		}
		where := "before Body"
		if e.body != nil && s.Line() >= e.body.Line() {
			where = "after Body"
		}
		e.r.add(checks.EnvSchema, s.Line(), s.Path(), "the Envelope has the child element %s %s; an Envelope holds only an optional Header and then one Body", q, where)
	}
}

// headerBlocks: each block of the Header, declared (validated, once) or
// not (mustUnderstand or not).
func (e *envelope) headerBlocks() {
	if e.header == nil || !e.knows() {
		return
	}
	for _, hb := range e.header.Children() {
		q := qname(hb)
		if _, ok := e.declared[q]; ok {
			e.seen[q]++
			if e.seen[q] > 1 {
				e.r.add(checks.HdrDuplicate, hb.Line(), hb.Path(), "header block %s appears more than once", q.Name)
			}
			e.validateAs(checks.HdrValid, hb)
			continue
		}
		mu, _ := hb.Attr(e.envNS, "mustUnderstand")
		if mu == "1" || mu == "true" {
			e.r.add(checks.HdrMustUnderst, hb.Line(), hb.Path(), "header block %s is not declared by the binding for %s and is marked mustUnderstand=%q", q, e.t, mu)
		} else {
			e.r.add(checks.HdrUndeclared, hb.Line(), hb.Path(), "header block %s is not declared by the binding for %s", q, e.t)
		}
	}
}

// missingHeaders: declared blocks not found. A Fault is not the
// wsdl:output message: its headers are not owed.
func (e *envelope) missingHeaders() {
	if !e.knows() || e.isFault {
		return
	}
	line, path := e.root.Line(), e.root.Path()
	if e.header != nil {
		line, path = e.header.Line(), e.header.Path()
	}
	var names []string
	for _, h := range e.msg.Headers {
		names = append(names, h.Part)
	}
	for _, h := range e.msg.Headers {
		if e.seen[h.Element] == 0 {
			where := "there is no Header element"
			if e.header != nil {
				where = "the Header lacks it"
			}
			e.r.add(checks.HdrMissing, line, path, "declared header block %s is missing (%s); binding %s declares %s for %s", h.Element.Name, where, e.c.Binding, strings.Join(names, ", "), e.t)
		}
	}
}

// bodyContent: one Body, holding exactly the element the WSDL names (or,
// in a response, a Fault), valid against the schema.
func (e *envelope) bodyContent() {
	r := e.r
	if e.body == nil {
		e.explained[e.root.Path()] = true
		r.add(checks.BodyMissing, e.root.Line(), e.root.Path(), "the Envelope has no Body")
		return
	}
	first := e.first
	switch {
	case first == nil:
		want := ""
		if e.knows() {
			want = "; expected " + e.msg.Body.Name
		}
		r.add(checks.BodyOneChild, e.body.Line(), e.body.Path(), "the Body has no element%s", want)
	case e.isFault:
		if e.t.Direction == contract.Response || (e.op == nil && e.t.Direction == "") {
			r.add(checks.BodyFault, first.Line(), first.Path(), "the response is a SOAP Fault")
		} else {
			r.add(checks.BodyElement, first.Line(), first.Path(), "a request Body holds a SOAP Fault; expected %s", e.msg.Body.Name)
		}
	case e.knows() && qname(first) != e.msg.Body:
		r.add(checks.BodyElement, first.Line(), first.Path(), "the Body's element is %s; the WSDL names %s for %s", qname(first), e.msg.Body, e.t)
	case e.knows():
		e.validateAs(checks.BodyValid, first)
	}
	for _, extra := range e.bodyKids[min(1, len(e.bodyKids)):] {
		// Past the check's listed most, an element is counted without its
		// path being built (a Body of 499,000 elements).
		if !r.full(checks.BodyOneChild) {
			r.add(checks.BodyOneChild, extra.Line(), extra.Path(), "the Body has a further element %s; document/literal allows exactly one", qname(extra))
		}
	}
}

// envelopeSchema validates the envelope itself against the official schema
// of its version. Its Header and Body content is lax; the declared parts
// were checked above, and what a finding already names is not said twice.
func (e *envelope) envelopeSchema(doc *xsd.Doc) {
	issues, err := e.v.envelope.ValidateDoc(doc)
	if err != nil {
		e.r.add(checks.EnvSchema, e.root.Line(), e.root.Path(), "%s", err)
	}
	for _, is := range issues {
		if e.explained[is.Path] || within(is.Path, e.delegated) || faultstringLang(is) {
			continue
		}
		e.r.add(checks.EnvSchema, is.Line, is.Path, "%s", is.Message)
	}
}

// within reports whether path is one of roots or inside one of them.
func within(path string, roots []string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, r+"/") {
			return true
		}
	}
	return false
}

// faultstringLang recognizes the official SOAP 1.1 schema's complaint about
// xml:lang on faultstring, which WS-I Basic Profile 1.1 R1016 allows (and
// WCF sends): reporting it would fail conformant servers.
func faultstringLang(is xsd.Issue) bool {
	return strings.HasSuffix(is.Path, "/faultstring") &&
		strings.Contains(is.Message, "'{http://www.w3.org/XML/1998/namespace}lang' is not allowed")
}
