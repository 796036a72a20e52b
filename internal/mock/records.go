package mock

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/safety"
	"github.com/conform-dev/conform/internal/soap"
)

// Write is one call the mock served whose operation is not read-only (by
// the reviewed safety tables): what a test of the tiers reads to prove
// that a run wrote only to what it created.
type Write struct {
	Operation string       `json:"operation"` // Agent.Operation
	Safety    safety.Class `json:"safety"`
	// Targets are the identifiers the request names (elements named …Id,
	// …Ids, …Key or …IdToDelete, not 0 or empty): the records it touches.
	Targets []string `json:"targets,omitempty"`
	// Created are the identifiers the mock made in answering (a new
	// role's id, a new token set's key).
	Created   []string `json:"created,omitempty"`
	Succeeded bool     `json:"succeeded"`
}

var idName = regexp.MustCompile(`(Id|Ids|Key|IdToDelete)$`)

// targets lists the identifiers a request body names.
func targets(n *soap.Node) []string {
	var out []string
	var walk func(*soap.Node)
	walk = func(n *soap.Node) {
		if n == nil {
			return
		}
		if len(n.Kids) == 0 {
			if v := strings.TrimSpace(n.Text); idName.MatchString(n.Name.Local) && v != "" && v != "0" && !n.Nil() {
				out = append(out, v)
			}
			return
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

// Role is a role the mock keeps: what SaveRoleEntity was given.
type Role struct {
	ID                      int
	Name, Tooltip, RoleType *string
}

func (r Role) size() int64 {
	n := int64(64)
	for _, v := range []*string{r.Name, r.Tooltip, r.RoleType} {
		if v != nil {
			n += int64(len(*v))
		}
	}
	return n
}

// roleBody is a role as the Response of the output element.
func (m *Mock) roleBody(c call, r Role) reply {
	id := strconv.Itoa(r.ID)
	values := map[string]*string{"Response/RoleId": &id}
	for path, v := range map[string]*string{"Response/Name": r.Name, "Response/Tooltip": r.Tooltip, "Response/RoleType": r.RoleType} {
		if v != nil {
			values[path] = v
		}
	}
	body, err := c.s.model.Build(c.op.Output.Body, values)
	if err != nil {
		return m.failure(c, "SoException", "the mock cannot answer with this role: "+err.Error())
	}
	return reply{body: string(body)}
}

// saveRoleEntity keeps a role: RoleId 0 (or none) makes a new one with
// the next id, another id replaces that role, if there is one.
func (m *Mock) saveRoleEntity(c call) reply {
	e := c.msg.Body.At("RoleEntity")
	if e == nil || e.Nil() {
		return m.failure(c, "ArgumentNullException", "RoleEntity is nil")
	}
	r := Role{Name: e.At("Name").Value(), Tooltip: e.At("Tooltip").Value(), RoleType: e.At("RoleType").Value()}
	id := 0
	if v := e.At("RoleId").Value(); v != nil && strings.TrimSpace(*v) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(*v))
		if err != nil {
			return m.failure(c, "ArgumentException", "RoleId is not an integer")
		}
		id = n
	}
	m.mu.Lock()
	now := m.opts.Now()
	var created []string
	if id == 0 {
		m.lastRole++
		id = m.lastRole
		created = append(created, strconv.Itoa(id))
	} else if _, _, ok := m.roles.get(strconv.Itoa(id)); !ok {
		m.mu.Unlock()
		return m.failure(c, "SoException", fmt.Sprintf("there is no role %d to save", id))
	}
	r.ID = id
	m.roles.put(strconv.Itoa(id), r, r.size(), time.Time{}, now)
	m.mu.Unlock()
	rep := m.roleBody(c, r)
	rep.created = created
	return rep
}

// getRoleEntity answers the role kept under the id, or a nil Response.
func (m *Mock) getRoleEntity(c call) reply {
	id := c.msg.Body.At("RoleEntityId").Value()
	if id == nil {
		return reply{body: c.s.nilBody[c.op.Name]}
	}
	m.mu.RLock()
	r, _, ok := m.roles.get(strings.TrimSpace(*id))
	m.mu.RUnlock()
	if !ok {
		return reply{body: c.s.nilBody[c.op.Name]}
	}
	return m.roleBody(c, r)
}

// deleteRole removes the role; an unknown id fails, as deleting what is
// not there does in NetServer.
func (m *Mock) deleteRole(c call) reply {
	id := c.msg.Body.At("RoleIdToDelete").Value()
	if id == nil {
		return m.failure(c, "ArgumentException", "RoleIdToDelete is missing")
	}
	key := strings.TrimSpace(*id)
	m.mu.Lock()
	_, _, ok := m.roles.get(key)
	m.roles.del(key)
	m.mu.Unlock()
	if !ok {
		return m.failure(c, "SoException", "there is no role "+key+" to delete")
	}
	return reply{body: string(c.s.canned[c.op.Name])}
}

// Roles are the ids of the roles the mock keeps, for tests.
func (m *Mock) Roles() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []string
	for k := range m.roles.m {
		out = append(out, k)
	}
	return out
}
