// Package ci holds the CI recipes of docs/ci (GitHub Actions, GitLab CI,
// Jenkins) and the tests that keep them, and the Dockerfile, true: they
// parse, the GitHub workflow passes actionlint, they take secrets from the
// CI's store, publish the JUnit report, keep report.html, and use only
// flags conform has.
package ci

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

var recipes = []string{"github-actions.yml", "gitlab-ci.yml", "Jenkinsfile", "github-actions-fleet.yml", "gitlab-ci-fleet.yml", "kubernetes-fleet.yaml"}

func read(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestYAMLParses(t *testing.T) {
	for _, name := range []string{"github-actions.yml", "gitlab-ci.yml", "github-actions-fleet.yml", "gitlab-ci-fleet.yml", "kubernetes-fleet.yaml"} {
		dec := yaml.NewDecoder(strings.NewReader(read(t, name)))
		n := 0
		for {
			var doc map[string]any
			err := dec.Decode(&doc)
			if err != nil {
				if err.Error() != "EOF" {
					t.Errorf("%s: %v", name, err)
				}
				break
			}
			if len(doc) == 0 {
				t.Errorf("%s: an empty document", name)
			}
			n++
		}
		if n == 0 {
			t.Errorf("%s: empty", name)
		}
	}
}

// The fleet recipes run a job per install (and shard) on the scheduler the
// user has, then merge every summary: secrets from the CI's store or a
// Kubernetes Secret, never a command line; the Kubernetes Job is Indexed,
// its reports on a volume the merge Job reads.
func TestFleetRecipes(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"github-actions-fleet.yml", []string{"matrix:", "--shard ${{ matrix.shard }}/2", "CONFORM_PASSWORD: ${{ secrets.CONFORM_PASSWORD }}", "needs: install", "report merge runs --out reports", "report_paths: reports/junit.xml"}},
		{"gitlab-ci-fleet.yml", []string{"parallel:", "matrix:", `--shard "$SHARD"`, "needs: [conformance]", "conform report merge reports --out fleet", "junit: fleet/junit.xml"}},
		{"kubernetes-fleet.yaml", []string{"completionMode: Indexed", "JOB_COMPLETION_INDEX", "secretKeyRef:", "name: CONFORM_PASSWORD", "persistentVolumeClaim: {claimName: conform-reports}", `args: ["report", "merge", "/reports", "--out", "/reports/fleet"]`, "runAsNonRoot: true"}},
	} {
		text := read(t, tc.name)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: lacks %q", tc.name, w)
			}
		}
		if regexp.MustCompile(`(?i)--(password|ticket|app-token)[ =]`).MatchString(text) {
			t.Errorf("%s: passes a secret on the command line", tc.name)
		}
		if regexp.MustCompile(`(?m)^\s*CONFORM_PASSWORD\s*:\s*\S`).MatchString(text) && !strings.Contains(text, "secrets.CONFORM_PASSWORD") {
			t.Errorf("%s: writes CONFORM_PASSWORD in the file", tc.name)
		}
	}
	// actionlint passes the fleet workflow too.
	if out, err := exec.Command("go", "tool", "actionlint", "-no-color", "github-actions-fleet.yml").CombinedOutput(); err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
}

// actionlint (a tool of go.mod) passes the workflow, and fails a broken
// copy: the lint is live.
func TestActionlint(t *testing.T) {
	lint := func(path string) (string, error) {
		out, err := exec.Command("go", "tool", "actionlint", "-no-color", path).CombinedOutput()
		return string(out), err
	}
	if out, err := lint("github-actions.yml"); err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
	broken := filepath.Join(t.TempDir(), "broken.yml")
	os.WriteFile(broken, []byte(strings.Replace(read(t, "github-actions.yml"), "${{ secrets.CONFORM_PASSWORD }}", "${{ secret.CONFORM_PASSWORD }}", 1)), 0o644)
	if out, err := lint(broken); err == nil || !strings.Contains(out, "secret") {
		t.Errorf("actionlint passed a workflow with an undefined context: %v\n%s", err, out)
	}
}

// Each recipe takes the password from the CI's secret store, runs conform
// against the staging URL, publishes junit.xml and keeps the report.
func TestRecipes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		password string // how CONFORM_PASSWORD is bound
		publish  []string
	}{
		{"github-actions.yml", "CONFORM_PASSWORD: ${{ secrets.CONFORM_PASSWORD }}", []string{"report_paths: reports/junit.xml", "path: reports/"}},
		{"gitlab-ci.yml", "", []string{"junit: reports/junit.xml", "- reports/"}},
		{"Jenkinsfile", "CONFORM_PASSWORD = credentials('conform-staging-password')", []string{"junit testResults: 'reports/junit.xml'", "archiveArtifacts artifacts: 'reports/**'"}},
	} {
		text := read(t, tc.name)
		if tc.password != "" && !strings.Contains(text, tc.password) {
			t.Errorf("%s: CONFORM_PASSWORD is not bound as %q", tc.name, tc.password)
		}
		if tc.password == "" && regexp.MustCompile(`(?m)^\s*CONFORM_PASSWORD\s*:`).MatchString(text) {
			t.Errorf("%s: defines CONFORM_PASSWORD in the file; it belongs in the CI/CD variables", tc.name)
		}
		if regexp.MustCompile(`(?i)--(password|ticket|app-token)[ =]`).MatchString(text) {
			t.Errorf("%s: passes a secret on the command line", tc.name)
		}
		for _, w := range append(tc.publish, "CONFORM_ENDPOINT", "run --reports reports") {
			if !strings.Contains(text, w) {
				t.Errorf("%s: lacks %q", tc.name, w)
			}
		}
	}
}

var (
	runFlagsOnce sync.Once
	runFlags     map[string]bool
	runFlagsErr  error
)

// flagsOfRun are the flags `conform run` has, from its own help.
func flagsOfRun(t *testing.T) map[string]bool {
	runFlagsOnce.Do(func() {
		cmd := exec.Command("go", "run", "./cmd/conform", "help", "run")
		cmd.Dir = "../.."
		out, err := cmd.CombinedOutput()
		if err != nil && !strings.Contains(string(out), "-endpoint") {
			runFlagsErr = err
			return
		}
		runFlags = map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(string(out), -1) {
			runFlags[m[1]] = true
		}
	})
	if runFlagsErr != nil {
		t.Fatal(runFlagsErr)
	}
	return runFlags
}

// Every conform run line of the recipes and the Dockerfile uses flags
// conform has.
func TestRecipesUseRealFlags(t *testing.T) {
	flags := flagsOfRun(t)
	if !flags["endpoint"] || !flags["junit-absolute-paths"] {
		t.Fatalf("could not read run's flags: %v", flags)
	}
	runLine := regexp.MustCompile(`conform"? run\b([^'\n]*)`)
	flag := regexp.MustCompile(`--?([a-z][a-z-]*)`)
	for _, name := range append(recipes, "../../Dockerfile") {
		found := false
		for _, m := range runLine.FindAllStringSubmatch(read(t, name), -1) {
			found = true
			for _, f := range flag.FindAllStringSubmatch(m[1], -1) {
				if !flags[f[1]] {
					t.Errorf("%s: conform run has no flag --%s", name, f[1])
				}
			}
		}
		if !found && name != "../../Dockerfile" {
			t.Errorf("%s: no conform run line", name)
		}
	}
}

// The Dockerfile is multi-stage: the static build of scripts/build-static
// on the Go of go.mod, then Debian slim, as a non-root user.
func TestDockerfile(t *testing.T) {
	text := read(t, "../../Dockerfile")
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(read(t, "../../go.mod"))
	var from, user []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "FROM":
			from = append(from, strings.Join(f[1:], " "))
		case "USER":
			user = append(user, f[1])
		}
	}
	if len(from) != 2 || !strings.HasPrefix(from[0], "golang:"+goVersion[1]+"-") || !strings.HasSuffix(from[0], " AS build") {
		t.Errorf("build stage: FROM %v; want golang:%s-… AS build first", from, goVersion[1])
	}
	if len(from) < 2 || !regexp.MustCompile(`^debian:[a-z]+-slim$`).MatchString(from[len(from)-1]) {
		t.Errorf("final stage: FROM %v; want debian:<release>-slim", from)
	}
	if len(user) != 1 || strings.HasPrefix(user[0], "0") || strings.HasPrefix(user[0], "root") {
		t.Errorf("USER %v: want one non-root user", user)
	}
	for _, w := range []string{"scripts/build-static /out/conform", "COPY --from=build /out/conform /usr/local/bin/conform", `ENTRYPOINT ["conform"]`} {
		if !strings.Contains(text, w) {
			t.Errorf("Dockerfile lacks %q", w)
		}
	}
}
