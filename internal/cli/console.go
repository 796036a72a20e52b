package cli

import (
	"io"
	"sync"

	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/soap"
)

// console is the one writer through which a command's text reaches stdout
// or stderr: every complete line is redacted, like the reports, by every
// redactor the command registered (the run's credentials, learned as they
// come) and by the token shapes, so that no warning, error or progress
// line can print a credential, whatever path it took. Lines are written
// whole (a secret cannot straddle two writes); Flush writes a last partial
// line.
type console struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	sources []func() *soap.Redactor
}

// shapesOnly redacts tokens by their shape.
var shapesOnly = netserver.NewRedactor()

// Console wraps a stream (os.Stdout, os.Stderr) so that what is written to
// it is redacted line by line: by shape, and by what Protect registers.
func Console(w io.Writer) io.Writer {
	if c, ok := w.(*console); ok {
		return c
	}
	return &console{w: w}
}

// Protect registers a source of redaction (a command's credentials) with a
// console, wrapping w in one first when it is not; flush writes what is
// buffered, and is what a command defers.
func Protect(w io.Writer, red func() *soap.Redactor) (out io.Writer, flush func()) {
	c, ok := w.(*console)
	if !ok {
		c = &console{w: w}
	}
	c.mu.Lock()
	c.sources = append(c.sources, red)
	c.mu.Unlock()
	return c, c.Flush
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	last := -1
	for i := len(c.buf) - 1; i >= 0; i-- {
		if c.buf[i] == '\n' {
			last = i
			break
		}
	}
	if last < 0 {
		return len(p), nil
	}
	err := c.emit(string(c.buf[:last+1]))
	c.buf = append(c.buf[:0], c.buf[last+1:]...)
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a last line that has no newline.
func (c *console) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.buf) > 0 {
		c.emit(string(c.buf))
		c.buf = c.buf[:0]
	}
}

func (c *console) emit(text string) error {
	for _, src := range c.sources {
		if r := src(); r != nil {
			text = r.String(text)
		}
	}
	_, err := io.WriteString(c.w, shapesOnly.String(text))
	return err
}

// Flush writes what consoles hold of a last line.
func Flush(ws ...io.Writer) {
	for _, w := range ws {
		if c, ok := w.(*console); ok {
			c.Flush()
		}
	}
}
