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

// Scopes: what a check looks at.
const (
	ScopeMessage  = "message"  // one message, by itself (the validator)
	ScopeExchange = "exchange" // an HTTP exchange and the case's expectations (the engine)
)

// Allowance is something a check lets through on purpose, with the rule
// that allows it: the reason conform does not fail a conformant peer there.
type Allowance struct {
	What string // what is let through
	Rule string // the normative text (or fact about real stacks) that allows it
}

// Check is one entry of the catalog.
type Check struct {
	ID          string
	Severity    Severity
	Scope       string
	Since       string // the conform version that introduced the check (or its current severity)
	Description string
	Source      string // the rule that makes it a MUST, SHOULD or INFO
	Allowances  []Allowance
}

// IDs of the checks, for use in code.
const (
	XMLSize        = "XML-SIZE"
	XMLEmpty       = "XML-EMPTY"
	XMLLimits      = "XML-LIMITS"
	XMLWellFormed  = "XML-WELLFORMED"
	XMLNoDTD       = "XML-NO-DTD"
	XMLNoPI        = "XML-NO-PI"
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
	RunTier         = "RUN-TIER"
	HTTPStatus      = "HTTP-STATUS"
	HTTPContentType = "HTTP-CONTENT-TYPE"
	ExpOutcome      = "EXP-OUTCOME"
	ExpValue        = "EXP-VALUE"
)

// Catalog lists every check, in the order reports show them. Strictness
// lives here and nowhere else: the validator, the engine and the reports
// read severities and allowances from this list, and docs/checks.md is
// generated from it (go test ./internal/checks -update).
var Catalog = []Check{
	{ID: XMLSize, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The message is no larger than the configured size limit (default 10 MiB).",
		Source:      "conform: resource limit for untrusted input"},
	{ID: XMLLimits, Severity: Must, Scope: ScopeMessage, Since: "0.2.0",
		Description: "The message stays within conform's structural limits: nesting depth (256), elements and comments (500,000), comments (50,000), attributes on one element (256).",
		Source:      "conform: resource limits for untrusted input (time and memory stay linear in the message's size)"},
	{ID: XMLEmpty, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The message is not empty.",
		Source:      "SOAP 1.1 §4 (a SOAP message is an XML document)"},
	{ID: XMLWellFormed, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The message is a well-formed XML document.",
		Source:      "SOAP 1.1 §4; XML 1.0 §2.1"},
	{ID: XMLNoDTD, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The message contains no Document Type Declaration.",
		Source:      "SOAP 1.1 §3; WS-I Basic Profile 1.1 R1008"},
	{ID: XMLNoPI, Severity: Must, Scope: ScopeMessage, Since: "0.2.0",
		Description: "The message contains no processing instruction (the XML declaration is none).",
		Source:      "SOAP 1.1 §3; WS-I Basic Profile 1.1 R1009"},
	{ID: XMLEncoding, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The message is serialized as UTF-8 or UTF-16, and in the encoding its XML declaration names, when it names one.",
		Source:      "WS-I Basic Profile 1.1 R1012; XML 1.0 §4.3.3 (an entity presented in another encoding than its declaration names is a fatal error; WCF's reader refuses it as an encoding mismatch)",
		Allowances: []Allowance{
			{"UTF-16, little- or big-endian, with a byte order mark, or without one when the XML declaration's bytes or the Content-Type charset name it", "WS-I Basic Profile 1.1 R1012; XML 1.0 Appendix F; WCF's textMessageEncoding can send UTF-16"},
		}},
	{ID: EnvRoot, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The document element is a SOAP Envelope.",
		Source:      "SOAP 1.1 §4.1.1"},
	{ID: EnvVersion, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The Envelope's namespace is that of the SOAP version the WSDL binding declares.",
		Source:      "the WSDL (soap:binding); SOAP 1.1 §4.4.2 VersionMismatch"},
	{ID: EnvSchema, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The Envelope, Header, Body and Fault structure is valid against the official SOAP envelope schema.",
		Source:      "SOAP 1.1 §4 (envelope schema); SOAP 1.2 Part 1 §5",
		Allowances: []Allowance{
			{AllowFaultstringLang, "WS-I Basic Profile 1.1 R1016 allows it (the official SOAP 1.1 schema does not), and WCF sends it"},
			{"the envelope schema's lax pass over header blocks and the Body's element", "they are validated strictly against the service's own schemas instead (HDR-VALID, BODY-VALID); the lax pass would only repeat or contradict that"},
		}},
	{ID: HdrPlacement, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "Header blocks are immediate children of the SOAP Header element, not of the Envelope.",
		Source:      "SOAP 1.1 §4.2; SOAP 1.1 §4.1.1"},
	{ID: HdrMissing, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "Every header block the WSDL binding declares for the message is present.",
		Source:      "WS-I Basic Profile 1.1 R2738; the WSDL (soap:header)",
		Allowances: []Allowance{
			{AllowFaultHeaders, "a Fault is not the operation's output message and the WSDL declares no wsdl:fault, so the output's headers are not owed (SOAP 1.1 §4.4)"},
			{AllowRequestHeaders, "a WCF service reads only the header blocks present and leaves an absent [MessageHeader] null; SuperOffice's own request examples leave TimeZone out"},
		}},
	{ID: HdrDuplicate, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "Each declared header block appears at most once.",
		Source:      "the WSDL (soap:header part, one element)"},
	{ID: HdrValid, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "Each declared header block is valid against its schema declaration.",
		Source:      "the WSDL (types); WS-I Basic Profile 1.1 R2712"},
	{ID: HdrUndeclared, Severity: Info, Scope: ScopeMessage, Since: "0.2.0",
		Description: "The message carries a header block that the WSDL binding does not declare (allowed).",
		Source:      "WS-I Basic Profile 1.1 R2739 (an envelope MAY contain header blocks the binding does not describe)",
		Allowances: []Allowance{
			{"WS-Addressing, WS-Security and any other header block the binding does not declare", "WS-I Basic Profile 1.1 R2739; only mustUnderstand=\"1\" on such a block fails (HDR-MUSTUNDERSTAND)"},
		}},
	{ID: HdrMustUnderst, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "No undeclared header block is marked mustUnderstand=\"1\".",
		Source:      "SOAP 1.1 §4.2.3; WS-I Basic Profile 1.1 R1025"},
	{ID: BodyMissing, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The Envelope has a Body.",
		Source:      "SOAP 1.1 §4.1.1"},
	{ID: BodyOneChild, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The Body has exactly one child element (document/literal).",
		Source:      "WS-I Basic Profile 1.1 R2201, R2712"},
	{ID: BodyElement, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The Body's child is the element the WSDL names for the operation and direction.",
		Source:      "the WSDL (wsdl:message part element); WS-I Basic Profile 1.1 R2712"},
	{ID: BodyValid, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The Body's child is valid against its schema declaration.",
		Source:      "the WSDL (types); WS-I Basic Profile 1.1 R2712",
		Allowances: []Allowance{
			{"xsi:type naming the declared type itself (the SuperOffice documentation's examples)", "XML Schema Part 1 §2.6.1: xsi:type may name the declared type or one derived from it"},
		}},
	{ID: BodyFault, Severity: Info, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The response is a SOAP Fault (allowed; the operation's result is an error).",
		Source:      "SOAP 1.1 §4.4"},
	{ID: OpUnknown, Severity: Must, Scope: ScopeMessage, Since: "0.1.0",
		Description: "The message's operation can be determined from its Body element.",
		Source:      "the WSDL (wsdl:binding)"},

	{ID: ReqValid, Severity: Must, Scope: ScopeExchange, Since: "0.1.0",
		Description: "The request conform sends is itself valid against the contract, checked before it is sent.",
		Source:      "the WSDL; conform (a failure here is an error in the case, not in the endpoint)"},
	{ID: HTTPTransport, Severity: Must, Scope: ScopeExchange, Since: "0.1.0",
		Description: "The endpoint answers the HTTP request within the timeout.",
		Source:      "conform: infrastructure (a failure here is reported as an error, not a contract failure)"},
	{ID: RunTier, Severity: Must, Scope: ScopeExchange, Since: "0.4.0",
		Description: "Every call conform sends is one the run's tier allows: none that writes at read-only, only creating or writing what the case created at own data, none acting outside the install against a live endpoint; another is refused before it is sent.",
		Source:      "conform: the run's tier (a refusal is an error of the case catalog or of conform, reported as an error; nothing is sent)"},
	{ID: HTTPStatus, Severity: Must, Scope: ScopeExchange, Since: "0.1.0",
		Description: "A response has HTTP status 200, and a SOAP Fault has status 500.",
		Source:      "SOAP 1.1 §6.2; WS-I Basic Profile 1.1 R1124, R1126"},
	{ID: HTTPContentType, Severity: Must, Scope: ScopeExchange, Since: "0.1.0",
		Description: "The response's Content-Type is the SOAP version's media type (text/xml for SOAP 1.1) with a UTF-8 or UTF-16 charset.",
		Source:      "SOAP 1.1 §6.1.1; WS-I Basic Profile 1.1 R1018, R1012",
		Allowances: []Allowance{
			{"charset utf-16le and utf-16be, and any letter case", "they name UTF-16 (RFC 2781), which R1012 allows; charset names are case-insensitive (RFC 2046 §4.1.2)"},
		}},
	{ID: ExpOutcome, Severity: Must, Scope: ScopeExchange, Since: "0.1.0",
		Description: "The call succeeds or fails as the case expects: Succeeded header and ExceptionInfo, or a SOAP Fault.",
		Source:      "the case catalog (fixtures/cases); SuperOffice NetServer documentation",
		Allowances: []Allowance{
			{"Succeeded and AuthenticationSucceeded written 1 or 0, with surrounding white space", "XML Schema Part 2 §3.2.2.1: the lexical space of xs:boolean is {true, false, 1, 0}, whitespace collapsed"},
			{AllowRobustness, "no SOAP 1.1 or WS-I Basic Profile rule obliges a receiver to reject schema-invalid input; such expectations are marked severity: should and warn"},
			{"behaviour the documentation leaves open", "cases with outcome any accept every contract-valid answer and flag only what is certainly wrong"},
		}},
	{ID: ExpValue, Severity: Must, Scope: ScopeExchange, Since: "0.1.0",
		Description: "The response holds the values the case expects at its element paths (equality, pattern, or an earlier step's value).",
		Source:      "the case catalog (fixtures/cases); SuperOffice NetServer documentation",
		Allowances: []Allowance{
			{"expected values of a call that did not succeed", "the documentation promises values of successful answers only (EXP-VALUE is not applicable)"},
			{"xs:boolean values compared by value (1 equals true)", "XML Schema Part 2 §3.2.2.1"},
			{"the format of tickets and access tokens", "the documentation shows 7T:… and 8A:… as examples, not as a promise: a token must only be non-empty"},
		}},
}

// Allowances that code acts on, named once.
const (
	AllowFaultstringLang = "xml:lang on a SOAP 1.1 faultstring"
	AllowFaultHeaders    = "the declared headers of a SOAP Fault"
	AllowRobustness      = "a server that accepts a request conform sends invalid on purpose (robustness, not a contract breach)"
	AllowRequestHeaders  = "a client's request that lacks declared header blocks: the mock serves it and a client report warns of it (the finding is still made and shown)"
)

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
