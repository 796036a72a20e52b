package mock

import (
	"fmt"
	"github.com/conform-dev/conform/internal/netserver"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/soap"
)

// reply is what an operation answers: the body element and the response
// headers' content.
type reply struct {
	body      string
	failed    bool   // Succeeded=false
	excType   string // ExceptionInfo, when failed
	excMsg    string
	extraInfo [][2]string
	created   []string // identifiers of what the call made (for OnWrite)
}

// headers are the four response header blocks the binding declares, nil
// where empty.
func (r reply) headers(ns string) []string {
	exc := soap.NilElem(ns, netserver.HeaderExceptionInfo)
	if r.failed {
		exc = soap.Elem(ns, netserver.HeaderExceptionInfo, soap.Text("Message", r.excMsg)+soap.Text("ExceptionType", r.excType))
	}
	extra := soap.NilElem(ns, netserver.HeaderExtraInfo)
	if len(r.extraInfo) > 0 {
		var b strings.Builder
		for _, kv := range r.extraInfo {
			b.WriteString("<ExtraInfoNameValuePair>" + soap.Text("Key", kv[0]) + soap.Text("Value", kv[1]) + "</ExtraInfoNameValuePair>")
		}
		extra = soap.Elem(ns, netserver.HeaderExtraInfo, b.String())
	}
	return []string{exc, extra, soap.Elem(ns, netserver.HeaderSucceeded, fmt.Sprint(!r.failed)), soap.NilElem(ns, netserver.HeaderTimeZone)}
}

// call is one request to an operation, after validation and authorization.
type call struct {
	s    *service
	op   *contract.Operation
	msg  *soap.Message
	user string // the ticket's user, for User operations
}

type handler func(c call) reply

func (m *Mock) handlersFor(svc string) map[string]handler {
	out := map[string]handler{}
	for k, v := range m.seedHandlers(svc) {
		out[k] = v
	}
	return out
}

// seedHandlers are the handlers of the seed operations.
func (m *Mock) seedHandlers(svc string) map[string]handler {
	switch svc {
	case "SoPrincipal":
		return map[string]handler{
			"AuthenticateUsernamePassword": m.authenticateUsernamePassword,
			"AuthenticateWithAccessToken":  m.authenticateWithAccessToken,
			"AuthenticateImplicit":         m.authenticateUnsupported,
			"AuthenticateGeneric":          m.authenticateUnsupported,
		}
	case "User":
		return map[string]handler{
			"GetAccessToken":               m.getAccessToken,
			"SaveExternalTokens":           m.saveExternalTokens,
			"DecryptAndSaveExternalTokens": m.saveExternalTokens,
			"GetExternalTokens":            m.getExternalTokens,
		}
	}
	return nil
}

func (m *Mock) dispatch(c call) reply {
	if m.opts.Online {
		if v := c.msg.Header(netserver.HeaderApplicationToken).Value(); v == nil || *v != m.opts.AppToken {
			return m.failure(c, ExcInvalidAppToken, "the ApplicationToken header is missing or not a known application token (this install runs in Online mode)")
		}
	}
	// Every agent's operations need a valid ticket; SoPrincipal hands them out.
	if c.s.c.Service != "SoPrincipal" {
		var fail reply
		var ok bool
		if c.user, fail, ok = m.authorize(c); !ok {
			return fail
		}
	}
	if h := c.s.handlers[c.op.Name]; h != nil {
		return h(c)
	}
	return reply{body: string(c.s.canned[c.op.Name])}
}

func (m *Mock) failure(c call, excType, message string) reply {
	return reply{body: c.s.nilBody[c.op.Name], failed: true, excType: excType, excMsg: message}
}

// authorize checks the Credentials header's ticket.
func (m *Mock) authorize(c call) (string, reply, bool) {
	t := c.msg.Header(netserver.HeaderCredentials).At("Ticket").Value()
	if t == nil || strings.TrimSpace(*t) == "" {
		return "", m.failure(c, ExcNotAuthenticated, "no ticket in the Credentials header: authenticate with SoPrincipal.AuthenticateUsernamePassword first"), false
	}
	m.mu.RLock()
	sess, _, ok := m.tickets.get(*t)
	m.mu.RUnlock()
	if !ok {
		return "", m.failure(c, ExcInvalidTicket, "the ticket in the Credentials header is not valid"), false
	}
	if !m.opts.Now().Before(sess.expires) {
		m.mu.Lock()
		m.tickets.del(*t)
		m.mu.Unlock()
		return "", m.failure(c, ExcTicketExpired, "the ticket in the Credentials header has expired: authenticate again"), false
	}
	return sess.user, reply{}, true
}

func (m *Mock) issueTicket(user string) string {
	t := "7T:" + random(24)
	m.mu.Lock()
	now := m.opts.Now()
	m.tickets.put(t, session{user: user, expires: now.Add(m.opts.TicketTTL)}, 0, now.Add(m.opts.TicketTTL), now)
	m.mu.Unlock()
	return t
}

func authResponse(ns, user, ticket string) string {
	if ticket == "" {
		return soap.Elem(ns, "AuthenticateResponse", soap.Nil("Response")+soap.Nil("Credentials")+soap.Text("AuthenticationSucceeded", "false"))
	}
	carrier := "<Response>" + soap.Text("Associate", user) + soap.Text("AssociateId", "1") + "</Response>"
	return soap.Elem(ns, "AuthenticateResponse", carrier+"<Credentials>"+soap.Text("Ticket", ticket)+"</Credentials>"+soap.Text("AuthenticationSucceeded", "true"))
}

func (m *Mock) authenticateUsernamePassword(c call) reply {
	name, pw := c.msg.Body.At("UserName").Value(), c.msg.Body.At("Password").Value()
	if name == nil || pw == nil {
		return reply{body: authResponse(c.s.c.TargetNamespace, "", "")}
	}
	want, ok := m.opts.Users[*name]
	if !ok || want != *pw {
		return reply{body: authResponse(c.s.c.TargetNamespace, "", "")}
	}
	return reply{body: authResponse(c.s.c.TargetNamespace, *name, m.issueTicket(*name))}
}

func (m *Mock) authenticateWithAccessToken(c call) reply {
	tok := c.msg.Body.At("AccessToken").Value()
	if tok == nil {
		return reply{body: authResponse(c.s.c.TargetNamespace, "", "")}
	}
	m.mu.RLock()
	g, _, ok := m.grants.get(*tok)
	m.mu.RUnlock()
	if !ok {
		return reply{body: authResponse(c.s.c.TargetNamespace, "", "")}
	}
	return reply{body: authResponse(c.s.c.TargetNamespace, g.User, m.issueTicket(g.User))}
}

// authenticateUnsupported answers AuthenticateImplicit and
// AuthenticateGeneric: the mock has no such mechanisms, so authentication
// does not succeed (a contract-valid answer).
func (m *Mock) authenticateUnsupported(c call) reply {
	return reply{body: authResponse(c.s.c.TargetNamespace, "", "")}
}

func (m *Mock) getAccessToken(c call) reply {
	g := Grant{User: c.user, AppToken: c.msg.Body.At("AppToken").Value()}
	if v := c.msg.Body.At("IncludeCsSession").Value(); v != nil {
		g.IncludeCsSession = strings.TrimSpace(*v) == "true" || strings.TrimSpace(*v) == "1"
	}
	tok := "8A:" + random(24)
	m.mu.Lock()
	now := m.opts.Now()
	m.grants.put(tok, g, 0, now.Add(m.opts.TicketTTL), now)
	m.mu.Unlock()
	return reply{body: soap.Elem(c.s.c.TargetNamespace, c.op.Output.Body.Name, soap.Text("Response", tok))}
}

// Grant returns what GetAccessToken recorded for an access token.
func (m *Mock) Grant(token string) (Grant, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	g, _, ok := m.grants.get(token)
	return g, ok
}

// saveExternalTokens answers SaveExternalTokens and
// DecryptAndSaveExternalTokens (the mock stores the given values as they
// are: it has no encryption key).
func (m *Mock) saveExternalTokens(c call) reply {
	info := c.msg.Body.At("TokenManagementInfo")
	t := Tokens{
		Provider:     info.At("Provider").Value(),
		AccessToken:  info.At("AccessToken").Value(),
		RefreshToken: info.At("RefreshToken").Value(),
		Claims:       info.At("Claims").Value(),
	}
	key := random(32)
	m.mu.Lock()
	m.tokens.put(key, t, t.size(), time.Time{}, m.opts.Now())
	m.mu.Unlock()
	return reply{body: soap.Elem(c.s.c.TargetNamespace, c.op.Output.Body.Name, soap.Text("Response", key)), created: []string{key}}
}

// getExternalTokens returns what was stored under the key; for an unknown
// or empty key, Succeeded=true and a nil Response.
func (m *Mock) getExternalTokens(c call) reply {
	key := c.msg.Body.At("Key").Value()
	var t Tokens
	ok := false
	if key != nil && *key != "" {
		m.mu.RLock()
		t, _, ok = m.tokens.get(*key)
		m.mu.RUnlock()
	}
	if !ok {
		return reply{body: c.s.nilBody[c.op.Name]}
	}
	inner := soap.OptText("Provider", t.Provider) + soap.OptText("AccessToken", t.AccessToken) +
		soap.OptText("RefreshToken", t.RefreshToken) + soap.OptText("Claims", t.Claims)
	return reply{body: soap.Elem(c.s.c.TargetNamespace, c.op.Output.Body.Name, "<Response>"+inner+"</Response>")}
}

// size is what a stored token set costs, roughly: its values' bytes.
func (t Tokens) size() int64 {
	n := int64(64)
	for _, v := range []*string{t.Provider, t.AccessToken, t.RefreshToken, t.Claims} {
		if v != nil {
			n += int64(len(*v))
		}
	}
	return n
}
