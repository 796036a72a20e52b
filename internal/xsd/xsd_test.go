package xsd_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/conform-dev/conform/internal/xsd"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const leaf = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a" xmlns:a="urn:a" elementFormDefault="qualified">
  <xs:element name="N" type="xs:int"/>
  <xs:element name="R"><xs:complexType><xs:sequence><xs:element ref="a:N" maxOccurs="3"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`

// countingServer counts every request made to it.
func countingServer(t *testing.T) (string, *atomic.Int64) {
	var n atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		fmt.Fprint(w, leaf)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), &n
}

// A schema that cannot be located is an error, not a warning that leaves
// a schema rejecting every document.
func TestCompileMissingImportIsAnError(t *testing.T) {
	dir := t.TempDir()
	w := write(t, dir, "w.xsd", `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import namespace="urn:a" schemaLocation="missing.xsd"/></xs:schema>`)
	_, err := xsd.CompileFile(w)
	if err == nil {
		t.Fatal("compiled a schema set whose import is missing")
	}
	if !strings.Contains(err.Error(), "missing.xsd") {
		t.Errorf("error does not name the missing file: %v", err)
	}
}

// Schemas are never fetched from the network.
func TestCompileRefusesNetworkImport(t *testing.T) {
	url, hits := countingServer(t)
	dir := t.TempDir()
	w := write(t, dir, "w.xsd", `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import namespace="urn:a" schemaLocation="`+url+`/a.xsd"/></xs:schema>`)
	if _, err := xsd.CompileFile(w); err == nil {
		t.Error("compiled a schema importing over http")
	}
	if hits.Load() != 0 {
		t.Errorf("the schema loader made %d requests", hits.Load())
	}
}

func compileLeaf(t testing.TB) *xsd.Schema {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.xsd")
	if err := os.WriteFile(p, []byte(leaf), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := xsd.CompileFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestValidateIssuesHaveLineAndPath(t *testing.T) {
	s := compileLeaf(t)
	defer s.Free()
	pr := xsd.Parse([]byte("<R xmlns=\"urn:a\">\n<N>1</N>\n<N>x</N>\n<N>2</N>\n<N>3</N>\n</R>"))
	if pr.Doc == nil {
		t.Fatalf("parse: %+v", pr.Issues)
	}
	defer pr.Doc.Free()
	issues, err := s.ValidateElement(pr.Doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 2 {
		t.Fatalf("want 2 issues (bad value, too many N), got %+v", issues)
	}
	if issues[0].Line != 3 || issues[0].Path != "/R/N[2]" || !strings.Contains(issues[0].Message, "'x' is not a valid value") {
		t.Errorf("first issue %+v", issues[0])
	}
	if issues[1].Line != 5 {
		t.Errorf("second issue %+v", issues[1])
	}
}

// Elements carry the line where their start tag begins, not where it ends.
func TestStartLines(t *testing.T) {
	pr := xsd.Parse([]byte("<?xml version=\"1.0\"?>\n<R\n  xmlns=\"urn:a\"\n  x=\"1\"><N\n>1</N>\n\n<N>2</N></R>"))
	if pr.Doc == nil {
		t.Fatalf("parse: %+v", pr.Issues)
	}
	defer pr.Doc.Free()
	root := pr.Doc.Root()
	kids := root.Children()
	if root.Line() != 2 || kids[0].Line() != 4 || kids[1].Line() != 7 {
		t.Errorf("lines %d %d %d, want 2 4 7", root.Line(), kids[0].Line(), kids[1].Line())
	}
}

func TestParseStopsAtDoctype(t *testing.T) {
	url, hits := countingServer(t)
	pr := xsd.Parse([]byte("<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"" + url + "/x.dtd\" [<!ENTITY e SYSTEM \"" + url + "/e\">]>\n<r>&e;</r>"))
	if pr.Doc != nil {
		pr.Doc.Free()
		t.Error("a document with a DTD was returned")
	}
	if pr.DTDLine != 2 {
		t.Errorf("DTDLine = %d, want 2", pr.DTDLine)
	}
	if hits.Load() != 0 {
		t.Errorf("parsing made %d requests", hits.Load())
	}
}

func TestParseTruncatedReportsLines(t *testing.T) {
	pr := xsd.Parse([]byte("<a>\n  <b>\n    <c>text"))
	if pr.Doc != nil {
		t.Fatal("truncated document parsed")
	}
	if len(pr.Issues) == 0 {
		t.Fatal("no issues")
	}
	for _, is := range pr.Issues {
		if is.Line == 0 || is.Message == "" {
			t.Errorf("issue without line or message: %+v", is)
		}
	}
}

func TestFreeTwiceIsHarmless(t *testing.T) {
	pr := xsd.Parse([]byte("<a/>"))
	pr.Doc.Free()
	pr.Doc.Free()
}

// One compiled schema, many goroutines.
func TestConcurrentValidation(t *testing.T) {
	s := compileLeaf(t)
	defer s.Free()
	var wg sync.WaitGroup
	var bad atomic.Int64
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				valid := (g+i)%2 == 0
				v := "7"
				if !valid {
					v = "seven"
				}
				pr := xsd.Parse([]byte(`<N xmlns="urn:a">` + v + `</N>`))
				issues, err := s.ValidateElement(pr.Doc.Root())
				pr.Doc.Free()
				if err != nil || (len(issues) == 0) != valid {
					bad.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Errorf("%d validations gave the wrong answer", bad.Load())
	}
}

// A mounted set compiles from memory, its relative imports resolved inside
// it, and loads nothing from the disk: an import that climbs out of the set
// or names a file fails.
func TestMountFS(t *testing.T) {
	const ns = `xmlns:xs="http://www.w3.org/2001/XMLSchema"`
	good := fstest.MapFS{
		"set/main.xsd": {Data: []byte(`<xs:schema ` + ns + ` targetNamespace="urn:a" xmlns:b="urn:b"><xs:import namespace="urn:b" schemaLocation="b.xsd"/><xs:element name="A" type="b:T"/></xs:schema>`)},
		"set/b.xsd":    {Data: []byte(`<xs:schema ` + ns + ` targetNamespace="urn:b"><xs:simpleType name="T"><xs:restriction base="xs:string"/></xs:simpleType></xs:schema>`)},
	}
	m, err := xsd.MountFS(good)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Compile("set/main.xsd")
	m.Close()
	if err != nil {
		t.Fatalf("a mounted set with a sibling import: %v", err)
	}
	s.Free()

	outside := filepath.Join(t.TempDir(), "outside.xsd")
	os.WriteFile(outside, good["set/b.xsd"].Data, 0o644)
	for name, loc := range map[string]string{"a climb out of the set": "../../../../../.." + outside, "an absolute path": outside, "a file URL": "file://" + outside} {
		bad := fstest.MapFS{"set/main.xsd": {Data: []byte(`<xs:schema ` + ns + ` targetNamespace="urn:a" xmlns:b="urn:b"><xs:import namespace="urn:b" schemaLocation="` + loc + `"/><xs:element name="A" type="b:T"/></xs:schema>`)}}
		m, err := xsd.MountFS(bad)
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.Compile("set/main.xsd")
		m.Close()
		if err == nil {
			s.Free()
			t.Errorf("%s: the import of a file outside the set was loaded", name)
		} else if strings.Contains(err.Error(), "conform-mount-") {
			t.Errorf("%s: the error names the mount's prefix: %v", name, err)
		}
	}
	// After the mount, files compile from the disk again.
	s, err = xsd.CompileFile(outside)
	if err != nil {
		t.Fatalf("CompileFile after a mount: %v", err)
	}
	s.Free()
}

// Large documents are built, read and freed on one OS thread (one malloc
// arena), one at a time; small ones where they are; a panic reaches the
// caller.
func TestLargeDocumentsShareOneThread(t *testing.T) {
	tids := map[int]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	busy := int32(0)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xsd.Large(256<<10+1, func() {
				if atomic.AddInt32(&busy, 1) != 1 {
					t.Error("two large documents at once")
				}
				mu.Lock()
				tids[syscall.Gettid()] = true
				mu.Unlock()
				time.Sleep(time.Millisecond) // long enough for another to overlap
				atomic.AddInt32(&busy, -1)
			})
		}()
	}
	wg.Wait()
	if len(tids) != 1 {
		t.Errorf("large documents ran on %d threads, want 1", len(tids))
	}
	ran := false
	xsd.Large(10, func() { ran = true })
	if !ran {
		t.Error("a small document's work did not run")
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("panic in the caller = %v, want boom", p)
		}
	}()
	xsd.Large(256<<10+1, func() { panic("boom") })
}
