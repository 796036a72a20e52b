// Package netserver owns SuperOffice NetServer's dialect on top of SOAP:
// where the agents of an install live, the header blocks every call carries,
// how an answer says success and failure, which values are credentials and
// what tickets and access tokens look like. Package soap knows SOAP only.
package netserver

import (
	"net/http"
	"strings"

	"github.com/conform-dev/conform/internal/soap"
)

// BasePath is where an install's agents live: BasePath + "<Agent>.svc".
const BasePath = "/Remote/Services88/"

// AgentURL is the address of an agent of the install at base.
func AgentURL(base, agent string) string {
	return strings.TrimRight(base, "/") + BasePath + agent + ".svc"
}

// IsWSDLQuery tells a request for an agent's WSDL (?wsdl, ?singleWsdl).
func IsWSDLQuery(r *http.Request) bool {
	for k := range r.URL.Query() {
		if strings.EqualFold(k, "wsdl") || strings.EqualFold(k, "singleWsdl") {
			return true
		}
	}
	return false
}

// Header blocks: the request's and the response's.
const (
	HeaderApplicationToken = "ApplicationToken"
	HeaderCredentials      = "Credentials"
	HeaderTimeZone         = "TimeZone"
	HeaderExceptionInfo    = "ExceptionInfo"
	HeaderExtraInfo        = "ExtraInfo"
	HeaderSucceeded        = "Succeeded"
)

// Exception types NetServer reports in ExceptionInfo (and the mock uses).
const (
	ExcNotAuthenticated = "NotAuthenticatedException"
	ExcInvalidTicket    = "InvalidTicketException"
	ExcTicketExpired    = "TicketExpiredException"
	ExcInvalidAppToken  = "InvalidApplicationTokenException"
)

// Shapes of credentials: tickets ("7T:…") and access tokens ("8A:…").
var Shapes = []string{"7T", "8A"}

// NewRedactor is a redactor for the secrets and for every ticket and
// access token, seen before or not.
func NewRedactor(secrets ...string) *soap.Redactor { return soap.NewRedactor(Shapes, secrets...) }

// Redact is NewRedactor(secrets...).String(s), for one-off use.
func Redact(s string, secrets ...string) string { return NewRedactor(secrets...).String(s) }

// RequestHeaders are the request header blocks, in the order the binding
// declares them (ApplicationToken, Credentials, TimeZone), in namespace ns;
// a nil value is sent as a nil element.
func RequestHeaders(ns string, appToken, ticket *string) []string {
	app := soap.NilElem(ns, HeaderApplicationToken)
	if appToken != nil {
		app = soap.Elem(ns, HeaderApplicationToken, soap.Escape(*appToken))
	}
	cred := soap.NilElem(ns, HeaderCredentials)
	if ticket != nil {
		cred = soap.Elem(ns, HeaderCredentials, soap.Text("Ticket", *ticket))
	}
	return []string{app, cred, soap.NilElem(ns, HeaderTimeZone)}
}

// SecretElements are the local names whose values are credentials: they
// never reach a report, a log or an error message.
var SecretElements = map[string]bool{
	"Ticket": true, "Password": true, "AccessToken": true, "RefreshToken": true,
	"ApplicationToken": true, "AppToken": true, "Claims": true,
}

// Secrets returns the non-empty values of secret elements in a message,
// best effort (a message that does not parse yields none).
func Secrets(data []byte) []string {
	m, err := soap.Read(data)
	if err != nil {
		return nil
	}
	return MessageSecrets(m)
}

// MessageSecrets are the credential values of a message that was read (at
// most maxSecretsPerMessage of them).
func MessageSecrets(m *soap.Message) (out []string) {
	defer func() {
		if len(out) > maxSecretsPerMessage {
			out = out[:maxSecretsPerMessage]
		}
	}()
	if m.Body != nil {
		op := strings.TrimSuffix(m.Body.Name.Local, "Response")
		if SecretResponses[op] && op != m.Body.Name.Local {
			if v := m.Body.At("Response").Value(); v != nil && strings.TrimSpace(*v) != "" {
				out = append(out, *v)
			}
		}
		if el, ok := SecretRequests[m.Body.Name.Local]; ok {
			if v := m.Body.At(el).Value(); v != nil && strings.TrimSpace(*v) != "" {
				out = append(out, *v)
			}
		}
	}
	var walk func(n *soap.Node)
	walk = func(n *soap.Node) {
		if len(out) >= maxSecretsPerMessage {
			return
		}
		if SecretElements[n.Name.Local] && len(n.Kids) == 0 && strings.TrimSpace(n.Text) != "" {
			out = append(out, n.Text)
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	for _, h := range m.Headers {
		walk(h)
	}
	if m.Body != nil {
		walk(m.Body)
	}
	return out
}

// SecretResponses are operations whose response body Response element is
// a credential: an access token, or a key that reads stored tokens.
var SecretResponses = map[string]bool{
	"GetAccessToken": true, "SaveExternalTokens": true, "DecryptAndSaveExternalTokens": true,
}

// SecretRequests are request elements, by operation, that carry such a key.
var SecretRequests = map[string]string{"GetExternalTokens": "Key"}

// maxSecretsPerMessage bounds how many credential values one message adds
// to the secret set: a hostile answer with 400,000 secret-shaped elements
// must not make every later redaction slow (the shape rule still covers
// tickets and access tokens beyond it).
const maxSecretsPerMessage = 64
