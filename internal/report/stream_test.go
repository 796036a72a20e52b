package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-dev/conform/internal/netserver"
	"github.com/conform-dev/conform/internal/report"
	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
)

// Stream writes a case's evidence when it ends and lets its messages go;
// Write uses what it built. A credential the run learns after a case was
// streamed is still redacted in that case's evidence and text.
func TestStreamedEvidence(t *testing.T) {
	const late = "a-token-learned-later"
	body := strings.Repeat("x", 1<<20) + late
	res := results.Case{Operation: "User.GetExternalTokens", Name: "round trip", Status: results.Failed, Steps: []results.Step{{Name: "get", Call: "User.GetExternalTokens",
		Exchange: &results.Exchange{URL: "http://x", Request: "<r/>", Response: body, Status: 200},
		Checks:   []results.Check{{ID: "EXP-VALUE", Status: results.Failed, Message: "Response is " + late}}}}}
	red := netserver.NewRedactor()
	dir := t.TempDir()
	w := &report.Writer{Dir: dir, Redactor: func() *soap.Redactor { return red }}
	kept := res // what RunAll keeps: it shares the exchange
	if err := w.Stream(&res); err != nil {
		t.Fatal(err)
	}
	if kept.Steps[0].Exchange.Response != "" {
		t.Error("the streamed case still holds its response in memory")
	}
	red = netserver.NewRedactor(late) // learned by a later case
	sum, err := w.Write([]results.Case{kept})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Cases) != 1 || len(sum.Cases[0].Steps[0].Evidence) != 3 {
		t.Fatalf("summary: %+v", sum.Cases)
	}
	if strings.Contains(sum.Cases[0].Steps[0].Results[0].Message, late) {
		t.Errorf("the message keeps the credential: %s", sum.Cases[0].Steps[0].Results[0].Message)
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		if strings.Contains(string(data), late) {
			t.Errorf("%s keeps the credential learned later", p)
		}
		return nil
	})
	resp, err := os.ReadFile(sum.Cases[0].Steps[0].Evidence[1])
	if err != nil || len(resp) < 1<<20 {
		t.Errorf("the response evidence: %d bytes, %v", len(resp), err)
	}
}

// A page shows the first 64 KiB of a message; a credential that straddles
// that cut is redacted whole before the cut, so no prefix of it is shown.
func TestPageCutKeepsNoPartOfACredential(t *testing.T) {
	const secret = "correct-horse-battery-staple"
	body := strings.Repeat("x", 64<<10-10) + secret + strings.Repeat("y", 1<<20)
	res := results.Case{Operation: "User.GetExternalTokens", Name: "cut", Status: results.Failed, Steps: []results.Step{{Name: "get", Call: "User.GetExternalTokens",
		Exchange: &results.Exchange{URL: "http://x", Request: "<r/>", Response: body, Status: 200},
		Checks:   []results.Check{{ID: "EXP-VALUE", Status: results.Failed, Message: "bad"}}}}}
	red := netserver.NewRedactor(secret)
	w := &report.Writer{Dir: t.TempDir(), Redactor: func() *soap.Redactor { return red }}
	sum, err := w.Write([]results.Case{res})
	if err != nil {
		t.Fatal(err)
	}
	shown := sum.Cases[0].Steps[0].Exchange.Response
	if strings.Contains(shown, secret[:10]) || !strings.Contains(shown, "[REDACTED") {
		t.Errorf("the page's cut shows part of the credential: …%s", shown[64<<10-40:64<<10+20])
	}
	if len(shown) > 64<<10+100 || !strings.Contains(shown, "more bytes in the evidence file]") {
		t.Errorf("the page shows %d bytes, not the first 64 KiB and a note", len(shown))
	}
}

// StreamStep writes a step's evidence as the step ends and keeps only the
// page's excerpt of its messages: a case of several large answers holds
// one at a time. The files are whole, and a credential the run learns
// after a step was streamed is redacted in them too.
func TestStreamedSteps(t *testing.T) {
	const late = "a-token-learned-later"
	red := netserver.NewRedactor()
	dir := t.TempDir()
	w := &report.Writer{Dir: dir, Redactor: func() *soap.Redactor { return red }}
	res := results.Case{Operation: "User.GetExternalTokens", Name: "many steps", Status: results.Failed}
	for i := 0; i < 3; i++ {
		body := late + strings.Repeat("x", 1<<20)
		res.Steps = append(res.Steps, results.Step{Name: "get", Call: "User.GetExternalTokens",
			Exchange: &results.Exchange{URL: "http://x", Request: "<r/>", Response: body, Status: 200},
			Checks:   []results.Check{{ID: "EXP-VALUE", Status: results.Failed, Message: "bad"}}})
		if err := w.StreamStep(&res, i); err != nil {
			t.Fatal(err)
		}
		if n := len(res.Steps[i].Exchange.Response); n > 2*64<<10+100 {
			t.Errorf("step %d still holds %d bytes of its response after StreamStep", i, n)
		}
	}
	red = netserver.NewRedactor(late)
	if err := w.Stream(&res); err != nil {
		t.Fatal(err)
	}
	sum, err := w.Write([]results.Case{res})
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range sum.Cases[0].Steps {
		if len(st.Evidence) != 3 {
			t.Fatalf("step %d: evidence %v", i, st.Evidence)
		}
		data, err := os.ReadFile(st.Evidence[1])
		if err != nil || len(data) < 1<<20 {
			t.Errorf("step %d: the response evidence has %d bytes, %v", i, len(data), err)
		}
		if strings.Contains(string(data), late) {
			t.Errorf("step %d: the evidence keeps the credential learned later", i)
		}
		if st.Exchange == nil || strings.Contains(st.Exchange.Response, late) || !strings.Contains(st.Exchange.Response, "more bytes in the evidence file]") {
			t.Errorf("step %d: the page's excerpt: %.80q", i, st.Exchange.Response)
		}
	}
}
