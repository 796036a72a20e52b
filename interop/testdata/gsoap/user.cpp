// gSOAP 2.8.124 (Debian's gsoap, libgsoap-dev) peer for User.svc, built by
// wsdl2h and soapcpp2 -1 from schemas/User/service.wsdl: the seed
// operations as the SuperOffice documentation describes them.
#include "soapH.h"
#include "BasicHttpBinding_USCOREUser.nsmap"
#include <map>
#include <unistd.h>
#include "serve.h"

int main(int argc, char **argv) { return serve_forever(argc, argv); }

struct Stored { std::string *p[4]; };
static std::map<std::string, Stored> store;

// authorized answers the headers: the ticket must be one of the peer's.
static bool authorized(struct soap *soap) {
	SOAP_ENV__Header *h = soap->header;
	const std::string *t = (h && h->ns1__Credentials) ? h->ns1__Credentials->Ticket : NULL;
	if (t == NULL || t->empty()) { answer_headers(soap, false, "NotAuthenticatedException", "no ticket in the Credentials header"); return false; }
	if (t->rfind("7T:gsoap", 0) != 0) { answer_headers(soap, false, "InvalidTicketException", "the ticket is not valid"); return false; }
	answer_headers(soap, true, NULL, NULL);
	return true;
}

int __ns1__GetAccessToken(struct soap *soap, _ns1__GetAccessToken *in, _ns1__GetAccessTokenResponse &out) {
	if (authorized(soap)) out.Response = str(soap, "8A:gsoap" + random_hex(24));
	return SOAP_OK;
}

static std::string *copy(const std::string *s) { return s ? new std::string(*s) : NULL; }

static int save(struct soap *soap, ns1__TokenManagementInfo *info, std::string *&response) {
	if (!authorized(soap)) return SOAP_OK;
	Stored s = {{NULL, NULL, NULL, NULL}};
	if (info) { s.p[0] = copy(info->Provider); s.p[1] = copy(info->AccessToken); s.p[2] = copy(info->RefreshToken); s.p[3] = copy(info->Claims); }
	std::string key = random_hex(32);
	store[key] = s;
	response = str(soap, key);
	return SOAP_OK;
}

int __ns1__SaveExternalTokens(struct soap *soap, _ns1__SaveExternalTokens *in, _ns1__SaveExternalTokensResponse &out) {
	return save(soap, in ? in->TokenManagementInfo : NULL, out.Response);
}

int __ns1__DecryptAndSaveExternalTokens(struct soap *soap, _ns1__DecryptAndSaveExternalTokens *in, _ns1__DecryptAndSaveExternalTokensResponse &out) {
	return save(soap, in ? in->TokenManagementInfo : NULL, out.Response);
}

int __ns1__GetExternalTokens(struct soap *soap, _ns1__GetExternalTokens *in, _ns1__GetExternalTokensResponse &out) {
	if (!authorized(soap)) return SOAP_OK;
	if (in == NULL || in->Key == NULL) return SOAP_OK;
	std::map<std::string, Stored>::iterator it = store.find(*in->Key);
	if (it == store.end()) return SOAP_OK;
	out.Response = soap_new_ns1__TokenManagementInfo(soap);
	std::string **dst[4] = {&out.Response->Provider, &out.Response->AccessToken, &out.Response->RefreshToken, &out.Response->Claims};
	for (int i = 0; i < 4; i++) *dst[i] = it->second.p[i] ? str(soap, *it->second.p[i]) : NULL;
	return SOAP_OK;
}
