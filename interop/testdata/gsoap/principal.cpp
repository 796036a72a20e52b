// gSOAP 2.8.124 (Debian's gsoap, libgsoap-dev) peer for SoPrincipal.svc,
// built by wsdl2h and soapcpp2 -1 from schemas/SoPrincipal/service.wsdl.
#include "soapH.h"
#include "BasicHttpBinding_USCORESoPrincipal.nsmap"
#include <unistd.h>
#include "serve.h"

int main(int argc, char **argv) { return serve_forever(argc, argv); }

int __ns1__AuthenticateUsernamePassword(struct soap *soap, _ns1__AuthenticateUsernamePassword *in, _ns1__AuthenticateResponse &out) {
	answer_headers(soap, true, NULL, NULL);
	out.AuthenticationSucceeded = (bool *) soap_malloc(soap, sizeof(bool));
	*out.AuthenticationSucceeded = in && in->UserName && in->Password && *in->UserName == "conform" && *in->Password == "conform-password";
	if (*out.AuthenticationSucceeded) {
		out.Response = soap_new_ns1__SoPrincipalCarrier(soap);
		out.Response->Associate = str(soap, "conform");
		out.Credentials = soap_new_ns1__SoCredentials(soap);
		out.Credentials->Ticket = str(soap, "7T:gsoap" + random_hex(24));
	}
	return SOAP_OK;
}
