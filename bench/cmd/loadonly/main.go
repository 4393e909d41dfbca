// Command loadonly loads a compose project exactly as compose2haproxy does
// and stops there: it is the baseline that cmd/benchrun compares the whole
// run with, process against process.
//
//	loadonly -f compose.yaml [-f override.yaml]
//
// It prints the number of services loaded. The environment is read as the
// CLI reads it (for interpolation and COMPOSE_* variables).
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/loader"
)

func main() {
	var files []string
	args := os.Args[1:]
	for len(args) >= 2 && (args[0] == "-f" || args[0] == "--file") {
		files, args = append(files, args[1]), args[2:]
	}
	if len(args) > 0 {
		fmt.Fprintln(os.Stderr, "usage: loadonly [-f FILE]...")
		os.Exit(2)
	}
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	// The same options as internal/cli's run() without flags.
	p, err := loader.Load(context.Background(), loader.Options{
		Files: files, Environ: env, Stdin: os.Stdin, Warnings: os.Stderr,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(len(p.Services))
}
