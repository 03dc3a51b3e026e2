// Package testkit holds small helpers shared by the tests of firebreak.
//
// Tests that need something from outside the Go toolchain, such as a
// PostgreSQL server or a browser, skip when it is missing, so that `go test
// ./...` passes on a bare machine. CI sets FIREBREAK_TEST_REQUIRE to turn
// those skips into failures, so that a missing dependency cannot hide behind
// a green run.
package testkit

import (
	"os"
	"strings"
	"testing"
)

// RequireEnv is the environment variable that lists the external
// dependencies a test run must have, separated by commas, for example
// "postgres,browser". A test that finds a listed dependency missing fails
// instead of skipping.
const RequireEnv = "FIREBREAK_TEST_REQUIRE"

// Required reports whether the dependency name is listed in
// FIREBREAK_TEST_REQUIRE. Names are compared without case, and blanks
// around them are ignored.
func Required(name string) bool {
	for _, n := range strings.Split(os.Getenv(RequireEnv), ",") {
		if n = strings.TrimSpace(n); n != "" && strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// SkipOrFail stops the test t because the dependency name is unavailable,
// for the reason why. It fails the test when name is [Required], and skips
// it otherwise.
func SkipOrFail(t testing.TB, name, why string) {
	t.Helper()
	if Required(name) {
		t.Fatalf("%s is required by %s=%q but unavailable: %s", name, RequireEnv, os.Getenv(RequireEnv), why)
	}
	t.Skipf("%s unavailable, skipping (set %s=%s to fail instead): %s", name, RequireEnv, name, why)
}
