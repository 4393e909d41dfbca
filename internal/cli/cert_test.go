package cli

import (
	"testing"

	"github.com/compose2haproxy/compose2haproxy/internal/testcert"
)

// certDir makes a directory holding a self-signed certificate and its key,
// as HAProxy's "crt DIR" reads them.
func certDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := testcert.Write(dir, []string{"example.com", "*.example.com"}); err != nil {
		t.Fatal(err)
	}
	return dir
}
