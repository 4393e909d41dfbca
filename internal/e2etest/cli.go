package e2etest

import (
	"fmt"
	"os/exec"
	"path/filepath"
)

// BuildCLI builds compose2haproxy into dir and returns the binary's path,
// for tests in other packages that run the product as a user does. (The
// CLI's own tests need no build: their TestMain runs main when the test
// binary is started as the CLI, see cmd/compose2haproxy.)
func BuildCLI(dir string) (string, error) {
	bin := filepath.Join(dir, "compose2haproxy")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/compose2haproxy/compose2haproxy/cmd/compose2haproxy").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/compose2haproxy: %v\n%s", err, out)
	}
	return bin, nil
}
