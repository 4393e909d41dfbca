package cli

import (
	"os"
	"testing"
)

// runMainEnv, set to 1 in the environment of this test binary, makes it
// run main instead of the tests: the tests that need the CLI as a process
// of its own (to kill it, or to limit its file size) start their own
// executable with it, as cmd/vet and stringer do, and need no go build.
const runMainEnv = "COMPOSE2HAPROXY_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

// cliProcess returns the path of the CLI for exec and the environment that
// makes it one: nothing but runMainEnv, so that the user's environment
// (HAPROXY_DOMAIN, PROD_LINE, COMPOSE_*) does not change what it writes.
func cliProcess(t *testing.T) (bin string, env []string) {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return bin, []string{runMainEnv + "=1"}
}
