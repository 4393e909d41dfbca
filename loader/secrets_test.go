package loader

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// The project's secrets reach the model with their content, or with why it
// could not be read: a file outside the project (also through a symbolic
// link), missing, too large, not a regular file, an unset environment
// variable, an external secret. Only a secret that is used is an error,
// which the model reports.
func TestLoadReadsSecretsInsideTheProject(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "proj")
	for name, content := range map[string]string{
		"proj/ops.users":     "alice:$6$x\n",
		"proj/sub/dev.users": "bob:$6$y\n",
		"proj/big.users":     strings.Repeat("#", MaxFileSize+1),
		"outside.users":      "eve:$6$z\n",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "outside.users"), filepath.Join(dir, "link.users")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.users"), 0o644); err != nil {
		t.Fatal(err)
	}
	compose := `services:
  web:
    image: nginx
secrets:
  ops: {file: ./ops.users}
  dev: {file: sub/dev.users}
  big: {file: ./big.users}
  outside: {file: ../outside.users}
  link: {file: ./link.users}
  fifo: {file: ./fifo.users}
  missing: {file: ./missing.users}
  fromenv: {environment: OPS_USERS}
  unset: {environment: NOT_SET}
  docker: {external: true}
`
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	var read []string
	p, err := Load(context.Background(), Options{WorkingDir: dir, Environ: map[string]string{"OPS_USERS": "carol:$6$w"}, Allowed: []string{"OPS_USERS"},
		Read: func(what, path string) {
			if what == "secret file" {
				read = append(read, filepath.Base(path))
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Secret{
		{Name: "big", File: "big.users", Problem: "names the file " + filepath.Join(dir, "big.users") + ", which is larger than 1 MiB (1048577 bytes)"},
		{Name: "dev", File: "sub/dev.users", Content: []byte("bob:$6$y\n")},
		{Name: "docker", Problem: "is external: it lives in Docker, where compose2haproxy cannot read it"},
		{Name: "fifo", File: "fifo.users", Problem: "names the file " + filepath.Join(dir, "fifo.users") + ", which is not a regular file (a FIFO); name a file"},
		{Name: "fromenv", Content: []byte("carol:$6$w")},
		{Name: "link", File: "link.users", Problem: "is the file link.users, outside the project directory; compose2haproxy reads only the project's files"},
		{Name: "missing", File: "missing.users", Problem: "names the file " + filepath.Join(dir, "missing.users") + ", which does not exist"},
		{Name: "ops", File: "ops.users", Content: []byte("alice:$6$x\n")},
		{Name: "outside", File: filepath.Join(root, "outside.users"), Problem: "is the file " + filepath.Join(root, "outside.users") + ", outside the project directory; compose2haproxy reads only the project's files"},
		{Name: "unset", Problem: "comes from the environment variable NOT_SET, which is not set"},
	}
	if diff := cmp.Diff(want, p.Secrets); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
	// Files are named to the caller (so -o cannot overwrite one) before
	// they are read; the ones outside are never opened.
	if diff := cmp.Diff([]string{"big.users", "dev.users", "fifo.users", "missing.users", "ops.users"}, read); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}
}
