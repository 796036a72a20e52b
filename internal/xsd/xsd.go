// Package xsd is conform's one door to libxml2 (cgo): hardened parsing of
// untrusted XML, schema compilation with every warning surfaced (from files,
// or from memory through a Mount, whose imports load nothing else), and
// schema validation that reports structured issues (line, element path,
// code).
//
// Nothing else in conform imports libxml2, lestrrat-go/libxml2 or cgo. The
// lestrrat-go/libxml2 DOM is used to walk parsed documents; parsing,
// compiling and validating go through shim.c, because libxml2's structured
// errors (line numbers, node paths) are not reachable through the wrapper.
package xsd

/*
#cgo pkg-config: libxml-2.0
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/lestrrat-go/libxml2/clib"
	"github.com/lestrrat-go/libxml2/dom"
	"github.com/lestrrat-go/libxml2/types"
)

// MaxIssues bounds how many issues one parse or validation keeps; past it,
// the count of dropped issues is reported, never silently lost.
const MaxIssues = 10000

// Level is libxml2's error level.
type Level int

// Levels, as libxml2 numbers them.
const (
	LevelWarning Level = 1
	LevelError   Level = 2
	LevelFatal   Level = 3
)

// Issue is one problem libxml2 reported, with where it is.
type Issue struct {
	Line    int    // 1-based line in the document, 0 when unknown
	Path    string // element path, as Element.Path writes it; "" when unknown
	Code    int    // libxml2 error code (xmlParserErrors)
	Level   Level
	Message string // libxml2's message, trimmed
}

// Parser error codes callers classify by.
const (
	CodeDocumentEmpty   = 4  // XML_ERR_DOCUMENT_EMPTY
	CodeInvalidChar     = 9  // XML_ERR_INVALID_CHAR
	CodeUnknownEncoding = 31 // XML_ERR_UNKNOWN_ENCODING
	CodeUnsupportedEnc  = 32 // XML_ERR_UNSUPPORTED_ENCODING
	CodeInvalidEncoding = 81 // XML_ERR_INVALID_ENCODING
)

var initOnce sync.Once

func initLib() {
	initOnce.Do(func() { C.conform_init() })
}

// mountMu serializes mounts and compilations: libxml2's entity loader, which
// a mount redirects, is process-wide.
var (
	mountMu  sync.Mutex
	mountSeq int
)

// Mount is a set of files that schema compilation reads from memory: no
// temporary folder, nothing written. While it is open, compilation reads
// nothing else: a schemaLocation that leaves the set, or any file of the
// disk, fails to load.
type Mount struct {
	prefix string
	closed bool
}

// MountFS mounts every file of fsys. One mount is open at a time: MountFS
// waits until the previous one is closed, and so does CompileFile.
func MountFS(fsys fs.FS) (*Mount, error) {
	initLib()
	mountMu.Lock()
	mountSeq++
	m := &Mount{prefix: fmt.Sprintf("/conform-mount-%d/", mountSeq)}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		cp := C.CString(m.prefix + p)
		defer C.free(unsafe.Pointer(cp))
		buf := C.CBytes(append(data, 0)) // never empty
		defer C.free(buf)
		C.conform_mem_add(cp, (*C.char)(buf), C.int(len(data)))
		return nil
	})
	if err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// Path is where a file of the mounted set is, for MapURL.
func (m *Mount) Path(p string) string { return m.prefix + p }

// Compile compiles the mounted schema at p (a path in the set).
func (m *Mount) Compile(p string) (*Schema, error) {
	if m.closed {
		return nil, errors.New("xsd: compile on a closed mount")
	}
	s, err := compile(m.Path(p))
	var ce *CompileError
	if errors.As(err, &ce) {
		// Name files as the set names them, not by the mount's prefix.
		ce.Path = p
		for i := range ce.Issues {
			ce.Issues[i].Message = strings.ReplaceAll(ce.Issues[i].Message, m.prefix, "")
		}
	}
	return s, err
}

// Close unmounts the set.
func (m *Mount) Close() {
	if !m.closed {
		m.closed = true
		C.conform_mem_clear()
		mountMu.Unlock()
	}
}

// MapURL makes schema loading read the local file path wherever url is
// referenced (for example the absolute schemaLocation of xml.xsd in the
// SOAP 1.2 envelope schema). Every other non-local URL is refused.
func MapURL(url, path string) {
	initLib()
	cu, cp := C.CString(url), C.CString(path)
	defer C.free(unsafe.Pointer(cu))
	defer C.free(unsafe.Pointer(cp))
	C.conform_map_url(cu, cp)
}

func newCollector() *C.conform_collector {
	c := (*C.conform_collector)(C.calloc(1, C.size_t(unsafe.Sizeof(C.conform_collector{}))))
	c.limit = MaxIssues
	return c
}

// drain copies the collected issues to Go and frees the collector.
func drain(c *C.conform_collector) (issues []Issue, dropped int) {
	n := int(c.n)
	if n > 0 {
		items := unsafe.Slice(c.items, n)
		issues = make([]Issue, n)
		for i, it := range items {
			issues[i] = Issue{
				Line:    int(it.line),
				Code:    int(it.code),
				Level:   Level(it.level),
				Message: oneLine(C.GoString(it.message)),
			}
			if it.path != nil {
				issues[i].Path = C.GoString(it.path)
			}
		}
	}
	dropped = int(c.dropped)
	C.conform_collector_free(c)
	C.free(unsafe.Pointer(c))
	return issues, dropped
}

// ParseResult is what Parse learned about a document.
type ParseResult struct {
	Doc     *Doc    // nil unless the document is well-formed and has no DTD
	Issues  []Issue // parser errors and warnings, in order
	Dropped int     // issues past MaxIssues
	DTDLine int     // line of a DOCTYPE declaration, 0 when none
}

// Parse parses untrusted XML: no entity substitution, no DTD loading, no
// network, no "huge" limits, and it stops at a DOCTYPE before reading any
// declaration in it. The caller must Free the returned Doc.
func Parse(data []byte) ParseResult {
	initLib()
	c := newCollector()
	var buf *C.char
	if len(data) > 0 {
		// libxml2 copies the bytes into its own input buffer and the shim
		// forgets them on return, so Go's bytes are lent, not copied
		// (cgo's rule: C keeps no Go pointer after the call).
		buf = (*C.char)(unsafe.Pointer(&data[0]))
	}
	ptr := C.conform_parse(buf, C.int(len(data)), c)
	runtime.KeepAlive(data)
	var res ParseResult
	res.DTDLine = int(c.dtd_line)
	res.Issues, res.Dropped = drain(c)
	if ptr != nil {
		res.Doc = &Doc{ptr: ptr, dom: dom.WrapDocument(uintptr(unsafe.Pointer(ptr))), size: len(data)}
	}
	return res
}

// Doc is a parsed document. Free it exactly once.
type Doc struct {
	ptr  *C.xmlDoc
	dom  *dom.Document
	size int // bytes parsed
}

// trimAbove: freeing a document parsed from more bytes than this gives the
// C heap's free memory back to the system. glibc keeps an arena per thread,
// and cgo calls land on any thread, so a large tree freed in one arena is
// not reused by the next parse in another: without a trim, a run of large
// answers piles up resident memory.
const trimAbove = 256 << 10

// large is the one OS thread that builds, reads and frees large documents.
var large struct {
	once sync.Once
	work chan func()
}

// Large runs fn, which parses, reads and frees a document of size bytes.
// Above trimAbove it runs on one OS thread kept for large documents, one
// document at a time: glibc gives each thread its own malloc arena and cgo
// calls land on any thread, so large trees built on different threads each
// keep an arena's worth of resident memory (eight 10 MB answers of 390,000
// elements: 330 MB peak RSS, against 245 MB on one thread). Small documents
// run where they are, in parallel. A panic in fn is raised again in the
// caller.
func Large(size int, fn func()) {
	if size <= trimAbove {
		fn()
		return
	}
	large.once.Do(func() {
		large.work = make(chan func())
		go func() {
			runtime.LockOSThread()
			for f := range large.work {
				f()
			}
		}()
	})
	var p any
	done := make(chan struct{})
	large.work <- func() {
		defer close(done)
		defer func() { p = recover() }()
		fn()
	}
	<-done
	if p != nil {
		panic(p)
	}
}

// Free releases the document; calling it again does nothing.
func (d *Doc) Free() {
	if d == nil || d.dom == nil {
		return
	}
	d.dom.Free()
	d.dom, d.ptr = nil, nil
	if d.size > trimAbove {
		C.conform_trim()
	}
}

// Encoding is the encoding the document declared ("" when none).
func (d *Doc) Encoding() string {
	if d.ptr.encoding == nil {
		return ""
	}
	return C.GoString((*C.char)(unsafe.Pointer(d.ptr.encoding)))
}

// Root is the document element, nil when there is none.
func (d *Doc) Root() *Element {
	n, err := d.dom.DocumentElement()
	if err != nil || n == nil {
		return nil
	}
	el, ok := n.(types.Element)
	if !ok {
		return nil
	}
	return &Element{n: el}
}

// Element is an element node of a Doc; valid until the Doc is freed.
type Element struct {
	n types.Element
}

func (e *Element) cptr() *C.xmlNode { return C.conform_node(C.uintptr_t(e.n.Pointer())) }

// Namespace is the element's namespace URI.
func (e *Element) Namespace() string { return e.n.NamespaceURI() }

// Local is the element's local name.
func (e *Element) Local() string { return e.n.LocalName() }

// Line is the element's line in the source document.
func (e *Element) Line() int { return int(C.xmlGetLineNo(e.cptr())) }

// Path is the element's path with the document's prefixes ("/s:Envelope/s:Body/GetAccessToken").
func (e *Element) Path() string {
	p := C.conform_node_path(e.cptr())
	if p == nil {
		return ""
	}
	defer C.free(unsafe.Pointer(p))
	return C.GoString(p)
}

// Children are the element children, in document order.
func (e *Element) Children() []*Element {
	var out []*Element
	if !e.n.HasChildNodes() {
		return nil
	}
	n, err := e.n.FirstChild()
	for err == nil && n != nil {
		if el, ok := n.(types.Element); ok && n.NodeType() == clib.ElementNode {
			out = append(out, &Element{n: el})
		}
		n, err = n.NextSibling()
	}
	return out
}

// HasText reports whether the element has a text child other than whitespace.
func (e *Element) HasText() bool {
	for c := e.cptr().children; c != nil; c = c.next {
		if c._type == C.XML_TEXT_NODE || c._type == C.XML_CDATA_SECTION_NODE {
			if C.xmlIsBlankNode(c) == 0 {
				return true
			}
		}
	}
	return false
}

// Attr returns the value of the attribute {ns}local.
func (e *Element) Attr(ns, local string) (string, bool) {
	cl := C.CString(local)
	defer C.free(unsafe.Pointer(cl))
	var cns *C.char
	if ns != "" {
		cns = C.CString(ns)
		defer C.free(unsafe.Pointer(cns))
	}
	a := C.xmlHasNsProp(e.cptr(), (*C.xmlChar)(unsafe.Pointer(cl)), (*C.xmlChar)(unsafe.Pointer(cns)))
	if a == nil {
		return "", false
	}
	v := C.xmlNodeGetContent((*C.xmlNode)(unsafe.Pointer(a)))
	if v == nil {
		return "", true
	}
	defer C.conform_xmlfree(unsafe.Pointer(v))
	return C.GoString((*C.char)(unsafe.Pointer(v))), true
}

// Schema is a compiled schema set. It may be shared by goroutines.
type Schema struct {
	ptr *C.xmlSchema
}

// CompileError is a schema set that did not compile cleanly.
type CompileError struct {
	Path   string
	Issues []Issue
}

func (e *CompileError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schema set %s did not compile", e.Path)
	for _, is := range e.Issues {
		fmt.Fprintf(&b, "\n  %s", is.Message)
	}
	b.WriteString("\n  (regenerate it with `conform schemas extract`, or check the files it imports)")
	return b.String()
}

// CompileFile compiles the schema at path, resolving relative imports from
// its folder. Any warning (a schema that could not be located, an import
// that was skipped) is an error here: libxml2 would otherwise "succeed" and
// then reject every document with "No matching global declaration".
func CompileFile(path string) (*Schema, error) {
	initLib()
	mountMu.Lock() // no mount may hide the file system meanwhile
	defer mountMu.Unlock()
	return compile(path)
}

func compile(path string) (*Schema, error) {
	c := newCollector()
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	s := C.conform_compile(cp, c)
	issues, _ := drain(c)
	if s == nil || len(issues) > 0 {
		if s != nil {
			C.xmlSchemaFree(s)
		}
		if len(issues) == 0 {
			issues = []Issue{{Message: "libxml2 returned no schema and no message"}}
		}
		return nil, &CompileError{Path: path, Issues: issues}
	}
	return &Schema{ptr: s}, nil
}

// Free releases the schema.
func (s *Schema) Free() {
	if s != nil && s.ptr != nil {
		C.xmlSchemaFree(s.ptr)
		s.ptr = nil
	}
}

// ValidateDoc validates the whole document. Elements the schema processes
// laxly and has no declaration for are skipped, as XML Schema says.
func (s *Schema) ValidateDoc(d *Doc) ([]Issue, error) {
	c := newCollector()
	rc := C.conform_validate_doc(s.ptr, d.ptr, c)
	return finish(rc, c)
}

// ValidateElement validates one element (and its subtree) strictly against
// the schema's global declaration of its name; an element with no global
// declaration is an issue (libxml2 code 1845, XML_SCHEMAV_CVC_ELT_1).
func (s *Schema) ValidateElement(e *Element) ([]Issue, error) {
	c := newCollector()
	rc := C.conform_validate_elem(s.ptr, e.cptr(), c)
	return finish(rc, c)
}

func finish(rc C.int, c *C.conform_collector) ([]Issue, error) {
	issues, dropped := drain(c)
	if rc < 0 {
		return issues, errors.New("libxml2 could not run the validation (internal error)")
	}
	if dropped > 0 {
		issues = append(issues, Issue{Level: LevelError, Message: fmt.Sprintf("%d further issues were not kept (limit %d)", dropped, MaxIssues)})
	}
	return issues, nil
}

// oneLine joins a multi-line libxml2 message into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Node is an element as plain Go data: its name, its xsi:nil attribute,
// its own text (for an element without element children) and children.
type Node struct {
	Space, Local string
	Nil          string // the xsi:nil attribute's value; "" when absent
	HasNil       bool
	Text         string
	Kids         []*Node
}

const nsXSI = "http://www.w3.org/2001/XMLSchema-instance"

// Tree copies the element and its descendants into Go data, at most max
// elements (nil when there are more). It reads libxml2's structures
// directly, without a cgo call per node.
func (e *Element) Tree(max int) *Node {
	budget := max
	var walk func(n *C.xmlNode) *Node
	walk = func(n *C.xmlNode) *Node {
		if budget--; budget < 0 {
			return nil
		}
		out := &Node{Local: C.GoString((*C.char)(unsafe.Pointer(n.name)))}
		if n.ns != nil && n.ns.href != nil {
			out.Space = C.GoString((*C.char)(unsafe.Pointer(n.ns.href)))
		}
		for a := n.properties; a != nil; a = a.next {
			if a.ns != nil && a.ns.href != nil && C.GoString((*C.char)(unsafe.Pointer(a.name))) == "nil" &&
				C.GoString((*C.char)(unsafe.Pointer(a.ns.href))) == nsXSI {
				out.HasNil = true
				if a.children != nil && a.children.content != nil {
					out.Nil = C.GoString((*C.char)(unsafe.Pointer(a.children.content)))
				}
			}
		}
		var text []string
		for c := n.children; c != nil; c = c.next {
			switch c._type {
			case C.XML_ELEMENT_NODE:
				k := walk(c)
				if k == nil {
					return nil
				}
				out.Kids = append(out.Kids, k)
			case C.XML_TEXT_NODE, C.XML_CDATA_SECTION_NODE:
				if c.content != nil {
					text = append(text, C.GoString((*C.char)(unsafe.Pointer(c.content))))
				}
			}
		}
		if len(out.Kids) == 0 {
			out.Text = strings.Join(text, "")
		}
		return out
	}
	return walk(e.cptr())
}
