// Package xsd's C side: hardened parsing, schema compilation and validation
// with structured errors (line, node path, code) collected into a buffer.
#ifndef CONFORM_XSD_SHIM_H
#define CONFORM_XSD_SHIM_H

#include <stdint.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

typedef struct {
	int line;
	int code;
	int level;
	int domain;
	char *message; // malloc'd
	char *path;    // malloc'd, may be NULL
} conform_issue;

typedef struct {
	conform_issue *items;
	int n;
	int cap;
	int dropped;  // issues not kept because the buffer hit its limit
	int limit;
	int dtd_line; // line of a DOCTYPE, 0 when none was seen
	const char *src; // the input being parsed (not owned), for start lines
	long srclen;
} conform_collector;

void conform_init(void);
void conform_collector_free(conform_collector *c);
xmlDocPtr conform_parse(const char *buf, int len, conform_collector *c);
xmlSchemaPtr conform_compile(const char *path, conform_collector *c);
int conform_validate_doc(xmlSchemaPtr s, xmlDocPtr d, conform_collector *c);
int conform_validate_elem(xmlSchemaPtr s, xmlNodePtr n, conform_collector *c);
void conform_map_url(const char *url, const char *path);
void conform_mem_add(const char *path, const char *data, int len);
void conform_mem_clear(void);
void conform_xmlfree(void *p);
char *conform_node_path(xmlNodePtr node);
// conform_node turns the wrapper's uintptr back into a node pointer (C memory).
xmlNodePtr conform_node(uintptr_t p);

void conform_trim(void);
#endif
