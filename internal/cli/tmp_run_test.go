package cli

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

func BenchmarkTmpRun(b *testing.B) {
	for b.Loop() {
		run(context.Background(), []string{"-f", "/tmp/perfx/p1000/compose.yaml", "--domain", "example.com"}, []string{"PATH=" + os.Getenv("PATH")}, strings.NewReader(""), io.Discard, io.Discard)
	}
}
