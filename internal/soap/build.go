package soap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// NSXSI is the XML Schema instance namespace (xsi:nil).
const NSXSI = "http://www.w3.org/2001/XMLSchema-instance"

// Escape escapes text for element content or a double-quoted attribute.
func Escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Text is <local>value</local>, in its parent's default namespace.
func Text(local, value string) string {
	return "<" + local + ">" + Escape(value) + "</" + local + ">"
}

// OptText is Text for a value, or a nil element for nil.
func OptText(local string, value *string) string {
	if value == nil {
		return Nil(local)
	}
	return Text(local, *value)
}

// Nil is <local xsi:nil="true"/>, in its parent's default namespace.
func Nil(local string) string {
	return "<" + local + ` xmlns:i="` + NSXSI + `" i:nil="true" />`
}

// Elem is <local xmlns="ns">inner</local>; inner is XML, not escaped.
func Elem(ns, local, inner string) string {
	return "<" + local + ` xmlns="` + ns + `">` + inner + "</" + local + ">"
}

// NilElem is a nil element in namespace ns.
func NilElem(ns, local string) string {
	return "<" + local + ` xmlns="` + ns + `" xmlns:i="` + NSXSI + `" i:nil="true" />`
}

// Envelope builds a SOAP envelope of the given version around header blocks
// and a body element (each complete XML with its namespace declarations).
func Envelope(version string, headers []string, body string) []byte {
	var b bytes.Buffer
	b.Grow(256 + len(body))
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<s:Envelope xmlns:s="%s">`, Namespace(version))
	if len(headers) > 0 {
		b.WriteString("<s:Header>")
		for _, h := range headers {
			b.WriteString(h)
		}
		b.WriteString("</s:Header>")
	}
	b.WriteString("<s:Body>")
	b.WriteString(body)
	b.WriteString("</s:Body></s:Envelope>")
	return b.Bytes()
}

// Fault codes, by their SOAP 1.1 names.
const (
	FaultClient = "Client"
	FaultServer = "Server"
)

// FaultEnvelope builds a SOAP fault envelope: SOAP 1.1 faultcode s:Client or
// s:Server; in SOAP 1.2, Sender or Receiver.
func FaultEnvelope(version, code, reason string) []byte {
	if version == "1.2" {
		c := "s:Receiver"
		if code == FaultClient {
			c = "s:Sender"
		}
		return Envelope(version, nil, `<s:Fault><s:Code><s:Value>`+c+`</s:Value></s:Code><s:Reason><s:Text xml:lang="en-US">`+Escape(reason)+`</s:Text></s:Reason></s:Fault>`)
	}
	return Envelope(version, nil, `<s:Fault><faultcode>s:`+code+`</faultcode><faultstring xml:lang="en-US">`+Escape(reason)+`</faultstring></s:Fault>`)
}
