#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>
#include <libxml/SAX2.h>
#include "shim.h"

static int same_name(xmlNodePtr a, xmlNodePtr b) {
	if (a->type != XML_ELEMENT_NODE || b->type != XML_ELEMENT_NODE) return 0;
	if (!xmlStrEqual(a->name, b->name)) return 0;
	const xmlChar *na = a->ns ? a->ns->href : NULL, *nb = b->ns ? b->ns->href : NULL;
	return xmlStrEqual(na, nb);
}

// conform_node_path writes an element path with the document's prefixes,
// the local name alone for unprefixed elements (libxml2 writes "*" for
// those), and [n] where siblings share the name. The caller frees it.
char *conform_node_path(xmlNodePtr node) {
	xmlNodePtr chain[256];
	int depth = 0;
	for (xmlNodePtr n = node; n != NULL && n->type == XML_ELEMENT_NODE && depth < 256; n = n->parent) chain[depth++] = n;
	size_t cap = 64, len = 0;
	char *out = malloc(cap);
	if (out == NULL) return NULL;
	out[0] = 0;
	for (int i = depth - 1; i >= 0; i--) {
		xmlNodePtr n = chain[i];
		int idx = 1, more = 0;
		for (xmlNodePtr p = n->prev; p != NULL; p = p->prev) if (same_name(p, n)) idx++;
		for (xmlNodePtr p = n->next; p != NULL && !more; p = p->next) if (same_name(p, n)) more = 1;
		const char *prefix = (n->ns && n->ns->prefix) ? (const char *) n->ns->prefix : NULL;
		size_t need = strlen((const char *) n->name) + (prefix ? strlen(prefix) + 1 : 0) + 24;
		if (len + need + 1 > cap) {
			while (len + need + 1 > cap) cap *= 2;
			char *grown = realloc(out, cap);
			if (grown == NULL) { free(out); return NULL; }
			out = grown;
		}
		int w;
		if (idx > 1 || more)
			w = snprintf(out + len, cap - len, "/%s%s%s[%d]", prefix ? prefix : "", prefix ? ":" : "", n->name, idx);
		else
			w = snprintf(out + len, cap - len, "/%s%s%s", prefix ? prefix : "", prefix ? ":" : "", n->name);
		len += (size_t) w;
	}
	return out;
}

static void collect(conform_collector *c, const xmlError *err) {
	if (c == NULL || err == NULL) return;
	if (err->code == XML_ERR_USER_STOP) return; // our own stop at a DOCTYPE
	if (c->n >= c->limit) { c->dropped++; return; }
	if (c->n == c->cap) {
		int ncap = c->cap ? c->cap * 2 : 8;
		conform_issue *p = realloc(c->items, ncap * sizeof(conform_issue));
		if (p == NULL) { c->dropped++; return; }
		c->items = p;
		c->cap = ncap;
	}
	conform_issue *it = &c->items[c->n++];
	it->line = err->line;
	it->code = err->code;
	it->level = err->level;
	it->domain = err->domain;
	it->message = strdup(err->message ? err->message : "");
	it->path = NULL;
	if (err->node != NULL) {
		xmlNodePtr node = (xmlNodePtr) err->node;
		if (node->type == XML_ELEMENT_NODE) it->path = conform_node_path(node);
		else if (node->parent != NULL && node->parent->type == XML_ELEMENT_NODE) it->path = conform_node_path(node->parent);
		if (it->line <= 0) it->line = (int) xmlGetLineNo(node);
	}
}

static void on_error(void *data, xmlErrorPtr err) { collect((conform_collector *) data, err); }

static void on_parse_error(void *data, xmlErrorPtr err) {
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) data;
	collect((conform_collector *) ctxt->_private, err);
}

// A SOAP message must not contain a DTD: stop the parser the moment one
// starts, before any entity declaration is read.
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *eid, const xmlChar *sid) {
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;
	conform_collector *c = (conform_collector *) ctxt->_private;
	if (c != NULL) c->dtd_line = xmlSAX2GetLineNumber(ctx);
	xmlStopParser(ctxt);
}

void conform_collector_free(conform_collector *c) {
	for (int i = 0; i < c->n; i++) { free(c->items[i].message); free(c->items[i].path); }
	free(c->items);
	c->items = NULL;
	c->n = c->cap = 0;
}

// on_start builds the element as usual, then moves its line from where
// its start tag ends (libxml2's stamp) to where it begins: there is no '<'
// inside a start tag, so the newlines between the parser's position and the
// nearest '<' before it are the tag's own. Only for input read as is
// (UTF-8), where parser offsets are offsets into our copy of the source.
static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI,
		int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
		const xmlChar **attributes) {
	xmlSAX2StartElementNs(ctx, localname, prefix, URI, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes);
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;
	conform_collector *c = (conform_collector *) ctxt->_private;
	xmlNodePtr node = ctxt->node;
	if (c == NULL || c->src == NULL || node == NULL || ctxt->input == NULL || ctxt->input->buf == NULL) return;
	if (ctxt->input->buf->encoder != NULL || node->line == 0 || node->line >= 65535) return;
	long off = (long) ctxt->input->consumed + (long) (ctxt->input->cur - ctxt->input->base);
	if (off <= 0 || off > c->srclen) return;
	int nl = 0;
	long i = off - 1;
	while (i >= 0 && c->src[i] != '<') {
		if (c->src[i] == '\n') nl++;
		i--;
	}
	if (i >= 0 && nl > 0 && nl < (int) node->line) node->line = (unsigned short) (node->line - nl);
}

xmlDocPtr conform_parse(const char *buf, int len, conform_collector *c) {
	if (len <= 0) return NULL;
	xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(buf, len);
	if (ctxt == NULL) return NULL;
	// No entity substitution, no DTD loading, no network, no "huge".
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	ctxt->_private = c;
	ctxt->sax->serror = on_parse_error;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->startElementNs = on_start;
	c->src = buf;
	c->srclen = len;
	xmlParseDocument(ctxt);
	xmlDocPtr doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (doc != NULL && (!ctxt->wellFormed || c->dtd_line > 0 || doc->intSubset != NULL || doc->extSubset != NULL)) {
		if (ctxt->wellFormed && c->dtd_line == 0) c->dtd_line = 1;
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	c->src = NULL;
	return doc;
}

xmlSchemaPtr conform_compile(const char *path, conform_collector *c) {
	xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt(path);
	if (pctxt == NULL) return NULL;
	xmlSchemaSetParserStructuredErrors(pctxt, on_error, c);
	// Loader messages (a file that cannot be read) go through the global
	// handlers: collect them too, and keep them off stderr.
	xmlSetStructuredErrorFunc(c, on_error);
	xmlSchemaPtr s = xmlSchemaParse(pctxt);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSchemaFreeParserCtxt(pctxt);
	return s;
}

int conform_validate_doc(xmlSchemaPtr s, xmlDocPtr d, conform_collector *c) {
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(s);
	if (v == NULL) return -1;
	xmlSchemaSetValidStructuredErrors(v, on_error, c);
	int rc = xmlSchemaValidateDoc(v, d);
	xmlSchemaFreeValidCtxt(v);
	return rc;
}

int conform_validate_elem(xmlSchemaPtr s, xmlNodePtr n, conform_collector *c) {
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(s);
	if (v == NULL) return -1;
	xmlSchemaSetValidStructuredErrors(v, on_error, c);
	int rc = xmlSchemaValidateOneElement(v, n);
	xmlSchemaFreeValidCtxt(v);
	return rc;
}

// URL map for the external entity loader: schemas are loaded from local
// files only; a known absolute URL (xml.xsd) maps to its local copy, and any
// other network URL is refused.
#define MAX_MAP 16
static char *map_url[MAX_MAP];
static char *map_path[MAX_MAP];
static int map_n = 0;
static xmlExternalEntityLoader default_loader = NULL;

void conform_map_url(const char *url, const char *path) {
	for (int i = 0; i < map_n; i++) {
		if (strcmp(map_url[i], url) == 0) { free(map_path[i]); map_path[i] = strdup(path); return; }
	}
	if (map_n == MAX_MAP) return;
	map_url[map_n] = strdup(url);
	map_path[map_n] = strdup(path);
	map_n++;
}

// In-memory files: a schema set is compiled from memory (no temporary
// folder), under a private path prefix. While a set is mounted, nothing else
// loads: a relative schemaLocation that climbs out of it, or any other file,
// is refused.
typedef struct mem_file {
	char *path;
	char *data;
	int len;
	struct mem_file *next;
} mem_file;
static mem_file *mem_files = NULL;
static int mem_only = 0;

void conform_mem_add(const char *path, const char *data, int len) {
	mem_file *f = calloc(1, sizeof(mem_file));
	if (f == NULL) return;
	f->path = strdup(path);
	f->data = malloc(len > 0 ? len : 1);
	if (f->path == NULL || f->data == NULL) { free(f->path); free(f->data); free(f); return; }
	memcpy(f->data, data, len);
	f->len = len;
	f->next = mem_files;
	mem_files = f;
	mem_only = 1;
}

void conform_mem_clear(void) {
	while (mem_files != NULL) {
		mem_file *f = mem_files;
		mem_files = f->next;
		free(f->path);
		free(f->data);
		free(f);
	}
	mem_only = 0;
}

static xmlParserInputPtr mem_input(const char *path, xmlParserCtxtPtr ctxt) {
	for (mem_file *f = mem_files; f != NULL; f = f->next) {
		if (strcmp(f->path, path) != 0) continue;
		// The buffer copies the bytes.
		xmlParserInputBufferPtr buf = xmlParserInputBufferCreateMem(f->data, f->len, XML_CHAR_ENCODING_NONE);
		if (buf == NULL) return NULL;
		xmlParserInputPtr in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE);
		if (in == NULL) { xmlFreeParserInputBuffer(buf); return NULL; }
		// The base for relative imports.
		in->filename = (const char *) xmlStrdup((const xmlChar *) path);
		return in;
	}
	return NULL;
}

static xmlParserInputPtr local_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
	if (url != NULL) {
		for (int i = 0; i < map_n; i++) {
			if (strcmp(map_url[i], url) == 0) { url = map_path[i]; break; }
		}
		if (mem_only) {
			const char *p = url;
			if (strncmp(p, "file://", 7) == 0) p += 7;
			// Not mounted: refused (libxml2 reports that it failed to load it).
			return mem_input(p, ctxt);
		}
		// Refused: libxml2 then reports that it failed to load url.
		if (strstr(url, "://") != NULL && strncmp(url, "file://", 7) != 0) return NULL;
	}
	return default_loader(url, id, ctxt);
}

void conform_init(void) {
	xmlInitParser();
	if (default_loader == NULL) {
		default_loader = xmlGetExternalEntityLoader();
		xmlSetExternalEntityLoader(local_loader);
	}
}
void conform_xmlfree(void *p) { xmlFree(p); }
xmlNodePtr conform_node(uintptr_t p) { return (xmlNodePtr) p; }

// conform_trim returns the free memory of every malloc arena to the system.
void conform_trim(void) { malloc_trim(0); }
