// Package contracts is the contract set conform tests against, loaded once
// per process and handed to everything that needs it: each service's
// contract, its compiled schema set (the validator) and its schema model
// (for building requests and answers). The engine, the mock and the drift
// check all take it from here.
package contracts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/instance"
	"github.com/conform-dev/conform/internal/validate"
	"github.com/conform-dev/conform/schemas"
)

// Origins of a service's contract.
const (
	OriginEmbedded = "pinned (embedded)"
	OriginLive     = "the install's live WSDL (not pinned)"
)

// Set is the loaded contract set. It is safe for concurrent use.
type Set struct {
	Validator *validate.Validator
	models    map[string]*lazyModel
	// Origins says where each service's contract came from: embedded, a
	// contracts directory (its path), or the install's live WSDL.
	Origins map[string]string
	// Overrides are the embedded services a contracts directory replaced.
	Overrides []string
	// Hashes are the sha256 of every contract file used, by path
	// ("schemas/User/Services88.xsd", "DIR/Acme/schema.xsd", "live:Acme/…").
	Hashes map[string]string
	fsys   fs.FS
}

// WSDL is a service's source WSDL as its contract folder holds it.
// DirError is a contracts folder (an Extra's Dir) that cannot be loaded.
type DirError struct {
	Dir string
	Err error
}

func (e *DirError) Error() string { return fmt.Sprintf("contracts folder %s: %v", e.Dir, e.Err) }
func (e *DirError) Unwrap() error { return e.Err }

func (s *Set) WSDL(service string) ([]byte, error) {
	c := s.Contract(service)
	if c == nil {
		return nil, fmt.Errorf("no service %s", service)
	}
	return fs.ReadFile(s.fsys, service+"/"+c.WSDLFile)
}

// Extra is one more source of contracts: a directory written by `conform
// schemas extract` (Dir), or the files of a WSDL extracted in memory (Files,
// by service: what contract.Extract returned for an install's live WSDL).
type Extra struct {
	Dir  string
	Live map[string]map[string][]byte // service → file name → content
}

// Load builds a set from the embedded contracts and the extras, later ones
// winning on a service's name (the Overrides say which).
func Load(extras ...Extra) (*Set, error) {
	files := fstest.MapFS{}
	origins := map[string]string{}
	hashes := map[string]string{}
	put := func(name string, data []byte, hashAs string) {
		files[name] = &fstest.MapFile{Data: data}
		sum := sha256.Sum256(data)
		hashes[hashAs] = hex.EncodeToString(sum[:])
	}
	// The envelope schemas and the embedded services.
	err := fs.WalkDir(schemas.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(schemas.FS, p)
		if err != nil {
			return err
		}
		put(p, data, "schemas/"+p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, svc := range schemas.Services {
		origins[svc] = OriginEmbedded
	}
	var overrides []string
	replace := func(svc, origin string) {
		if origins[svc] == OriginEmbedded {
			overrides = append(overrides, svc)
		}
		for name := range files {
			if len(name) > len(svc) && name[:len(svc)+1] == svc+"/" {
				delete(files, name)
				for h := range hashes {
					if h == "schemas/"+name {
						delete(hashes, h)
					}
				}
			}
		}
		origins[svc] = origin
	}
	for _, x := range extras {
		switch {
		case x.Dir != "":
			dir := os.DirFS(x.Dir)
			svcs := schemas.Discover(dir)
			if len(svcs) == 0 {
				return nil, &DirError{x.Dir, fmt.Errorf("no service folder with a contract.json in it (write one with conform schemas extract --wsdl FILE --out %s)", x.Dir)}
			}
			for _, svc := range svcs {
				replace(svc, x.Dir)
				err := fs.WalkDir(dir, svc, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					data, err := fs.ReadFile(dir, p)
					if err != nil {
						return err
					}
					put(p, data, path.Join(x.Dir, p))
					return nil
				})
				if err != nil {
					return nil, &DirError{x.Dir, err}
				}
			}
		default:
			for svc, fsFiles := range x.Live {
				replace(svc, OriginLive)
				for name, data := range fsFiles {
					put(svc+"/"+name, data, "live:"+svc+"/"+name)
				}
			}
		}
	}
	services := schemas.Discover(files)
	v, err := validate.New(files, services)
	if err != nil {
		return nil, err
	}
	// What the user handed in is compiled now, so that a broken schema is
	// refused at load (exit 2), not blamed on an endpoint later.
	for svc, origin := range origins {
		if origin != OriginEmbedded {
			if err := v.Compile(svc); err != nil {
				return nil, fmt.Errorf("%s (%s): %w", svc, origin, err)
			}
		}
	}
	s := &Set{Validator: v, models: map[string]*lazyModel{}, Origins: origins, Overrides: overrides, Hashes: hashes, fsys: files}
	for _, c := range v.Contracts() {
		s.models[c.Service] = &lazyModel{}
		// What the user handed in is read now (fail closed at load).
		if origins[c.Service] != OriginEmbedded {
			if _, err := s.model(c.Service); err != nil {
				return nil, fmt.Errorf("schema model of %s (%s): %w", c.Service, origins[c.Service], err)
			}
		}
	}
	sort.Strings(s.Overrides)
	return s, nil
}

// lazyModel is a service's schema model, read on first use: a run of one
// agent reads that agent's schemas, not every pinned one's.
type lazyModel struct {
	once   sync.Once
	schema *instance.Schema
	err    error
}

func (s *Set) model(service string) (*instance.Schema, error) {
	lm := s.models[service]
	if lm == nil {
		return nil, nil
	}
	lm.once.Do(func() {
		lm.schema, lm.err = instance.Load(s.fsys, service, s.Contract(service))
	})
	return lm.schema, lm.err
}

// ModelErr is a service's schema model, read on first use, and why it
// could not be read.
func (s *Set) ModelErr(service string) (*instance.Schema, error) { return s.model(service) }

var (
	once   sync.Once
	loaded *Set
	err    error
)

// Default is the embedded contract set, loaded on first use.
func Default() (*Set, error) {
	once.Do(func() { loaded, err = load() })
	return loaded, err
}

func load() (*Set, error) {
	v, err := validate.Default()
	if err != nil {
		return nil, err
	}
	s := &Set{Validator: v, models: map[string]*lazyModel{}, Origins: map[string]string{}, Hashes: map[string]string{}, fsys: schemas.FS}
	for _, c := range v.Contracts() {
		s.models[c.Service] = &lazyModel{}
		s.Origins[c.Service] = OriginEmbedded
	}
	// The hashes of the embedded files were taken when they were committed
	// (schemas/sha256.txt, kept true by a test): a run of one agent does
	// not read 16 MB of schemas to hash them.
	sums, err := fs.ReadFile(schemas.FS, schemas.SumsFile)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		if sum, name, ok := strings.Cut(line, "  "); ok {
			s.Hashes["schemas/"+name] = sum
		}
	}
	return s, nil
}

// Sums are the sha256 lines of every embedded schema file, as
// schemas/sha256.txt holds them ("<hex>  <path>", sorted by path).
func Sums() string {
	var lines []string
	fs.WalkDir(schemas.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != schemas.SumsFile {
			if data, err := fs.ReadFile(schemas.FS, p); err == nil {
				sum := sha256.Sum256(data)
				lines = append(lines, hex.EncodeToString(sum[:])+"  "+p)
			}
		}
		return nil
	})
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	return strings.Join(lines, "\n") + "\n"
}

// Contracts are the services, in lookup order.
func (s *Set) Contracts() []*contract.Contract { return s.Validator.Contracts() }

// Contract is a service's contract, nil when unknown.
func (s *Set) Contract(service string) *contract.Contract { return s.Validator.Contract(service) }

// Model is a service's schema model, nil when unknown. Every pinned model
// reads (a test), and those handed in are read at load, so a failure here
// is a bug of conform.
func (s *Set) Model(service string) *instance.Schema {
	m, err := s.model(service)
	if err != nil {
		panic(fmt.Sprintf("conform: the schema model of %s cannot be read (a bug of conform; please report it): %v", service, err))
	}
	return m
}

// Drift compares a WSDL (an install's ?singleWsdl) with the set's contract
// of the same service, by meaning: operations, actions, elements, and the
// schema model. It returns the service and the differences.
func (s *Set) Drift(source string, data []byte) (string, []string, error) {
	ex, err := contract.Extract(source, data)
	if err != nil {
		return "", nil, err
	}
	svc := ex.Contract.Service
	pinned := s.Contract(svc)
	if pinned == nil {
		return svc, nil, fmt.Errorf("service %s has no contract in this set", svc)
	}
	diff := contract.Diff(pinned, ex.Contract)
	mfs := fstest.MapFS{}
	for name, content := range ex.Files {
		mfs[svc+"/"+name] = &fstest.MapFile{Data: content}
	}
	live, err := instance.Load(mfs, svc, ex.Contract)
	if err != nil {
		return svc, nil, err
	}
	return svc, append(diff, instance.Diff(s.Model(svc), live)...), nil
}
