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
