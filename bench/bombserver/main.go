// Command bombserver is a hostile endpoint for bench/bombs.sh: it answers
// every User call with the bytes of one file, and everything else (WSDLs,
// the SoPrincipal login) as conform's mock does.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/conform-dev/conform/internal/mock"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: bombserver ADDR FILE")
		os.Exit(2)
	}
	bomb, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	m := mock.MustNew(mock.Options{})
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("http://" + ln.Addr().String())
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/User.svc") {
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			w.Write(bomb)
			return
		}
		m.ServeHTTP(w, r)
	}))
}
