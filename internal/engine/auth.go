package engine

import (
	"context"
	"errors"
	"fmt"
	"github.com/conform-dev/conform/internal/netserver"
	"net/http"

	"github.com/conform-dev/conform/internal/contract"
	"github.com/conform-dev/conform/internal/soap"
	"github.com/conform-dev/conform/internal/validate"
)

// ErrUnreachable wraps failures to reach the endpoint (exit code 3).
var ErrUnreachable = errors.New("endpoint unreachable")

// ErrAuth is a refused login (exit code 2: configuration).
var ErrAuth = errors.New("authentication failed")

// Ping fetches the User agent's WSDL: the endpoint answers HTTP at all.
func (e *Engine) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL("User")+"?singleWsdl", nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	hc := e.cfg.HTTP
	if hc == nil {
		hc = soap.HTTPClient()
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: GET %s: %w", ErrUnreachable, e.URL("User")+"?singleWsdl", soap.TransportError(err))
	}
	resp.Body.Close()
	return nil
}

// Authenticate logs in through SoPrincipal.AuthenticateUsernamePassword
// and makes the ticket the engine's. The password never appears in an
// error.
func (e *Engine) Authenticate(ctx context.Context, user, password string) error {
	e.AddSecrets(password)
	c := e.v.Contract("SoPrincipal")
	op := c.Op("AuthenticateUsernamePassword")
	body, err := e.set.Model("SoPrincipal").Build(op.Input.Body, map[string]*string{"UserName": &user, "Password": &password})
	if err != nil {
		return err
	}
	env := soap.Envelope(c.SOAPVersion, e.requestHeaders(op, ""), string(body))
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	ex, err := e.client.Post(ctx, e.URL("SoPrincipal"), op.SOAPAction, soap.ContentType11, env)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	rv := e.v.ValidateAndRead(ex.Response, soap.Charset(ex.ContentType), validate.Target{Service: "SoPrincipal", Operation: op.Name, Direction: contract.Response})
	msg := rv.Message
	if msg == nil || msg.Body == nil {
		return fmt.Errorf("%w: SoPrincipal answered HTTP %d with no readable SOAP envelope", ErrUnreachable, ex.Status)
	}
	e.AddSecrets(netserver.Secrets(ex.Text)...)
	if msg.Fault != nil {
		return fmt.Errorf("%w: SoPrincipal answered with a SOAP Fault: %s", ErrAuth, e.Redactor().XML(msg.Fault.Reason))
	}
	t := msg.Body.At("Credentials", "Ticket").Value()
	ok := msg.Body.At("AuthenticationSucceeded").BoolValue()
	if ok == nil || !*ok || t == nil || *t == "" {
		why := ""
		if f := rv.Failures(); len(f) > 0 {
			why = fmt.Sprintf(" (and the answer is not contract-valid: %s %s)", f[0].Check, e.Redactor().String(f[0].Message))
		}
		return fmt.Errorf("%w for user %q: AuthenticationSucceeded is not true; check the user name and password%s", ErrAuth, user, why)
	}
	e.cfg.Ticket = *t
	e.AddSecrets(*t)
	return nil
}

// SystemInfo asks SoPrincipal.GetSystemInfo what the server is; nil when
// it does not answer (the answer is informative only, never a check).
func (e *Engine) SystemInfo(ctx context.Context) map[string]string {
	c := e.v.Contract("SoPrincipal")
	op := c.Op("GetSystemInfo")
	if op == nil {
		return nil
	}
	env := soap.Envelope(c.SOAPVersion, e.requestHeaders(op, ""), soap.Elem(op.Input.Body.Namespace, op.Input.Body.Name, ""))
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	ex, err := e.client.Post(ctx, e.URL("SoPrincipal"), op.SOAPAction, soap.ContentType11, env)
	if err != nil || ex.Status != http.StatusOK {
		return nil
	}
	rv := e.v.ValidateAndRead(ex.Response, soap.Charset(ex.ContentType), validate.Target{Service: "SoPrincipal", Operation: op.Name, Direction: contract.Response})
	if rv.Failed() || rv.Message == nil || rv.Message.Body == nil {
		return nil
	}
	msg := rv.Message
	info := msg.Body.Child("SystemInfo")
	if info == nil {
		return nil
	}
	out := map[string]string{}
	for _, k := range info.Kids {
		if len(k.Kids) == 0 && !k.Nil() && k.Name.Local != "" {
			out[k.Name.Local] = k.Text
		}
	}
	return out
}

// VerifyTicket asks the install whether the run's ticket is good, with the
// User agent's GetAccessToken (a read). A refused ticket is ErrAuth (exit
// 2, a configuration error), not a contract failure of every case after it.
func (e *Engine) VerifyTicket(ctx context.Context) error {
	c := e.v.Contract("User")
	if c == nil || c.Op("GetAccessToken") == nil {
		return nil // no User agent to ask: the cases will tell
	}
	op := c.Op("GetAccessToken")
	body, err := e.set.Model("User").Element(op.Input.Body)
	if err != nil {
		return nil
	}
	env := soap.Envelope(c.SOAPVersion, e.requestHeaders(op, ""), string(body))
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	ex, err := e.client.Post(ctx, e.URL("User"), op.SOAPAction, soap.ContentType11, env)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	rv := e.v.ValidateAndRead(ex.Response, soap.Charset(ex.ContentType), validate.Target{Service: "User", Operation: op.Name, Direction: contract.Response})
	if rv.Message == nil {
		return nil // the cases will say what is wrong with the answers
	}
	if ok := rv.Message.Header(netserver.HeaderSucceeded).BoolValue(); ok != nil && !*ok {
		t := rv.Message.Header(netserver.HeaderExceptionInfo).At("ExceptionType").Value()
		if t != nil {
			switch *t {
			case netserver.ExcInvalidTicket, netserver.ExcTicketExpired, netserver.ExcNotAuthenticated:
				return fmt.Errorf("%w: the install refused the ticket (%s): give a valid ticket, or a user name and password", ErrAuth, *t)
			}
		}
	}
	return nil
}
