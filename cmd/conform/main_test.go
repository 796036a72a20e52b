package main

import (
	"os"
	"testing"
)

// TestMain lets a test run the test binary itself as `conform`: Ginkgo
// runs one suite per process, so every `conform run` of a test is a
// process of its own.
func TestMain(m *testing.M) {
	if os.Getenv("CONFORM_TEST_AS_MAIN") == "1" {
		os.Exit(realMain())
	}
	os.Exit(m.Run())
}

// Every command the help lists has a runner, and every runner is listed.
func TestCommandsHaveRunners(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range commands {
		listed[c.name] = true
		if _, ok := runners[c.name]; !ok && c.name != "version" {
			t.Errorf("conform %s is in the help but has no runner", c.name)
		}
	}
	for name := range runners {
		if !listed[name] {
			t.Errorf("conform %s runs but is not in the help", name)
		}
	}
}
