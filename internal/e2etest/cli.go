package e2etest

import (
	"os"
	"testing"
)

// runMainEnv, set to 1 in the environment of a test binary, makes it the
// CLI instead of running its tests (see RunMainIfAsked), as cmd/vet and
// stringer do: tests run the CLI as a process of its own without a go build.
const runMainEnv = "COMPOSE2HAPROXY_TEST_RUN_MAIN"

// RunMainIfAsked makes this test binary compose2haproxy when CLI started
// it: it calls main (cli.Main, passed in because internal/cli's own tests
// use this package) and exits with its code. Call it first in TestMain.
func RunMainIfAsked(main func() int) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(main())
	}
}

// CLI returns the path and environment that run compose2haproxy as a
// process: this test binary, whose TestMain calls RunMainIfAsked, with env
// plus runMainEnv. env is the CLI's whole environment; pass only what it
// should see, so that the user's (HAPROXY_DOMAIN, PROD_LINE, COMPOSE_*)
// does not change what it writes.
func CLI(tb testing.TB, env ...string) (bin string, environ []string) {
	tb.Helper()
	bin, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	return bin, append(env[:len(env):len(env)], runMainEnv+"=1")
}
