package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/conform-dev/conform/internal/clientcert"
	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/soap"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/conform-dev/conform/internal/mock"
)

// MockOptions are the inputs of `conform mock`.
type MockOptions struct {
	Addr           string
	Users          []string // NAME:PASSWORD
	Online         bool
	AppToken       string
	TicketTTL      time.Duration
	MaxBody        int64
	Strict         bool
	MaxSessions    int
	MaxStored      int
	MaxStoredBytes int64
	Contracts      []string      // contracts directories to serve besides the embedded ones
	Reports        string        // write a client report here when stopped ("": none)
	Output         report.Output // how its junit.xml is written
	Duration       time.Duration // stop after this long (0: at SIGINT or SIGTERM)
	Findings       string        // a file for request findings as JSON lines; "-" is stdout
}

// ParseUsers reads NAME:PASSWORD pairs.
func ParseUsers(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	users := map[string]string{}
	for _, p := range pairs {
		name, pw, ok := strings.Cut(p, ":")
		if !ok || name == "" || pw == "" {
			return nil, errors.New("--user wants NAME:PASSWORD (both non-empty)")
		}
		users[name] = pw
	}
	return users, nil
}

// Mock runs `conform mock` until ctx ends (SIGINT or SIGTERM in main),
// then shuts down gracefully.
func Mock(ctx context.Context, o MockOptions, stdout, stderr io.Writer) error {
	users, err := ParseUsers(o.Users)
	// What the mock prints passes through the redaction of its users'
	// passwords and its application token (and the token shapes); a
	// client's own credentials are redacted in each log line besides.
	known := []string{o.AppToken}
	for _, pw := range users {
		known = append(known, pw)
	}
	red := netserver.NewRedactor(known...)
	stdout, flushOut := Protect(stdout, func() *soap.Redactor { return red })
	defer flushOut()
	stderr, flushErr := Protect(stderr, func() *soap.Redactor { return red })
	defer flushErr()
	if err != nil {
		return usageErr("%v", err)
	}
	var findings io.Writer
	switch o.Findings {
	case "":
	case "-":
		findings = stdout
	default:
		f, err := os.OpenFile(o.Findings, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return usageErr("--findings: %v (name a file in a folder you can write)", err)
		}
		defer f.Close()
		findings = f
	}
	set, err := LoadContracts(o.Contracts, nil)
	if err != nil {
		return usageErr("%v", err)
	}
	m, err := mock.New(mock.Options{Contracts: set, Users: users, Online: o.Online, AppToken: o.AppToken, TicketTTL: o.TicketTTL, MaxBody: o.MaxBody,
		Strict: o.Strict, Findings: findings, MaxSessions: o.MaxSessions, MaxStored: o.MaxStored, MaxStoredBytes: o.MaxStoredBytes,
		Logf: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }})
	if err != nil {
		return usageErr("%v (with --online, give --app-token or CONFORM_APP_TOKEN)", err)
	}
	if o.Reports != "" {
		rec := clientcert.New(m, set)
		return serveAndReport(ctx, "mock", o.Addr, rec, set, "a client against conform mock", "conform mock", o.Reports, o.Output, o.Duration, stdout, stderr, func(base string) {
			fmt.Fprintf(stderr, "conform mock: serving %s at %s<Agent>.svc; a client report goes to %s when stopped (Ctrl-C or --duration)\n", strings.Join(m.Agents(), ", "), base+mock.BasePath, o.Reports)
		})
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return infraErr("cannot listen on %s: %v (choose another --addr)", o.Addr, err)
	}
	srv := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: mock.ReadTimeout, WriteTimeout: mock.WriteTimeout, IdleTimeout: mock.IdleTimeout}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, base)
	userList := "the default user " + mock.DefaultUser + ":" + mock.DefaultPassword
	if users != nil {
		userList = fmt.Sprintf("%d configured user(s)", len(users))
	}
	policy := "requests that lack declared headers are served, as NetServer does; every finding is logged"
	if o.Strict {
		policy = "strict: requests that break the contract get a Client fault"
	}
	fmt.Fprintf(stderr, "conform mock: serving %s at %s<Agent>.svc (%s; %s mode; %s); stop with Ctrl-C\n",
		strings.Join(m.Agents(), ", "), base+mock.BasePath, userList, map[bool]string{true: "Online", false: "on-site"}[o.Online], policy)
	select {
	case err := <-done:
		return infraErr("%v", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return infraErr("shutdown: %v", err)
	}
	fmt.Fprintln(stderr, "conform mock: stopped")
	return nil
}
