package soap

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// ErrRedirect is wrapped by the error of a request that the peer redirected
// to another origin: conform never sends a credential there.
var ErrRedirect = errors.New("redirected to another origin")

// HTTPClient is the HTTP client conform talks to peers with. It follows a
// redirect only within the same origin (scheme, host and port) and never
// replays a request to another one: a 307 or 308 to another host would
// carry the password or the ticket there. The error names the target
// without its user information or query.
func HTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// A run keeps up to --parallel calls in flight to one host: keep their
	// connections (Go's default keeps 2 idle per host and re-dials the rest).
	t.MaxIdleConnsPerHost = 64
	return &http.Client{CheckRedirect: sameOrigin, Transport: t}
}

func sameOrigin(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("%w: stopped after %d redirects", ErrRedirect, len(via))
	}
	from := via[0].URL
	if req.URL.Scheme != from.Scheme || req.URL.Host != from.Host {
		return fmt.Errorf("%w: the endpoint answered HTTP %d with a redirect to %s; nothing was sent there (give that address as --endpoint if it is the install)", ErrRedirect, req.Response.StatusCode, Origin(req.URL))
	}
	return nil
}

// Origin is scheme://host[:port]/path of a URL, without user information,
// query or fragment: safe to show.
func Origin(u *url.URL) string {
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return c.String()
}

// TransportError is err without net/http's *url.Error wrapper, which
// repeats the URL it was sent to (a redirect target's query, say): callers
// name the URL they meant, in a form safe to show.
func TransportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
