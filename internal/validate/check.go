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
	envNS := root.Namespace()

	var header, body *xsd.Element
	var stray []*xsd.Element
	for _, ch := range root.Children() {
		switch {
		case ch.Namespace() == envNS && ch.Local() == "Header" && header == nil && body == nil:
			header = ch
		case ch.Namespace() == envNS && ch.Local() == "Body" && body == nil:
			body = ch
		default:
			stray = append(stray, ch)
		}
	}
	var bodyChildren []*xsd.Element
	if body != nil {
		bodyChildren = body.Children()
	}
	var first *xsd.Element
	if len(bodyChildren) > 0 {
		first = bodyChildren[0]
	}
	isFault := first != nil && first.Namespace() == envNS && first.Local() == "Fault"

	t, c, op, why := v.resolve(r.Target, first)
	r.Target = t
	if why != "" {
		line, path := root.Line(), root.Path()
		if first != nil {
			line, path = first.Line(), first.Path()
		}
		r.add(checks.OpUnknown, line, path, "%s", why)
	}

	// explained: paths a finding of ours already names, so that the
	// envelope schema's message about the same node is not a second report.
	// delegated: subtrees validated strictly against the service's schema
	// set (header blocks, the Body's element); the envelope schema's lax pass
	// sees them without those declarations and has nothing to say on them.
	explained := map[string]bool{}
	var delegated []string

	if c != nil && c.SOAPVersion != version {
		r.add(checks.EnvVersion, root.Line(), root.Path(), "the Envelope is SOAP %s (%s) but binding %s declares SOAP %s (%s)", version, envNS, c.Binding, c.SOAPVersion, soap.Namespace(c.SOAPVersion))
	}

	var msg contract.Message
	declared := map[contract.QName]contract.Header{}
	if op != nil && t.Direction != "" {
		msg = op.Message(t.Direction)
		for _, h := range msg.Headers {
			declared[h.Element] = h
		}
	}
	set, err := v.set(t.Service)
	if err != nil {
		// A contract whose schemas do not compile cannot judge a message.
		r.add(checks.BodyValid, 1, "", "the %s schema set does not compile, so nothing of this message could be validated against it: %v", t.Service, err)
	}
	seen := map[contract.QName]int{}

	validateAs := func(id string, e *xsd.Element) {
		if set == nil {
			return
		}
		delegated = append(delegated, e.Path())
		issues, err := set.ValidateElement(e)
		if err != nil {
			r.add(id, e.Line(), e.Path(), "%s", err)
		}
		for _, is := range issues {
			path := is.Path
			if path == "" {
				path = e.Path()
			}
			r.add(id, is.Line, path, "%s", is.Message)
		}
	}

	for _, s := range stray {
		explained[s.Path()] = true
		q := qname(s)
		if h, ok := declared[q]; ok {
			seen[q]++
			r.add(checks.HdrPlacement, s.Line(), s.Path(), "header block %s (part %s) is a child of Envelope; it belongs inside the Header element", q.Name, h.Part)
			validateAs(checks.HdrValid, s)
			continue
		}
		where := "before Body"
		if body != nil && s.Line() >= body.Line() {
			where = "after Body"
		}
		r.add(checks.EnvSchema, s.Line(), s.Path(), "the Envelope has the child element %s %s; an Envelope holds only an optional Header and then one Body", q, where)
	}

	if header != nil && op != nil && t.Direction != "" {
		for _, hb := range header.Children() {
			q := qname(hb)
			if _, ok := declared[q]; ok {
				seen[q]++
				if seen[q] > 1 {
					r.add(checks.HdrDuplicate, hb.Line(), hb.Path(), "header block %s appears more than once", q.Name)
				}
				validateAs(checks.HdrValid, hb)
				continue
			}
			mu, _ := hb.Attr(envNS, "mustUnderstand")
			if mu == "1" || mu == "true" {
				r.add(checks.HdrMustUnderst, hb.Line(), hb.Path(), "header block %s is not declared by the binding for %s and is marked mustUnderstand=%q", q, t, mu)
			} else {
				r.add(checks.HdrUndeclared, hb.Line(), hb.Path(), "header block %s is not declared by the binding for %s", q, t)
			}
		}
	}
	// A Fault is not the wsdl:output message: its headers are not owed.
	if op != nil && t.Direction != "" && !isFault {
		line, path := root.Line(), root.Path()
		if header != nil {
			line, path = header.Line(), header.Path()
		}
		var names []string
		for _, h := range msg.Headers {
			names = append(names, h.Part)
		}
		for _, h := range msg.Headers {
			if seen[h.Element] == 0 {
				where := "there is no Header element"
				if header != nil {
					where = "the Header lacks it"
				}
				r.add(checks.HdrMissing, line, path, "declared header block %s is missing (%s); binding %s declares %s for %s", h.Element.Name, where, c.Binding, strings.Join(names, ", "), t)
			}
		}
	}

	if body == nil {
		explained[root.Path()] = true
		r.add(checks.BodyMissing, root.Line(), root.Path(), "the Envelope has no Body")
	} else {
		switch {
		case first == nil:
			want := ""
			if op != nil && t.Direction != "" {
				want = "; expected " + msg.Body.Name
			}
			r.add(checks.BodyOneChild, body.Line(), body.Path(), "the Body has no element%s", want)
		case isFault:
			if t.Direction == contract.Response || (op == nil && t.Direction == "") {
				r.add(checks.BodyFault, first.Line(), first.Path(), "the response is a SOAP Fault")
			} else {
				r.add(checks.BodyElement, first.Line(), first.Path(), "a request Body holds a SOAP Fault; expected %s", msg.Body.Name)
			}
		case op != nil && t.Direction != "" && qname(first) != msg.Body:
			r.add(checks.BodyElement, first.Line(), first.Path(), "the Body's element is %s; the WSDL names %s for %s", qname(first), msg.Body, t)
		case op != nil && t.Direction != "":
			validateAs(checks.BodyValid, first)
		}
		for _, extra := range bodyChildren[min(1, len(bodyChildren)):] {
			if r.room(checks.BodyOneChild) {
				r.counts[checks.BodyOneChild]-- // add counts it again
				r.add(checks.BodyOneChild, extra.Line(), extra.Path(), "the Body has a further element %s; document/literal allows exactly one", qname(extra))
			}
		}
	}

	if r.read {
		r.Message = message(version, header, first)
	}

	// The envelope itself, against the official schema of its version. Its
	// Header and Body content is lax; the declared parts were checked above.
	issues, err := v.envelope.ValidateDoc(doc)
	if err != nil {
		r.add(checks.EnvSchema, root.Line(), root.Path(), "%s", err)
	}
	for _, is := range issues {
		if explained[is.Path] || within(is.Path, delegated) || faultstringLang(is) {
			continue
		}
		r.add(checks.EnvSchema, is.Line, is.Path, "%s", is.Message)
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
