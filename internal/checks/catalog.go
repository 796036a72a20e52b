// Package checks is conform's one catalog of checks: every check the
// validator and the suite can make, each with a stable ID, a one-sentence
// description, a severity and its normative source. Test names in JUnit and
// every finding come from here; IDs never change meaning once released.
package checks

import "fmt"

// Severity of a check: MUST fails a run, SHOULD warns, INFO only informs.
type Severity string

// Severities.
const (
	Must   Severity = "MUST"
	Should Severity = "SHOULD"
	Info   Severity = "INFO"
)

// Check is one entry of the catalog.
type Check struct {
	ID          string
	Severity    Severity
	Description string
	Source      string
}

// IDs of the checks, for use in code.
const (
	XMLSize        = "XML-SIZE"
	XMLEmpty       = "XML-EMPTY"
	XMLWellFormed  = "XML-WELLFORMED"
	XMLNoDTD       = "XML-NO-DTD"
	XMLEncoding    = "XML-ENCODING"
	EnvRoot        = "ENV-ROOT"
	EnvVersion     = "ENV-VERSION"
	EnvSchema      = "ENV-SCHEMA"
	HdrPlacement   = "HDR-PLACEMENT"
	HdrMissing     = "HDR-MISSING"
	HdrDuplicate   = "HDR-DUPLICATE"
	HdrValid       = "HDR-VALID"
	HdrUndeclared  = "HDR-UNDECLARED"
	HdrMustUnderst = "HDR-MUSTUNDERSTAND"
	BodyMissing    = "BODY-MISSING"
	BodyOneChild   = "BODY-ONE-CHILD"
	BodyElement    = "BODY-ELEMENT"
	BodyValid      = "BODY-VALID"
	BodyFault      = "BODY-FAULT"
	OpUnknown      = "OP-UNKNOWN"
)

// Catalog lists every check, in the order reports show them.
var Catalog = []Check{
	{XMLSize, Must, "The message is no larger than the configured size limit (default 10 MiB).", "conform: resource limit for untrusted input"},
	{XMLEmpty, Must, "The message is not empty.", "SOAP 1.1 §4 (a SOAP message is an XML document)"},
	{XMLWellFormed, Must, "The message is a well-formed XML document.", "SOAP 1.1 §4; XML 1.0 §2.1"},
	{XMLNoDTD, Must, "The message contains no Document Type Declaration.", "SOAP 1.1 §3; WS-I Basic Profile 1.1 R1008"},
	{XMLEncoding, Must, "The message is serialized as UTF-8 or UTF-16.", "WS-I Basic Profile 1.1 R1012"},
	{EnvRoot, Must, "The document element is a SOAP Envelope.", "SOAP 1.1 §4.1.1"},
	{EnvVersion, Must, "The Envelope's namespace is that of the SOAP version the WSDL binding declares.", "the WSDL (soap:binding); SOAP 1.1 §4.4.2 VersionMismatch"},
	{EnvSchema, Must, "The Envelope, Header, Body and Fault structure is valid against the official SOAP envelope schema.", "SOAP 1.1 §4 (envelope schema); SOAP 1.2 Part 1 §5"},
	{HdrPlacement, Must, "Header blocks are immediate children of the SOAP Header element, not of the Envelope.", "SOAP 1.1 §4.2; SOAP 1.1 §4.1.1"},
	{HdrMissing, Must, "Every header block the WSDL binding declares for the message is present.", "WS-I Basic Profile 1.1 R2738; the WSDL (soap:header)"},
	{HdrDuplicate, Must, "Each declared header block appears at most once.", "the WSDL (soap:header part, one element)"},
	{HdrValid, Must, "Each declared header block is valid against its schema declaration.", "the WSDL (types); WS-I Basic Profile 1.1 R2712"},
	{HdrUndeclared, Should, "The message carries no header block that the WSDL binding does not declare.", "the WSDL (soap:header); WS-I Basic Profile 1.1 R2738"},
	{HdrMustUnderst, Must, "No undeclared header block is marked mustUnderstand=\"1\".", "SOAP 1.1 §4.2.3; WS-I Basic Profile 1.1 R1025"},
	{BodyMissing, Must, "The Envelope has a Body.", "SOAP 1.1 §4.1.1"},
	{BodyOneChild, Must, "The Body has exactly one child element (document/literal).", "WS-I Basic Profile 1.1 R2201, R2712"},
	{BodyElement, Must, "The Body's child is the element the WSDL names for the operation and direction.", "the WSDL (wsdl:message part element); WS-I Basic Profile 1.1 R2712"},
	{BodyValid, Must, "The Body's child is valid against its schema declaration.", "the WSDL (types); WS-I Basic Profile 1.1 R2712"},
	{BodyFault, Info, "The response is a SOAP Fault (allowed; the operation's result is an error).", "SOAP 1.1 §4.4"},
	{OpUnknown, Must, "The message's operation can be determined from its Body element.", "the WSDL (wsdl:binding)"},
}

var byID = func() map[string]Check {
	m := make(map[string]Check, len(Catalog))
	for _, c := range Catalog {
		if _, dup := m[c.ID]; dup {
			panic(fmt.Sprintf("checks: duplicate ID %s", c.ID))
		}
		m[c.ID] = c
	}
	return m
}()

// Get returns the check with the given ID; it panics on an unknown ID,
// which is a programming error caught by the tests.
func Get(id string) Check {
	c, ok := byID[id]
	if !ok {
		panic(fmt.Sprintf("checks: unknown check ID %q", id))
	}
	return c
}

// Lookup returns the check with the given ID.
func Lookup(id string) (Check, bool) {
	c, ok := byID[id]
	return c, ok
}
