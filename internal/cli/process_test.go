package cli

import (
	"os"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// TestMain lets the tests that need the CLI as a process of its own (to
// kill it, or to limit its file size) start this test binary as the CLI:
// see e2etest.CLI.
func TestMain(m *testing.M) {
	e2etest.RunMainIfAsked(Main)
	os.Exit(m.Run())
}
