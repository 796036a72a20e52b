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

// Scope tells what a check looks at: one message (the validator), or an
// exchange and the case's expectations (the suite).
func (c Check) Scope() string {
	if _, ok := exchangeChecks[c.ID]; ok {
		return "exchange"
	}
	return "message"
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

	ReqValid        = "REQ-VALID"
	HTTPTransport   = "HTTP-TRANSPORT"
	HTTPStatus      = "HTTP-STATUS"
	HTTPContentType = "HTTP-CONTENT-TYPE"
	ExpOutcome      = "EXP-OUTCOME"
	ExpValue        = "EXP-VALUE"
)

var exchangeChecks = map[string]bool{ReqValid: true, HTTPTransport: true, HTTPStatus: true, HTTPContentType: true, ExpOutcome: true, ExpValue: true}

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

	{ReqValid, Must, "The request conform sends is itself valid against the contract, checked before it is sent.", "the WSDL; conform (a failure here is an error in the case, not in the endpoint)"},
	{HTTPTransport, Must, "The endpoint answers the HTTP request within the timeout.", "conform: infrastructure (a failure here is reported as an error, not a contract failure)"},
	{HTTPStatus, Must, "A response has HTTP status 200, and a SOAP Fault has status 500.", "SOAP 1.1 §6.2; WS-I Basic Profile 1.1 R1124, R1126"},
	{HTTPContentType, Must, "The response's Content-Type is the SOAP version's media type (text/xml for SOAP 1.1) with charset utf-8 or utf-16.", "SOAP 1.1 §6.1.1; WS-I Basic Profile 1.1 R1018"},
	{ExpOutcome, Must, "The call succeeds or fails as the case expects: Succeeded header and ExceptionInfo, or a SOAP Fault.", "the case catalog (fixtures/cases); SuperOffice NetServer documentation"},
	{ExpValue, Must, "The response holds the values the case expects at its element paths (equality, pattern, or an earlier step's value).", "the case catalog (fixtures/cases); SuperOffice NetServer documentation"},
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
