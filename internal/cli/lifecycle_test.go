package cli_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/cli"
	"github.com/conform-dev/conform/internal/mock"
	"github.com/conform-dev/conform/internal/report"
)

// rewrite serves the mock, rewriting the answers to one operation.
func rewrite(m http.Handler, op string, fix func(body string) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(strings.Trim(r.Header.Get("SOAPAction"), `"`), "/"+op) {
			m.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write([]byte(fix(rec.Body.String())))
	})
}

// A life cycle catches what it claims: each broken variant of the role
// family fails (MUST) or warns (SHOULD) with the right check, at the step
// that shows it, and the message names the field.
func TestLifeCycleCatchesBrokenServers(t *testing.T) {
	roleID := regexp.MustCompile(`<RoleId>[0-9]+</RoleId>`)
	for _, tc := range []struct {
		name, op string
		fix      func(string) string
		step     string
		outcome  string // of EXP-VALUE at that step
		want     string // in its message
	}{
		{"save answers key 0", "SaveRoleEntity", func(b string) string { return roleID.ReplaceAllString(b, "<RoleId>0</RoleId>") },
			"save a new one", report.Failed, `Response/RoleId is "0"; expected a match of`},
		{"get answers another role", "GetRoleEntity", func(b string) string { return roleID.ReplaceAllString(b, "<RoleId>1</RoleId>") },
			"read it back", report.Failed, `Response/RoleId is "1"; expected "1`},
		{"get answers the value before the change", "GetRoleEntity", func(b string) string { return strings.ReplaceAll(b, " updated<", "<") },
			"read the change back", report.Warning, "Response/Name is \"conform-"},
		{"delete answers success and keeps the role", "DeleteRole", func(b string) string { return b },
			"gone after delete", report.Warning, "Response is "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mock.MustNew(mock.Options{})
			var h http.Handler = rewrite(m, tc.op, tc.fix)
			if tc.op == "DeleteRole" {
				// Answer success without deleting.
				h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasSuffix(strings.Trim(r.Header.Get("SOAPAction"), `"`), "/DeleteRole") {
						w.Header().Set("Content-Type", "text/xml; charset=utf-8")
						w.Write([]byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><ExceptionInfo xmlns="` + ns + `" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/><ExtraInfo xmlns="` + ns + `" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/><Succeeded xmlns="` + ns + `">true</Succeeded><TimeZone xmlns="` + ns + `" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/></s:Header><s:Body><DeleteRoleResponse xmlns="` + ns + `"/></s:Body></s:Envelope>`))
						return
					}
					m.ServeHTTP(w, r)
				})
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			dir := t.TempDir()
			o := tierOptions(liveOptions(srv.URL, dir), "own-data")
			o.Ops, o.LabelFilter = "User.SaveRoleEntity", "lifecycle"
			var out bytes.Buffer
			err := cli.Run(context.Background(), o, &out, &out)
			var v *cli.Verdict
			switch {
			case tc.outcome == report.Failed && (!errors.As(err, &v) || v.Status != report.NotConformant):
				t.Errorf("%v, want a not conformant verdict\n%s", err, out.String())
			case tc.outcome != report.Failed && err != nil:
				t.Errorf("%v, want conformant\n%s", err, out.String())
			}
			sum := summaryOf(t, dir)
			found := false
			for _, st := range sum.Cases[0].Steps {
				for _, r := range st.Results {
					if st.Name == tc.step && r.Check == "EXP-VALUE" && r.Outcome == tc.outcome && strings.Contains(r.Message, tc.want) {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("no EXP-VALUE %s containing %q at step %q:\n%s", tc.outcome, tc.want, tc.step, out.String())
			}
		})
	}
}
