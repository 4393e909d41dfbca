package bench

import (
	"os"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/cli"
	"github.com/compose2haproxy/compose2haproxy/internal/e2etest"
)

// TestMain runs the CLI when e2etest.CLI started this test binary as
// compose2haproxy (TestRoutingCost does), and the tests otherwise.
func TestMain(m *testing.M) {
	e2etest.RunMainIfAsked(cli.Main)
	os.Exit(m.Run())
}
