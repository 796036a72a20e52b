// The serve loop shared by the gSOAP peers (gSOAP 2.8.124, Debian's gsoap
// and libgsoap-dev): one request at a time on 127.0.0.1:PORT, and GET
// ?wsdl / ?singleWsdl answered with the WSDL file the peer was built from.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <csignal>

static const char *wsdl_file;

static int http_get(struct soap *soap) {
	if (strstr(soap->path, "?wsdl") == NULL && strstr(soap->path, "?singleWsdl") == NULL) return 404;
	FILE *f = fopen(wsdl_file, "rb");
	if (f == NULL) return 404;
	soap->http_content = "text/xml; charset=utf-8";
	if (soap_response(soap, SOAP_FILE)) { fclose(f); return soap->error; }
	char buf[8192];
	size_t r;
	while ((r = fread(buf, 1, sizeof buf, f)) > 0)
		if (soap_send_raw(soap, buf, r)) break;
	fclose(f);
	soap_end_send(soap);
	return SOAP_OK;
}

// The four response header blocks the binding declares, all present:
// empty where NetServer would send nil (gSOAP leaves out a NULL header).
static void answer_headers(struct soap *soap, bool ok, const char *exc_type, const char *message) {
	SOAP_ENV__Header *h = soap_new_SOAP_ENV__Header(soap);
	h->ns1__ExceptionInfo = soap_new_ns1__SoExceptionInfo(soap);
	if (!ok) {
		h->ns1__ExceptionInfo->ExceptionType = soap_new_std__string(soap);
		*h->ns1__ExceptionInfo->ExceptionType = exc_type;
		h->ns1__ExceptionInfo->Message = soap_new_std__string(soap);
		*h->ns1__ExceptionInfo->Message = message;
	}
	h->ns1__ExtraInfo = soap_new_ns1__SoExtraInfo(soap);
	h->ns1__Succeeded = (bool *) soap_malloc(soap, sizeof(bool));
	*h->ns1__Succeeded = ok;
	h->ns1__TimeZone = soap_new_ns1__SoTimeZone(soap);
	soap->header = h;
}

static std::string *str(struct soap *soap, const std::string &s) {
	std::string *p = soap_new_std__string(soap);
	*p = s;
	return p;
}

static std::string random_hex(int n) {
	static const char *hex = "0123456789abcdef";
	std::string s;
	for (int i = 0; i < n; i++) s += hex[rand() % 16];
	return s;
}

static int serve_forever(int argc, char **argv) {
	if (argc != 3) { fprintf(stderr, "usage: %s PORT WSDL\n", argv[0]); return 2; }
	wsdl_file = argv[2];
	srand((unsigned) time(NULL) ^ (unsigned) getpid());
	// SOAP_C_UTFSTRING: strings are UTF-8. Without it gSOAP writes each
	// non-ASCII character as a character reference to its code unit, which
	// is not well-formed XML (conform says XML-WELLFORMED, rightly).
	struct soap *soap = soap_new1(SOAP_C_UTFSTRING);
	// A client that closes first must not kill the server (gSOAP's advice).
	signal(SIGPIPE, SIG_IGN);
	soap->socket_flags = MSG_NOSIGNAL;
	soap->fget = http_get;
	soap->bind_flags = SO_REUSEADDR;
	if (!soap_valid_socket(soap_bind(soap, "127.0.0.1", atoi(argv[1]), 64))) { soap_print_fault(soap, stderr); return 1; }
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		if (!soap_valid_socket(soap_accept(soap))) { soap_print_fault(soap, stderr); continue; }
		soap_serve(soap);
		soap_destroy(soap);
		soap_end(soap);
	}
}
