// Package contracts is the contract set conform tests against, loaded once
// per process and handed to everything that needs it: each service's
// contract, its compiled schema set (the validator) and its schema model
// (for building requests and answers). The engine, the mock and the drift
// check all take it from here.
package contracts

import (
	"fmt"
	"sync"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/instance"
	"github.com/conform-dev/conform/internal/validate"
	"github.com/conform-dev/conform/schemas"
)

// Set is the loaded contract set. It is safe for concurrent use.
type Set struct {
	Validator *validate.Validator
	models    map[string]*instance.Schema
}

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
	s := &Set{Validator: v, models: map[string]*instance.Schema{}}
	for _, c := range v.Contracts() {
		m, err := instance.Load(schemas.FS, c.Service, c)
		if err != nil {
			return nil, fmt.Errorf("schema model of %s: %w", c.Service, err)
		}
		s.models[c.Service] = m
	}
	return s, nil
}

// Contracts are the services, in lookup order.
func (s *Set) Contracts() []*contract.Contract { return s.Validator.Contracts() }

// Contract is a service's contract, nil when unknown.
func (s *Set) Contract(service string) *contract.Contract { return s.Validator.Contract(service) }

// Model is a service's schema model, nil when unknown.
func (s *Set) Model(service string) *instance.Schema { return s.models[service] }
