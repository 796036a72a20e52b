// Package interop is conform's interop lab: it calibrates conform against
// real third-party SOAP stacks from Debian, so that a conformant peer is never
// failed and a broken one always is. Its tests (go test ./interop -v) run
//
//   - clients (python3-zeep, PHP ext/soap SoapClient) with default settings
//     against conform mock over real HTTP, loading ?wsdl and ?singleWsdl;
//   - servers (PHP ext/soap SoapServer in WSDL mode, and gSOAP built by
//     wsdl2h and soapcpp2 from the pinned WSDLs) under conform run, each
//     as it is and in variants: conformant ones that must pass and broken
//     ones that must fail with the right check.
//
// The peers' sources are in testdata/, each naming its stack and version.
// A lab test skips when its stack is not installed, unless CI is set (then
// it fails): .ci/run installs them.
package interop
