package main

import (
	"os"

	"github.com/compose2haproxy/compose2haproxy/internal/cli"
)

// main is all there is here: the command lives in internal/cli, where its
// tests and those of e2e and bench can call it.
func main() { os.Exit(cli.Main()) }
