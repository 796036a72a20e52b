package netserver_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/soap"
)

func TestSecretsAndRedact(t *testing.T) {
	const ns = "http://www.superoffice.net/ws/crm/NetServer/Services88"
	for _, tc := range []struct {
		name string
		msg  []byte
		want []string
	}{
		{"request headers", soap.Envelope("1.1", netserver.RequestHeaders(ns, strPtr("app-secret"), strPtr("7T:tkt")), soap.Elem(ns, "GetAccessToken", "")), []string{"app-secret", "7T:tkt"}},
		{"access token response", soap.Envelope("1.1", nil, soap.Elem(ns, "GetAccessTokenResponse", soap.Text("Response", "token-value"))), []string{"token-value"}},
		{"token key", soap.Envelope("1.1", nil, soap.Elem(ns, "GetExternalTokens", soap.Text("Key", "the-key"))), []string{"the-key"}},
		{"stored tokens", soap.Envelope("1.1", nil, soap.Elem(ns, "SaveExternalTokens", "<TokenManagementInfo>"+soap.Text("AccessToken", "to&ken")+soap.Text("Provider", "Google")+"</TokenManagementInfo>")), []string{"to&ken"}},
		{"password", soap.Envelope("1.1", nil, soap.Elem(ns, "AuthenticateUsernamePassword", soap.Text("UserName", "ann")+soap.Text("Password", "pw-1234"))), []string{"pw-1234"}},
	} {
		got := netserver.Secrets(tc.msg)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: secrets %q, want %q", tc.name, got, tc.want)
		}
		red := netserver.Redact(string(tc.msg), got...)
		for _, s := range tc.want {
			if strings.Contains(red, s) || strings.Contains(red, soap.Escape(s)) {
				t.Errorf("%s: %q survives redaction: %s", tc.name, s, red)
			}
		}
	}
	if got := netserver.Redact("ticket 7T:abcDEF123== and token 8A:xyz_123 seen"); got != "ticket "+soap.Mark("7T:abcDEF123==")+" and token "+soap.Mark("8A:xyz_123")+" seen" {
		t.Errorf("shape redaction: %q", got)
	}
	if got := netserver.Redact("Provider and AccessToken", "Provider"); got != soap.Mark("Provider")+" and AccessToken" {
		t.Errorf("%q", got)
	}
}

func strPtr(s string) *string { return &s }

func TestAgentURL(t *testing.T) {
	for _, base := range []string{"https://h/Cust1", "https://h/Cust1/", "https://h/Cust1//"} {
		if got := netserver.AgentURL(base, "User"); got != "https://h/Cust1/Remote/Services88/User.svc" {
			t.Errorf("%s: %s", base, got)
		}
	}
}

// What a reader sees is redacted: references, CDATA splits, odd characters.
func TestRedactWhatAReaderSees(t *testing.T) {
	const tk = "7T:PARTabc!TAILSECRET42"
	r := netserver.NewRedactor("s3cret-value")
	for _, in := range []string{
		"<a>" + tk + "</a>",
		"<a>&#55;&#84;&#58;&#80;ARTabc!TAILSECRET42</a>",
		"<a><![CDATA[7T:PART]]><![CDATA[abc!TAILSECRET42]]></a>",
		"<a x=\"&#55;T:PARTabc!TAILSECRET42\"/>",
		"not xml &#x37;T:PARTabc!TAILSECRET42 <",
		"<a>s3cret&#45;value</a>",
	} {
		got := r.XML(in)
		if strings.Contains(got, "TAILSECRET42") || strings.Contains(got, "PART") || strings.Contains(got, "s3cret") {
			t.Errorf("%q → %q", in, got)
		}
	}
	// Ordinary text and markup survive the readable view.
	in := "<a>line\n  two &amp; &lt;three&gt; &#233;</a>"
	if got := r.XML(in); got != "<a>line\n  two &amp; &lt;three&gt; é</a>" {
		t.Errorf("%q", got)
	}
}

// Redaction with a large secret set stays one pass over the text.
func BenchmarkRedactManySecrets(b *testing.B) {
	secrets := make([]string, 400000)
	for i := range secrets {
		secrets[i] = "secret-value-" + strconv.Itoa(i*7919)
	}
	r := netserver.NewRedactor(secrets...)
	text := strings.Repeat("<Message>nothing to see here, 7T:abcdef</Message>", 20000) // 1 MB
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.String(text)
	}
}
