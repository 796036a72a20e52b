// Command slowproxy stands in front of an endpoint for bench/engine.sh:
// it adds a delay to every SOAP call, or (with -hang-user) answers the
// WSDLs and the login but never the User agent's calls.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"time"
)

func main() {
	upstream := flag.String("upstream", "", "base URL to forward to")
	delay := flag.Duration("delay", 50*time.Millisecond, "added to every POST")
	hang := flag.Bool("hang-user", false, "never answer a POST to the User agent")
	flag.Parse()
	u, err := url.Parse(*upstream)
	if err != nil || u.Host == "" {
		fmt.Fprintln(os.Stderr, "slowproxy: want -upstream URL")
		os.Exit(2)
	}
	p := httputil.NewSingleHostReverseProxy(u)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("http://" + ln.Addr().String())
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if *hang && strings.HasSuffix(r.URL.Path, "/User.svc") {
				io.Copy(io.Discard, r.Body)
				<-r.Context().Done()
				return
			}
			time.Sleep(*delay)
		}
		p.ServeHTTP(w, r)
	}))
}
