// Package soap owns SOAP as conform sends and reads it, and nothing of any
// vendor's: the SOAP 1.1 and 1.2 namespaces and content types, building
// envelopes and faults, reading messages (UTF-8 and UTF-16), the HTTP
// transport, and redaction of secrets and token shapes it is given.
// SuperOffice's dialect is package netserver's.
package soap

// Envelope namespaces.
const (
	NS11 = "http://schemas.xmlsoap.org/soap/envelope/"
	NS12 = "http://www.w3.org/2003/05/soap-envelope"
)

// Content types by SOAP version.
const (
	ContentType11 = "text/xml; charset=utf-8"
	ContentType12 = "application/soap+xml; charset=utf-8"
)

// Version returns the SOAP version ("1.1", "1.2") of an envelope namespace,
// or "" for any other namespace.
func Version(ns string) string {
	switch ns {
	case NS11:
		return "1.1"
	case NS12:
		return "1.2"
	}
	return ""
}

// Namespace returns the envelope namespace of a SOAP version.
func Namespace(version string) string {
	if version == "1.2" {
		return NS12
	}
	return NS11
}
