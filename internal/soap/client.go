package soap

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultMaxResponse bounds how much of a response is read (10 MiB).
const DefaultMaxResponse = 10 << 20

// Exchange is one HTTP round trip.
type Exchange struct {
	URL         string
	Action      string
	Request     []byte
	Status      int
	ContentType string
	Response    []byte // as received
	// Text is the response as UTF-8 (Decode): what every reader, redaction
	// and report works on. Encoding is what it was sent in.
	Text      []byte
	Encoding  string
	Truncated bool // the response was larger than the limit: not read further
	// Size is the response's length as received (at least, when Truncated);
	// Response and Text may keep only a first part of it (Trim).
	Size     int64
	Duration time.Duration
}

var defaultClient = HTTPClient()

// Client posts SOAP 1.1 requests.
type Client struct {
	HTTP        *http.Client
	MaxResponse int64
}

// Post sends an envelope with its SOAPAction. An error means no HTTP
// response was had (unreachable, timeout): an infrastructure problem, not
// a contract failure.
func (c *Client) Post(ctx context.Context, url, action, contentType string, envelope []byte) (*Exchange, error) {
	hc := c.HTTP
	if hc == nil {
		hc = defaultClient
	}
	limit := c.MaxResponse
	if limit <= 0 {
		limit = DefaultMaxResponse
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(envelope))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("SOAPAction", `"`+action+`"`)
	ex := &Exchange{URL: url, Action: action, Request: envelope}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, TransportError(err))
	}
	defer resp.Body.Close()
	ex.Status = resp.StatusCode
	ex.ContentType = resp.Header.Get("Content-Type")
	var r io.Reader = io.LimitReader(resp.Body, limit+1)
	if h, ok := ctx.Value(largeKey{}).(largeHook); ok {
		r = &watch{r: r, above: h.above, hook: h.fn}
	}
	body, err := io.ReadAll(r)
	ex.Duration = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("POST %s: reading the response: %w", url, err)
	}
	ex.Size = int64(len(body))
	if int64(len(body)) > limit {
		// The rest is not read: closing the body drops the connection.
		ex.Truncated = true
		body = append([]byte(nil), body[:min(len(body), TruncatedKeep)]...)
	}
	ex.Response = body
	ex.Text, ex.Encoding = DecodeLenient(body, Charset(ex.ContentType))
	return ex, nil
}

// TruncatedKeep is how much of an answer over the limit is kept.
const TruncatedKeep = 64 << 10

// Trim keeps at most n bytes of the response (and of its text), in arrays
// of their own, so that an exchange kept for the reports holds no more.
func (ex *Exchange) Trim(n int) {
	if len(ex.Response) > n {
		ex.Response = append([]byte(nil), ex.Response[:n]...)
	}
	if len(ex.Text) > n {
		ex.Text = append([]byte(nil), ex.Text[:n]...)
	}
}

// Kept says how much of the response the exchange holds, when not all.
func (ex *Exchange) Kept() string {
	if ex.Truncated {
		return fmt.Sprintf("the first %d bytes of an answer larger than the limit (the rest was not read)", len(ex.Response))
	}
	if int64(len(ex.Response)) < ex.Size {
		return fmt.Sprintf("the first %d of %d bytes", len(ex.Response), ex.Size)
	}
	return ""
}

// ResponseText is the response as UTF-8 (Text), or the bytes as received
// when no Text was made.
func (ex *Exchange) ResponseText() []byte {
	if ex.Text != nil {
		return ex.Text
	}
	return ex.Response
}

type largeKey struct{}

type largeHook struct {
	above int64
	fn    func()
}

// WithLarge returns a context under which Post calls fn once, before it
// reads on, when a response grows past above bytes: a caller that reads
// large answers one at a time (the engine) waits there, before holding the
// whole answer, rather than after.
func WithLarge(ctx context.Context, above int64, fn func()) context.Context {
	return context.WithValue(ctx, largeKey{}, largeHook{above: above, fn: fn})
}

// watch calls hook once when more than above bytes have been read.
type watch struct {
	r     io.Reader
	n     int64
	above int64
	hook  func()
	done  bool
}

func (w *watch) Read(p []byte) (int, error) {
	if !w.done && w.n > w.above {
		w.done = true
		w.hook()
	}
	n, err := w.r.Read(p)
	w.n += int64(n)
	return n, err
}
