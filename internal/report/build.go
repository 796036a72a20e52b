package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/conform-dev/conform/internal/results"
	"github.com/conform-dev/conform/internal/soap"
)

// Writer writes the reports of one run into Dir.
type Writer struct {
	Dir      string
	Output   Output // how junit.xml is written
	Manifest Manifest
	// Redactor redacts every credential of the run (engine.Redactor).
	Redactor func() *soap.Redactor

	staging string // evidence folder being written

	mu       sync.Mutex
	streamed map[string]*streamedCase  // Operation + "\x00" + Name → the case as Stream built it
	stepsMu  sync.Mutex                // guards steps (Write holds mu while it reads them)
	steps    map[stepKey]*streamedStep // steps whose evidence StreamStep wrote
}

// stepKey names a step of a case: Operation + "\x00" + Name, and its index.
type stepKey struct {
	c string
	i int
}

// streamedStep is a step whose evidence StreamStep wrote as it ended.
type streamedStep struct {
	files []string
	red   *soap.Redactor // the redactor the files were redacted with
}

// streamedCase is a case whose evidence Stream wrote as it ended.
type streamedCase struct {
	c     Case
	red   *soap.Redactor // the redactor it was redacted with
	files []string       // its evidence files
	dup   bool           // two cases of the run share its name: build it again in Write
	ready bool           // built (a case being streamed is claimed first)
}

// Stream writes a case's evidence as soon as the case ends and drops the
// messages the result holds (its exchanges keep URL, status and type), so
// that a run's memory does not grow with the number of large answers.
// Write then uses what Stream built; if the run learned a credential after
// it (the redactor changed), the case's evidence and text are redacted
// again. The caller hands each case once; Stream is safe for concurrent use.
func (w *Writer) Stream(res *results.Case) error {
	w.mu.Lock()
	if err := w.begin(); err != nil {
		w.mu.Unlock()
		return err
	}
	key := res.Operation + "\x00" + res.Name
	if prev := w.streamed[key]; prev != nil {
		prev.dup = true
		w.mu.Unlock()
		return nil // kept whole: Write builds both from the results
	}
	sc := &streamedCase{} // claimed; ready below
	w.streamed[key] = sc
	w.mu.Unlock()
	// Outside the lock: cases stream side by side, each into its own
	// evidence folder.
	red := w.Redactor()
	c, err := w.caseOf(res)
	if err != nil {
		return err
	}
	w.mu.Lock()
	sc.c, sc.red, sc.ready = c, red, true
	for _, st := range c.Steps {
		sc.files = append(sc.files, st.Evidence...)
	}
	w.mu.Unlock()
	for i := range res.Steps {
		if ex := res.Steps[i].Exchange; ex != nil {
			ex.Request, ex.Response = "", ""
		}
	}
	return nil
}

// StreamStep writes the evidence of a case's step i as soon as the step
// ends and keeps of its messages only what a report page shows (shown), so
// that a case of many large answers holds one at a time, not all of them
// until it ends. Stream and Write use the files it wrote, redacted again
// if the run learned a credential since. Safe for concurrent use, a case's
// steps in order.
func (w *Writer) StreamStep(res *results.Case, i int) error {
	ex := res.Steps[i].Exchange
	if ex == nil {
		return nil
	}
	w.mu.Lock()
	if err := w.begin(); err != nil {
		w.mu.Unlock()
		return err
	}
	w.mu.Unlock()
	red := w.Redactor()
	files, err := w.writeEvidence(res, i, red)
	if err != nil {
		return err
	}
	w.stepsMu.Lock()
	w.steps[stepKey{res.Operation + "\x00" + res.Name, i}] = &streamedStep{files: files, red: red}
	w.stepsMu.Unlock()
	ex.Request, ex.Response = shown(ex.Request), shown(ex.Response)
	return nil
}

// begin prepares the staging folder, once per run.
func (w *Writer) begin() error {
	if w.streamed != nil {
		return nil
	}
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return fmt.Errorf("reports folder %s: %w", w.Dir, err)
	}
	// Evidence is rewritten whole (stale files of an earlier run would lie),
	// into a staging folder that replaces the old one only once complete.
	w.staging = filepath.Join(w.Dir, fmt.Sprintf(".evidence-%d", os.Getpid()))
	if err := os.RemoveAll(w.staging); err != nil {
		return err
	}
	w.streamed = map[string]*streamedCase{}
	w.stepsMu.Lock()
	w.steps = map[stepKey]*streamedStep{}
	w.stepsMu.Unlock()
	return nil
}

// streamedOf is the case Stream built for a result, redacted again if the
// run's redactor changed since; nil when the case was not streamed.
func (w *Writer) streamedOf(res *results.Case) (*Case, error) {
	sc := w.streamed[res.Operation+"\x00"+res.Name]
	if sc == nil || sc.dup || !sc.ready {
		return nil, nil
	}
	red := w.Redactor()
	if red == sc.red {
		return &sc.c, nil
	}
	if err := w.redactFiles(sc.files, red); err != nil {
		return nil, err
	}
	c := sc.c.redacted(red)
	return &c, nil
}

// stagingPath is where an evidence file (named by its final, absolute
// path) is while the run writes it.
func (w *Writer) stagingPath(final string) string {
	reports, _ := filepath.Abs(w.Dir)
	rel, err := filepath.Rel(filepath.Join(reports, "evidence"), final)
	if err != nil {
		return final
	}
	return filepath.Join(w.staging, rel)
}

func (w *Writer) redact(s string) string { return w.Redactor().String(s) }

// redactXML redacts a message as a reader sees it (references decoded).
func (w *Writer) redactXML(s string) string { return w.Redactor().XML(s) }

// Write builds the run's Summary from the cases' results (in the order
// given), writes the evidence, summary.json, junit.xml and report.html, and
// returns the Summary. Everything a peer sent is redacted on the way.
func (w *Writer) Write(cases []results.Case) (*Summary, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer os.RemoveAll(w.staging)
	m := w.Manifest
	m.Endpoint = w.redact(m.Endpoint)
	// What the peer said about itself and its WSDL is peer data too.
	m.Server = w.redactMap(m.Server)
	m.WSDLNotCompared = w.redactMap(m.WSDLNotCompared)
	if m.WSDLDrift != nil {
		drift := map[string][]string{}
		for k, v := range m.WSDLDrift {
			for _, d := range v {
				drift[w.redact(k)] = append(drift[w.redact(k)], w.redactXML(d))
			}
		}
		m.WSDLDrift = drift
	}
	if m.FinishedAt.IsZero() {
		m.FinishedAt = time.Now().UTC()
	}
	s := &Summary{Format: Format, Version: Version, Runs: []Manifest{m}, Strictness: Strictness()}
	for i := range cases {
		sc, err := w.streamedOf(&cases[i])
		if err != nil {
			return nil, err
		}
		if sc != nil {
			s.Cases = append(s.Cases, *sc)
			continue
		}
		c, err := w.caseOf(&cases[i])
		if err != nil {
			return nil, err
		}
		s.Cases = append(s.Cases, c)
	}
	s.Finish()
	final := filepath.Join(w.Dir, "evidence")
	if err := os.RemoveAll(final); err != nil {
		return nil, err
	}
	if _, err := os.Stat(w.staging); err == nil {
		if err := os.Rename(w.staging, final); err != nil {
			return nil, err
		}
	}
	return s, WriteAll(w.Dir, s, w.Output)
}

// writeString writes a file from a string without converting it to bytes.
func writeString(path, text string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func jsonLine(v any) ([]byte, error) {
	js, err := json.Marshal(v)
	return append(js, '\n'), err
}

// writeAtomic writes a file whole or not at all: a temporary file in the
// same folder, renamed over the target, so a reader never sees half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteAll renders a summary into dir: summary.json, junit.xml, report.html.
// Evidence paths (absolute in memory) are written relative to dir in the
// summary and the page, and as o says in the JUnit.
func WriteAll(dir string, s *Summary, o Output) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	base, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	rel := s.relativeTo(base)
	js, err := jsonLine(rel.Compact()) // one line: about 1 KB a passing case (jq . shows it indented)
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, "summary.json"), js); err != nil {
		return err
	}
	ju, err := s.JUnit(o)
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, "junit.xml"), ju); err != nil {
		return err
	}
	page, err := rel.HTML()
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "report.html"), page)
}

// caseOf is a result as the summary holds it, every peer text redacted
// (Case.redacted), its evidence written.
func (w *Writer) caseOf(res *results.Case) (Case, error) {
	c, err := w.plainCaseOf(res)
	if err != nil {
		return c, err
	}
	return c.redacted(w.Redactor()), nil
}

func (w *Writer) plainCaseOf(res *results.Case) (Case, error) {
	c := Case{Operation: res.Operation, Name: res.Name, Labels: res.Labels, Safety: res.Safety, Source: res.Source,
		Kind: kindOf(res.Labels, res.Generated), Outcome: string(res.Status), Seconds: res.Seconds, Records: res.Records}
	if res.Status == results.Skipped {
		c.SkipReason = res.SkipReason
		if c.SkipReason == "" {
			c.SkipReason = Skipped
		}
		return c, nil
	}
	for i, st := range res.Steps {
		step := Step{Name: st.Name, Call: st.Call, Fault: st.Fault, CleanUp: st.CleanUp}
		if st.Exchange != nil {
			step.Seconds = st.Exchange.Seconds
		}
		problem := false
		for _, cr := range st.Checks {
			step.Results = append(step.Results, Result{Check: cr.ID, Severity: severity(cr.ID), Outcome: string(cr.Status),
				Message: cr.Message, Detail: cr.Detail, Line: cr.Line, Path: cr.Path})
			if cr.Status == results.Failed || cr.Status == results.Error || cr.Status == results.Warning {
				problem = true
			}
		}
		if st.Fault && c.Kind == KindHappy {
			c.Kind = KindFault
		}
		files, err := w.evidence(res, i)
		if err != nil {
			return c, err
		}
		step.Evidence = files
		if problem && st.Exchange != nil {
			ex := st.Exchange
			step.Exchange = &Exchange{URL: ex.URL, Action: ex.Action, Status: ex.Status, ContentType: ex.ContentType,
				Request: soap.Readable(shown(ex.Request)), Response: soap.Readable(shown(ex.Response))}
		}
		c.Steps = append(c.Steps, step)
	}
	return c, nil
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// evidence writes one step's exchange and returns the paths to attach;
// a step StreamStep wrote has its files, redacted again if the run learned
// a credential since.
func (w *Writer) evidence(res *results.Case, i int) ([]string, error) {
	w.stepsMu.Lock()
	ss := w.steps[stepKey{res.Operation + "\x00" + res.Name, i}]
	w.stepsMu.Unlock()
	if ss == nil {
		return w.writeEvidence(res, i, w.Redactor())
	}
	if red := w.Redactor(); red != ss.red {
		if err := w.redactFiles(ss.files, red); err != nil {
			return nil, err
		}
		w.stepsMu.Lock()
		ss.red = red
		w.stepsMu.Unlock()
	}
	return ss.files, nil
}

// redactFiles redacts evidence files (by their final paths) again.
func (w *Writer) redactFiles(files []string, red *soap.Redactor) error {
	for _, f := range files {
		data, err := os.ReadFile(w.stagingPath(f))
		if err != nil {
			return err
		}
		if out := red.String(string(data)); out != string(data) {
			if err := os.WriteFile(w.stagingPath(f), []byte(out), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeEvidence writes one step's exchange, redacted by red, and returns
// the paths to attach.
func (w *Writer) writeEvidence(res *results.Case, i int, red *soap.Redactor) ([]string, error) {
	st := res.Steps[i]
	ex := st.Exchange
	if ex == nil {
		return nil, nil
	}
	rel := filepath.Join("evidence", res.Operation, slug(res.Name))
	dir := filepath.Join(w.staging, res.Operation, slug(res.Name))
	reports, err := filepath.Abs(w.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	base := fmt.Sprintf("%02d-%s", i+1, slug(st.Name))
	var files []string
	put := func(name string, data string) error {
		// Written as a string: a 10 MB answer is not copied once more.
		if err := writeString(filepath.Join(dir, name), red.XML(data)); err != nil {
			return err
		}
		files = append(files, filepath.Join(reports, rel, name))
		return nil
	}
	if err := put(base+".request.xml", ex.Request); err != nil {
		return nil, err
	}
	if ex.Status != 0 {
		// What a reader sees: UTF-16 decoded (redaction matches decoded text).
		if err := put(base+".response.xml", ex.Response); err != nil {
			return nil, err
		}
	}
	meta := fmt.Sprintf("POST %s\nSOAPAction: %q\n\nHTTP %d\nContent-Type: %s\nDuration: %s\n", ex.URL, ex.Action, ex.Status, ex.ContentType, time.Duration(ex.Seconds*float64(time.Second)).Round(time.Microsecond))
	if ex.Kept != "" {
		meta += "Kept: " + ex.Kept + "\n"
	}
	if ex.Encoding != "" {
		meta += "Encoding: " + ex.Encoding + " (the response file holds it decoded, as UTF-8)\n"
	}
	if err := put(base+".http.txt", meta); err != nil {
		return nil, err
	}
	return files, nil
}

func (w *Writer) redactMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[w.redact(k)] = w.redactXML(v)
	}
	return out
}

// maxShown is how much of a message a report page shows; the evidence
// file has what was kept.
const maxShown = 64 << 10

// shown is the part of a message a page shows, with a note of the rest.
// Cut at twice maxShown first, so that redaction (of the whole case, after)
// costs no more for a 10 MB answer; a credential that straddles the
// page's own cut is whole in what is redacted (Case.redacted cuts last).
func shown(b string) string {
	if len(b) <= maxShown || (len(b) <= 2*maxShown+len(cutNote)+20 && strings.HasSuffix(b, " more bytes in the evidence file]")) {
		return b // short, or shown already (StreamStep)
	}
	return b[:2*maxShown] + fmt.Sprintf(cutNote, len(b)-maxShown)
}

// cutNote ends a message a page shows in part (%d: bytes not shown).
const cutNote = "\n[… %d more bytes in the evidence file]"

// cut shortens a redacted message to maxShown, keeping shown's note.
func cut(b string) string {
	if len(b) <= maxShown {
		return b
	}
	note := ""
	if i := strings.LastIndex(b, "\n[… "); i >= 0 && strings.HasSuffix(b, " more bytes in the evidence file]") {
		b, note = b[:i], b[i:]
	}
	if len(b) <= maxShown {
		return b + note
	}
	if note == "" {
		note = fmt.Sprintf(cutNote, len(b)-maxShown)
	}
	return b[:maxShown] + note
}

// redacted is the case with every text a peer could have put a credential
// in redacted (a copy: the receiver is not changed): the one walk over a
// summary's case, as it is built and when the run learns a credential after
// it was.
func (c Case) redacted(red *soap.Redactor) Case {
	c.SkipReason = red.String(c.SkipReason)
	steps := make([]Step, len(c.Steps))
	for i, st := range c.Steps {
		rs := make([]Result, len(st.Results))
		for j, r := range st.Results {
			r.Message, r.Detail, r.Path = red.String(r.Message), red.String(r.Detail), red.String(r.Path)
			rs[j] = r
		}
		st.Results = rs
		if st.Exchange != nil {
			ex := *st.Exchange
			ex.URL, ex.ContentType = red.String(ex.URL), red.String(ex.ContentType)
			// Messages are held as a reader sees them (soap.Readable: character
			// references and CDATA decoded), so that a redaction again finds
			// what it finds in the evidence.
			ex.Request, ex.Response = cut(red.String(ex.Request)), cut(red.String(ex.Response))
			st.Exchange = &ex
		}
		steps[i] = st
	}
	if c.Steps != nil {
		c.Steps = steps
	}
	if c.Records != nil {
		records := make([]results.Record, len(c.Records))
		for i, rec := range c.Records {
			records[i] = RedactRecord(rec, red)
		}
		c.Records = records
	}
	return c
}

// Redacted is a case's result with every credential redacted: for handing a
// result to another process (the Ginkgo adapter's report entries), whose
// redactor does not know this process's secrets.
func Redacted(c results.Case, r *soap.Redactor) results.Case {
	c.SkipReason = r.String(c.SkipReason)
	steps := make([]results.Step, len(c.Steps))
	for i, st := range c.Steps {
		checks := make([]results.Check, len(st.Checks))
		for j, ch := range st.Checks {
			ch.Message, ch.Detail = r.String(ch.Message), r.String(ch.Detail)
			checks[j] = ch
		}
		st.Checks = checks
		if st.Exchange != nil {
			ex := *st.Exchange
			ex.URL, ex.ContentType = r.String(ex.URL), r.String(ex.ContentType)
			ex.Request, ex.Response = r.XML(ex.Request), r.XML(ex.Response)
			st.Exchange = &ex
		}
		steps[i] = st
	}
	c.Steps = steps
	records := make([]results.Record, len(c.Records))
	for i, rec := range c.Records {
		records[i] = RedactRecord(rec, r)
	}
	c.Records = records
	return c
}

// RedactRecord redacts a ledger record: an identifier that is a credential
// (a token key) shows as its mark, which equals the mark in the evidence.
func RedactRecord(rec results.Record, r *soap.Redactor) results.Record {
	rec.ID, rec.Note, rec.Case, rec.Step = r.String(rec.ID), r.String(rec.Note), r.String(rec.Case), r.String(rec.Step)
	return rec
}

// relativeTo is the summary with its evidence paths relative to base (the
// folder its files are written into), where they are below it.
func (s *Summary) relativeTo(base string) *Summary {
	return s.mapSteps(func(st Step) Step {
		if st.Evidence == nil {
			return st
		}
		ev := make([]string, len(st.Evidence))
		for k, p := range st.Evidence {
			ev[k] = p
			if rel, err := filepath.Rel(base, p); err == nil && filepath.IsAbs(p) && !strings.HasPrefix(rel, "..") {
				ev[k] = filepath.ToSlash(rel)
			}
		}
		st.Evidence = ev
		return st
	})
}
