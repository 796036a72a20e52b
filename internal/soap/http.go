package soap

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
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
	c, _ := NewHTTPClient(TLSOptions{}) // no file to read: no error
	return c
}

// TLSOptions say which certificates a client trusts.
type TLSOptions struct {
	// CACert is a PEM file whose certificates are trusted besides the
	// system's: a staging install's self-signed certificate, or its CA.
	CACert string
}

// NewHTTPClient is HTTPClient trusting o's certificates too. The error
// names the file and what is wrong with it.
func NewHTTPClient(o TLSOptions) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// A run keeps up to --parallel calls in flight to one host: keep their
	// connections (Go's default keeps 2 idle per host and re-dials the rest).
	t.MaxIdleConnsPerHost = 64
	if o.CACert != "" {
		pem, err := os.ReadFile(o.CACert)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", o.CACert, errors.Unwrap(err))
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate (want -----BEGIN CERTIFICATE----- blocks)", o.CACert)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{CheckRedirect: sameOrigin, Transport: t}, nil
}

// TLSHint is advice for a transport error caused by an untrusted or
// mismatched certificate, or "".
func TLSHint(err error) string {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		return "the endpoint's certificate is not signed by a CA this machine trusts: give the install's certificate or its CA as a PEM file with --ca-cert FILE"
	case errors.As(err, &hn):
		return "the endpoint's certificate is not for this host name: use the name it was issued for in --endpoint"
	case errors.As(err, &ci):
		return "the endpoint's certificate is not valid (expired, or not yet valid): renew it on the install"
	}
	return ""
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
