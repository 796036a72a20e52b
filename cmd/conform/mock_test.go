package main

import (
	"bufio"
	"context"
	"github.com/conform-dev/conform/internal/netserver"
	"io"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/soap"
)

// startMock runs `conform mock` in-process and returns its base URL and a
// stop function that returns the exit code.
func startMock(args ...string) (string, func() int) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"mock", "--addr", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	Expect(err).NotTo(HaveOccurred())
	go io.Copy(io.Discard, pr)
	return strings.TrimSpace(line), func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(10 * time.Second):
			return -1
		}
	}
}

func login(base, user, password string) bool {
	ns := "http://www.superoffice.net/ws/crm/NetServer/Services88"
	env := soap.Envelope("1.1", netserver.RequestHeaders(ns, nil, nil)[:1],
		soap.Elem(ns, "AuthenticateUsernamePassword", soap.Text("UserName", user)+soap.Text("Password", password)))
	ex, err := (&soap.Client{}).Post(context.Background(), base+"/Remote/Services88/SoPrincipal.svc",
		"http://www.superoffice.net/ws/crm/NetServer/Services88/SoPrincipal/AuthenticateUsernamePassword", soap.ContentType11, env)
	Expect(err).NotTo(HaveOccurred())
	msg, err := soap.Read(ex.Response)
	Expect(err).NotTo(HaveOccurred())
	return *msg.Body.At("AuthenticationSucceeded").Value() == "true"
}

var _ = Describe("conform mock", func() {
	It("prints its base URL, serves the default user and stops gracefully", func() {
		base, stop := startMock()
		Expect(base).To(HavePrefix("http://127.0.0.1:"))
		Expect(login(base, mock.DefaultUser, mock.DefaultPassword)).To(BeTrue())
		Expect(stop()).To(Equal(0))
	})

	It("takes users from --user, replacing the default", func() {
		base, stop := startMock("--user", "ann:pw1", "--user", "bob:pw2")
		Expect(login(base, "ann", "pw1")).To(BeTrue())
		Expect(login(base, "bob", "pw2")).To(BeTrue())
		Expect(login(base, mock.DefaultUser, mock.DefaultPassword)).To(BeFalse())
		Expect(stop()).To(Equal(0))
	})

	It("takes a user from CONFORM_MOCK_USER", func() {
		GinkgoT().Setenv("CONFORM_MOCK_USER", "eve:from-env")
		base, stop := startMock()
		Expect(login(base, "eve", "from-env")).To(BeTrue())
		Expect(stop()).To(Equal(0))
	})

	DescribeTable("refuses bad configuration with exit 2",
		func(want string, args ...string) {
			code, _, errs := conform(append([]string{"mock", "--addr", "127.0.0.1:0"}, args...)...)
			Expect(code).To(Equal(2))
			Expect(errs).To(ContainSubstring(want))
		},
		Entry("user without password", "NAME:PASSWORD", "--user", "ann"),
		Entry("online without token", "--app-token", "--online"),
	)
})
