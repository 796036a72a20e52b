package soap_test

import (
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/soap"
)

func TestSecretsAndRedact(t *testing.T) {
	const ns = "http://www.superoffice.net/ws/crm/NetServer/Services88"
	for _, tc := range []struct {
		name string
		msg  []byte
		want []string
	}{
		{"request headers", soap.Envelope("1.1", soap.RequestHeaders(ns, strPtr("app-secret"), strPtr("7T:tkt")), soap.Elem(ns, "GetAccessToken", "")), []string{"app-secret", "7T:tkt"}},
		{"access token response", soap.Envelope("1.1", nil, soap.Elem(ns, "GetAccessTokenResponse", soap.Text("Response", "token-value"))), []string{"token-value"}},
		{"token key", soap.Envelope("1.1", nil, soap.Elem(ns, "GetExternalTokens", soap.Text("Key", "the-key"))), []string{"the-key"}},
		{"stored tokens", soap.Envelope("1.1", nil, soap.Elem(ns, "SaveExternalTokens", "<TokenManagementInfo>"+soap.Text("AccessToken", "to&ken")+soap.Text("Provider", "Google")+"</TokenManagementInfo>")), []string{"to&ken"}},
		{"password", soap.Envelope("1.1", nil, soap.Elem(ns, "AuthenticateUsernamePassword", soap.Text("UserName", "ann")+soap.Text("Password", "pw-1234"))), []string{"pw-1234"}},
	} {
		got := soap.Secrets(tc.msg)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: secrets %q, want %q", tc.name, got, tc.want)
		}
		red := soap.Redact(string(tc.msg), got...)
		for _, s := range tc.want {
			if strings.Contains(red, s) || strings.Contains(red, soap.Escape(s)) {
				t.Errorf("%s: %q survives redaction: %s", tc.name, s, red)
			}
		}
	}
	if got := soap.Redact("ticket 7T:abcDEF123== and token 8A:xyz_123 seen"); got != "ticket [REDACTED] and token [REDACTED] seen" {
		t.Errorf("shape redaction: %q", got)
	}
	if got := soap.Redact("Provider and AccessToken", "Provider"); got != "[REDACTED] and AccessToken" {
		t.Errorf("%q", got)
	}
}

func strPtr(s string) *string { return &s }
