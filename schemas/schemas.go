// Package schemas holds the committed schema sets conform validates with,
// embedded so the binary needs nothing beside it: soap/ (the official SOAP
// 1.1 and 1.2 envelope schemas and xml.xsd, unmodified) and one folder per
// service (User, SoPrincipal) as `conform schemas extract` wrote it from the
// WSDL: one XSD per namespace, a wrapper schema.xsd, contract.json and the
// source WSDL.
package schemas

import "embed"

// FS is the schemas folder.
//
//go:embed soap User SoPrincipal
var FS embed.FS

// Services are the service folders, in the order operations are looked up.
var Services = []string{"User", "SoPrincipal"}

// XMLNamespaceURL is where the SOAP 1.2 envelope schema imports xml.xsd from;
// conform maps it to soap/xml.xsd.
const XMLNamespaceURL = "http://www.w3.org/2001/xml.xsd"
