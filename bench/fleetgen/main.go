// Command fleetgen writes a fleet of run summaries for bench/fleet.sh: N
// copies of one real run's summary.json, each another install, a tenth of
// them failing one check of every User case, a twentieth incomplete.
//
//	go run ./bench/fleetgen -base reports/summary.json -n 1000 -out /tmp/fleet
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/conform-dev/conform/internal/report"
)

func main() {
	base := flag.String("base", "", "a run's summary.json")
	n := flag.Int("n", 100, "runs to write")
	out := flag.String("out", "", "folder to write run-0001/summary.json … into")
	flag.Parse()
	s, err := report.Load(*base)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 1; i <= *n; i++ {
		c := *s
		c.Runs = append([]report.Manifest(nil), s.Runs...)
		c.Runs[0].Endpoint = fmt.Sprintf("https://install-%04d.example.com/Cust%d", i, i)
		c.Cases = make([]report.Case, len(s.Cases))
		for j, k := range s.Cases {
			k.Steps = append([]report.Step(nil), k.Steps...)
			for si := range k.Steps {
				st := k.Steps[si]
				st.Evidence = nil
				st.Results = append([]report.Result(nil), st.Results...)
				switch {
				case i%10 == 0 && j%7 == 0 && len(st.Results) > 0:
					st.Results[0].Outcome, st.Results[0].Check, st.Results[0].Path = report.Failed, "HDR-MISSING", "/s:Envelope/s:Header/TimeZone"
					k.Outcome = report.Failed
				case i%20 == 5 && j%11 == 0 && len(st.Results) > 0:
					st.Results[0].Outcome, st.Results[0].Check = report.Error, "HTTP-TRANSPORT"
					k.Outcome = report.Error
				}
				k.Steps[si] = st
			}
			c.Cases[j] = k
		}
		c.Finish()
		dir := filepath.Join(*out, fmt.Sprintf("run-%04d", i))
		os.MkdirAll(dir, 0o755)
		data, _ := json.Marshal(c.Compact())
		if err := os.WriteFile(filepath.Join(dir, "summary.json"), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
